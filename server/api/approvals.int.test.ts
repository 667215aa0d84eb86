import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FlowDocument } from "../../lib/flow/document";
import { eventLabel } from "../../lib/run/event-label";
import { prismaRunStore } from "../db/run-store";
import { createEmbeddedEngine } from "../embedded-engine";
import { flow } from "../engine/core/testing";
import { startTestServer, type TestServer } from "../testing/test-server";
import { waitFor } from "../testing/wait-for";

let t: TestServer;
let owner: string;
let approverA: string;
let approverB: string;
let outsider: string;

/** Adds an account to the owner's workspace with a role (invites arrive with the inbox). */
async function joinOwnersWorkspace(cookie: string, role: "approver" | "viewer") {
  const me = await t.trpc(cookie).me.get.query();
  const ownerWs = (await t.trpc(owner).me.get.query()).workspace!;
  await t.app.services.prisma.membership.deleteMany({ where: { userId: me.user.id } });
  await t.app.services.prisma.membership.create({
    data: { userId: me.user.id, workspaceId: ownerWs.workspaceId, role },
  });
}

beforeAll(async () => {
  t = await startTestServer();
  owner = await t.signUp("owner@example.com", "Olive Owner");
  approverA = await t.signUp("a@example.com", "Ann Approver");
  approverB = await t.signUp("b@example.com", "Ben Approver");
  outsider = await t.signUp("x@example.com", "Xavier Outsider");
  await joinOwnersWorkspace(approverA, "approver");
  await joinOwnersWorkspace(approverB, "approver");
});
afterAll(() => t.close());

//  start ─▶ review ─ approved ─▶ publish
//                  └ rejected ─▶ archive
const pipeline = (review: Record<string, unknown> = {}) =>
  flow(
    {
      start: ["start"],
      review: ["approval", { title: "Publish {{ input.doc }}?", show: "input", requiredApprovals: 2, ...review }],
      publish: ["end", { output: '"published"' }],
      archive: ["end", { output: '"archived"' }],
      late: ["end", { output: '"escalated"' }],
    },
    ["start -> review", "review.approved -> publish", "review.rejected -> archive", "review.timeout -> late"],
  );

async function startRun(doc: FlowDocument) {
  const api = t.trpc(owner);
  const created = await api.flows.create.mutate({ name: "Approval flow" });
  await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });
  const { runId } = await api.runs.start.mutate({ flowId: created.id, input: { doc: "Q3 report" } });
  await t.app.services.engine.idle();
  return runId;
}
/** Each call is a new decision (its own request key) unless it repeats one. */
const decide = (
  cookie: string,
  runId: string,
  decision: "approve" | "reject",
  comment = "",
  requestId: string = randomUUID(),
) => t.trpc(cookie).runs.decide.mutate({ runId, nodeId: "review", decision, comment, requestId });
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (e: { data?: { code?: string } }) => e.data?.code,
  );
const status = (runId: string) => t.trpc(owner).runs.get.query({ id: runId });

describe("approvals through the API", () => {
  it("waits, refuses the requester, and passes after two distinct approvals", async () => {
    const runId = await startRun(pipeline());
    expect((await status(runId)).status).toBe("waiting");
    const events = await t.trpc(owner).runs.events.query({ id: runId });
    expect(events.find((e) => e.type === "approval.requested")?.data).toMatchObject({
      title: "Publish Q3 report?",
      show: { doc: "Q3 report" },
      requiredApprovals: 2,
    });

    // The inbox's task row is written with the events: open while waiting, closed with the outcome.
    const task = () => t.app.services.prisma.approvalTask.findFirstOrThrow({ where: { runId } });
    expect(await task()).toMatchObject({ status: "open", title: "Publish Q3 report?", requiredApprovals: 2 });
    expect(await codeOf(decide(owner, runId, "approve"))).toBe("FORBIDDEN"); // started the run
    expect(await codeOf(decide(approverA, runId, "approve"))).toBe("ok");
    expect(await codeOf(decide(approverA, runId, "approve"))).toBe("CONFLICT"); // decides once
    expect((await status(runId)).status).toBe("waiting");
    expect(await codeOf(decide(approverB, runId, "approve"))).toBe("ok");
    await t.app.services.engine.idle();
    expect(await status(runId)).toMatchObject({ status: "succeeded", output: "published" });
    expect(await codeOf(decide(approverB, runId, "reject", "too late"))).toBe("CONFLICT");
    expect(await task()).toMatchObject({ status: "approved", closedAt: expect.any(Date) });
  });

  it("ends on one rejection, which needs a comment", async () => {
    const runId = await startRun(pipeline());
    expect(await codeOf(decide(approverA, runId, "reject"))).toBe("BAD_REQUEST");
    expect(await codeOf(decide(approverA, runId, "reject", "numbers are off"))).toBe("ok");
    await t.app.services.engine.idle();
    expect(await status(runId)).toMatchObject({ status: "succeeded", output: "archived" });
  });

  it("answers a repeated request (same requestId) with its first answer; a new request after the decision is a conflict", async () => {
    const runId = await startRun(pipeline());
    const first = await decide(approverA, runId, "approve", "", "run-view-request-1");
    const again = await decide(approverA, runId, "approve", "", "run-view-request-1");
    const taskId = (await t.app.services.prisma.approvalTask.findFirstOrThrow({ where: { runId } })).id;
    expect(first).toEqual({ runId, nodeId: "review", taskId, decision: "approve", taskStatus: "open" });
    expect(again).toEqual(first);
    expect(await t.app.services.prisma.approvalDecision.count({ where: { taskId } })).toBe(1);
    expect(await codeOf(decide(approverA, runId, "approve", "", "run-view-request-2"))).toBe("CONFLICT");
    // The inbox and the run view share one rule: the key of a run-view decision repeats there too.
    const viaInbox = await t
      .trpc(approverA)
      .inbox.decide.mutate({ taskId, decision: "approve", requestId: "run-view-request-1" });
    expect(viaInbox).toEqual({ taskId, decision: "approve", taskStatus: "open" });
  });

  it("keeps other workspaces out", async () => {
    const runId = await startRun(pipeline());
    expect(await codeOf(decide(outsider, runId, "approve"))).toBe("NOT_FOUND");
  });

  it("routes to the timeout path when nobody decides in time", async () => {
    const runId = await startRun(pipeline({ timeout: { afterMs: 1_000, action: "route" } }));
    const run = await waitFor(
      "the deadline to route the run",
      () => status(runId),
      (r) => r.status === "succeeded",
      { timeoutMs: 5_000 },
    );
    expect(run).toMatchObject({ status: "succeeded", output: "escalated" });
  });

  it("survives a restart while waiting: the decision resumes the run and nothing earlier runs again", async () => {
    const runId = await startRun(pipeline({ requiredApprovals: 1 }));
    await t.app.services.engine.stop(); // the process dies while the approval waits

    const second = createEmbeddedEngine(t.app.services.prisma);
    t.app.services.engine = second.engine; // the API now talks to the restarted engine
    await second.engine.recover();
    expect(await codeOf(decide(approverA, runId, "approve"))).toBe("ok");
    await second.engine.idle();
    expect(await status(runId)).toMatchObject({ status: "succeeded", output: "published" });
    const trace = (await prismaRunStore(t.app.services.prisma).events(runId)).map(eventLabel);
    expect(trace.filter((x) => x === "node.started:start")).toHaveLength(1);
    expect(trace.filter((x) => x === "node.started:review")).toHaveLength(1);
  });
});
