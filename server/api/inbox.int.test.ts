// The approval inbox through the real API: tabs and counts, decisions taken once (idempotent,
// racing, parallel), escalation to groups, workspace isolation and the inbox socket message.
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { FlowDocument } from "../../lib/flow/document";
import type { RunEvent } from "../../lib/run/events";
import type { InboxTask } from "../../lib/run/inbox";
import { prismaRunStore } from "../db/run-store";
import { prismaTimerStore } from "../db/timer-store";
import { createEmbeddedEngine } from "../embedded-engine";
import { flow } from "../engine/core/testing";
import { executors } from "../engine/runtime/executors";
import { systemClock } from "../engine/runtime/in-process-bus";
import { RunEngine } from "../engine/runtime/run-engine";
import { sharedSandbox } from "../engine/runtime/sandbox/expression-sandbox";
import { startTestServer, type TestServer } from "../testing/test-server";
import { connectedSocket } from "../testing/test-socket";
import { waitFor } from "../testing/wait-for";

let t: TestServer;
/** Session cookies. */
const as = { owner: "", approverA: "", approverB: "", viewer: "", finance: "", outsider: "" };
/** User ids, by the same names. */
const id = { owner: "", approverA: "", approverB: "", viewer: "", finance: "", outsider: "" };
const sockets: Socket[] = [];

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (e: { data?: { code?: string } }) => e.data?.code ?? String(e),
  );
const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => ({ code: "ok", message: "" }),
    (e: { data?: { code?: string }; message: string }) => ({ code: e.data?.code ?? String(e), message: e.message }),
  );
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Joins the owner's workspace through a real invite link; it becomes the workspace they work in. */
async function join(cookie: string, role: "editor" | "approver" | "viewer") {
  const invite = await t.trpc(as.owner).team.createInvite.mutate({ role });
  await t.trpc(cookie).team.acceptInvite.mutate({ token: invite.token });
}

beforeAll(async () => {
  t = await startTestServer({ outboundAllow: ["127.0.0.1"] }); // the gate below is on loopback
  as.owner = await t.signUp("olive@example.com", "Olive Owner");
  as.approverA = await t.signUp("ann@example.com", "Ann Approver");
  as.approverB = await t.signUp("ben@example.com", "Ben Approver");
  as.viewer = await t.signUp("vic@example.com", "Vic Viewer");
  as.finance = await t.signUp("fay@example.com", "Fay Finance");
  as.outsider = await t.signUp("xavier@example.com", "Xavier Outsider");
  await join(as.approverA, "approver");
  await join(as.approverB, "approver");
  await join(as.viewer, "viewer");
  await join(as.finance, "editor"); // not an approver: only the finance group brings tasks to Fay
  for (const who of Object.keys(as) as (keyof typeof as)[]) {
    id[who] = (await t.trpc(as[who]).me.get.query()).user.id;
  }
  const team = t.trpc(as.owner).team;
  const finance = await team.createGroup.mutate({ name: "finance" });
  await team.setGroupMembers.mutate({ id: finance.id, userIds: [id.finance] });
  const legal = await team.createGroup.mutate({ name: "legal" });
  await team.setGroupMembers.mutate({ id: legal.id, userIds: [id.approverB] });
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.disconnect();
});
afterAll(() => t.close());

//  start ─▶ review ─ approved ─▶ publish
//                  ├ rejected ─▶ archive
//                  └ timeout  ─▶ late
const reviewFlow = (review: Record<string, unknown> = {}) =>
  flow(
    {
      start: ["start"],
      review: ["approval", { title: "Publish {{ input.doc }}?", show: "input", ...review }],
      publish: ["end", { output: '"published"' }],
      archive: ["end", { output: '"archived"' }],
      late: ["end", { output: '"late"' }],
    },
    ["start -> review", "review.approved -> publish", "review.rejected -> archive", "review.timeout -> late"],
  );

async function saveFlow(doc: FlowDocument, name = "Inbox flow") {
  const api = t.trpc(as.owner);
  const created = await api.flows.create.mutate({ name });
  await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });
  return created.id;
}

/** Starts a run as the owner; the run is waiting on its approval when this returns (pure steps run inline). */
async function startRun(flowId: string) {
  const { runId } = await t.trpc(as.owner).runs.start.mutate({ flowId, input: { doc: "Q3 report" } });
  return runId;
}

const taskOf = async (runId: string, nodeId = "review") =>
  (await t.app.services.prisma.approvalTask.findFirstOrThrow({ where: { runId, nodeId } })).id;

/** Every page of a tab (pages hold at most 100). */
async function tab(cookie: string, name: "mine" | "all" | "decided"): Promise<InboxTask[]> {
  const all: InboxTask[] = [];
  for (let page = 0; ; page++) {
    const rows = await t.trpc(cookie).inbox.list.query({ tab: name, page, pageSize: 100 });
    all.push(...rows);
    if (rows.length < 100) return all;
  }
}
const ids = (tasks: InboxTask[]) => tasks.map((x) => x.id);

let requests = 0;
const decide = (
  cookie: string,
  taskId: string,
  decision: "approve" | "reject",
  more: { comment?: string; form?: Record<string, unknown>; requestId?: string } = {},
) =>
  t.trpc(cookie).inbox.decide.mutate({
    taskId,
    decision,
    comment: more.comment ?? (decision === "reject" ? "not this time" : ""),
    form: more.form ?? {},
    requestId: more.requestId ?? `request-${++requests}-${Math.random().toString(36).slice(2)}`,
  });

const events = (runId: string) => t.trpc(as.owner).runs.events.query({ id: runId });
const count = (list: RunEvent[], type: string, nodeId?: string) =>
  list.filter((e) => e.type === type && (nodeId === undefined || ("nodeId" in e && e.nodeId === nodeId))).length;
const run = (runId: string) => t.trpc(as.owner).runs.get.query({ id: runId });
const decisionRows = (taskId: string) => t.app.services.prisma.approvalDecision.findMany({ where: { taskId } });

const connect = (cookie: string) => connectedSocket(t.url, cookie, { opened: sockets });

describe("tabs and counts", () => {
  it("shows a task to the role it is assigned to, not to viewers; all is for owners; a decision moves it to decided and into the run's log", async () => {
    const flowId = await saveFlow(
      reviewFlow({
        assignees: { users: [], roles: ["approver"], groups: [] },
        form: [
          { name: "budget", label: "Budget", type: "number", required: true },
          { name: "note", label: "Note", type: "string", required: false },
        ],
      }),
    );
    const before = {
      approverA: await t.trpc(as.approverA).inbox.counts.query(),
      viewer: await t.trpc(as.viewer).inbox.counts.query(),
      owner: await t.trpc(as.owner).inbox.counts.query(),
    };
    const runId = await startRun(flowId);
    const taskId = await taskOf(runId);

    // The approver has it; the viewer (and the owner, not an approver) does not.
    expect(ids(await tab(as.approverA, "mine"))).toContain(taskId);
    expect((await t.trpc(as.approverA).inbox.counts.query()).mine).toBe(before.approverA.mine + 1);
    expect(ids(await tab(as.viewer, "mine"))).not.toContain(taskId);
    expect(await t.trpc(as.viewer).inbox.counts.query()).toEqual(before.viewer);
    expect(ids(await tab(as.owner, "mine"))).not.toContain(taskId);
    expect(await t.trpc(as.owner).inbox.counts.query()).toEqual({
      mine: before.owner.mine,
      all: (before.owner.all ?? 0) + 1,
    });
    const seen = await t.trpc(as.approverA).inbox.get.query({ id: taskId });
    expect(seen).toMatchObject({
      runId,
      nodeId: "review",
      status: "open",
      title: "Publish Q3 report?",
      show: { doc: "Q3 report" },
      requestedBy: { id: id.owner, name: "Olive Owner" },
      assignedToViewer: true,
      canDecide: true,
    });
    expect((await t.trpc(as.viewer).inbox.get.query({ id: taskId })).canDecide).toBe(false);

    // The whole workspace's open tasks are for owners.
    expect(ids(await tab(as.owner, "all"))).toContain(taskId);
    for (const who of ["approverA", "viewer", "finance"] as const) {
      expect(await codeOf(t.trpc(as[who]).inbox.list.query({ tab: "all" }))).toBe("FORBIDDEN");
    }
    // Viewers cannot decide, even on a task with no one else to decide it.
    expect(await codeOf(decide(as.viewer, taskId, "approve", { form: { budget: 1 } }))).toBe("FORBIDDEN");
    // Form fields are checked.
    expect(await errorOf(decide(as.approverA, taskId, "approve"))).toEqual({
      code: "BAD_REQUEST",
      message: "Budget is required to approve",
    });
    expect(await codeOf(decide(as.approverA, taskId, "approve", { form: { budget: "lots" } }))).toBe("BAD_REQUEST");

    const form = { budget: 1200, note: "within plan" };
    expect(await decide(as.approverA, taskId, "approve", { comment: "Numbers check out", form })).toEqual({
      taskId,
      decision: "approve",
      taskStatus: "approved",
    });
    await t.app.services.engine.idle();

    expect(ids(await tab(as.approverA, "mine"))).not.toContain(taskId);
    expect((await t.trpc(as.approverA).inbox.counts.query()).mine).toBe(before.approverA.mine);
    expect((await t.trpc(as.owner).inbox.counts.query()).all).toBe(before.owner.all);
    const decided = (await tab(as.approverA, "decided")).find((x) => x.id === taskId);
    expect(decided).toMatchObject({
      status: "approved",
      closedAt: expect.any(String),
      approvals: 1,
      canDecide: false,
      decisions: [
        { by: { id: id.approverA, name: "Ann Approver" }, decision: "approve", comment: "Numbers check out", form },
      ],
    });
    expect(ids(await tab(as.owner, "decided"))).toContain(taskId); // owners see the whole history
    expect(ids(await tab(as.viewer, "decided"))).not.toContain(taskId);

    const log = await events(runId);
    const recorded = log.filter((e) => e.type === "approval.decided");
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.data).toMatchObject({
      by: { id: id.approverA, name: "Ann Approver" },
      decision: "approve",
      comment: "Numbers check out",
      form,
    });
    expect(await run(runId)).toMatchObject({ status: "succeeded", output: "published" });
  });

  it("shows a task assigned to a group to its members only", async () => {
    const flowId = await saveFlow(reviewFlow({ assignees: { users: [], roles: [], groups: ["legal"] } }));
    const runId = await startRun(flowId);
    const taskId = await taskOf(runId);
    expect(ids(await tab(as.approverB, "mine"))).toContain(taskId); // in legal
    for (const who of ["approverA", "finance", "owner", "viewer"] as const) {
      expect(ids(await tab(as[who], "mine"))).not.toContain(taskId);
    }
    expect(await codeOf(decide(as.approverA, taskId, "approve"))).toBe("FORBIDDEN"); // an approver, but not in legal
    expect(await codeOf(decide(as.approverB, taskId, "reject", { comment: "needs a clause" }))).toBe("ok");
    await t.app.services.engine.idle();
    expect(await run(runId)).toMatchObject({ status: "succeeded", output: "archived" });
    expect((await tab(as.approverB, "decided")).find((x) => x.id === taskId)).toMatchObject({
      status: "rejected",
      decisions: [{ by: { id: id.approverB }, decision: "reject", comment: "needs a clause" }],
    });
  });

  it("keeps a closed task in the decided tab of everyone it was assigned to, not only of who decided it", async () => {
    const flowId = await saveFlow(reviewFlow({ assignees: { users: [], roles: ["approver"], groups: [] } }));
    const runId = await startRun(flowId);
    const taskId = await taskOf(runId);
    await decide(as.approverB, taskId, "reject", { comment: "wrong quarter" });
    await t.app.services.engine.idle();
    // Ann was asked too: the task she no longer has in "mine" is in her history, with Ben's decision.
    expect((await tab(as.approverA, "decided")).find((x) => x.id === taskId)).toMatchObject({
      status: "rejected",
      assignedToViewer: true,
      canDecide: false,
      decisions: [{ by: { id: id.approverB, name: "Ben Approver" }, decision: "reject", comment: "wrong quarter" }],
    });
    expect(ids(await tab(as.approverB, "decided"))).toContain(taskId);
    expect(ids(await tab(as.finance, "decided"))).not.toContain(taskId); // an editor, not asked
    expect(ids(await tab(as.viewer, "decided"))).not.toContain(taskId);
  });

  it("keeps a task needing two approvals in the other approver's tab after the first decides", async () => {
    const flowId = await saveFlow(reviewFlow({ requiredApprovals: 2 })); // no assignees: anyone who may decide
    const runId = await startRun(flowId);
    const taskId = await taskOf(runId);
    expect(ids(await tab(as.viewer, "mine"))).not.toContain(taskId); // viewers may not decide
    expect(ids(await tab(as.finance, "mine"))).toContain(taskId);
    expect(await decide(as.approverA, taskId, "approve")).toMatchObject({ taskStatus: "open" });
    expect(ids(await tab(as.approverA, "mine"))).not.toContain(taskId);
    expect(ids(await tab(as.approverB, "mine"))).toContain(taskId);
    expect(await t.trpc(as.approverB).inbox.get.query({ id: taskId })).toMatchObject({ approvals: 1, canDecide: true });
    expect(await codeOf(decide(as.approverA, taskId, "approve"))).toBe("CONFLICT"); // decides once
    expect(await decide(as.approverB, taskId, "approve")).toMatchObject({ taskStatus: "approved" });
    await t.app.services.engine.idle();
    expect(await run(runId)).toMatchObject({ status: "succeeded", output: "published" });
  });
});

describe("deciding once", () => {
  it("answers a repeated request (same requestId) like the first time, and records one decision", async () => {
    const flowId = await saveFlow(reviewFlow({ requiredApprovals: 2 }));
    const runId = await startRun(flowId);
    const taskId = await taskOf(runId);
    const first = await decide(as.approverA, taskId, "approve", { requestId: "same-request-1" });
    const again = await decide(as.approverA, taskId, "approve", { requestId: "same-request-1" });
    expect(first).toEqual({ taskId, decision: "approve", taskStatus: "open" });
    expect(again).toEqual(first);
    expect(await decisionRows(taskId)).toHaveLength(1);
    expect(count(await events(runId), "approval.decided")).toBe(1);

    // The same key on another task is a client mistake, not a repeat: it must not pass for a decision.
    const otherRun = await startRun(flowId);
    const otherTask = await taskOf(otherRun);
    expect(await errorOf(decide(as.approverA, otherTask, "approve", { requestId: "same-request-1" }))).toEqual({
      code: "BAD_REQUEST",
      message: "This requestId was already used to decide another task: send a new one with each decision.",
    });
    expect(await decisionRows(otherTask)).toEqual([]);
    expect(ids(await tab(as.approverA, "mine"))).toContain(otherTask); // still waiting for Ann
    expect(await decide(as.approverA, otherTask, "approve")).toMatchObject({ taskId: otherTask, taskStatus: "open" });
  });

  it("answers the same request sent twice at once with one answer and one decision", async () => {
    const flowId = await saveFlow(reviewFlow({ requiredApprovals: 1 }));
    const twoNeeded = await saveFlow(reviewFlow({ requiredApprovals: 2 }));
    for (const f of [flowId, twoNeeded, flowId, twoNeeded]) {
      const runId = await startRun(f);
      const taskId = await taskOf(runId);
      const requestId = `twice-at-once-${runId}`;
      const [a, b] = await Promise.all([
        decide(as.approverA, taskId, "approve", { requestId }),
        decide(as.approverA, taskId, "approve", { requestId }),
      ]);
      expect(a).toEqual(b);
      expect(a).toMatchObject({ taskId, decision: "approve" });
      await t.app.services.engine.idle();
      expect(await decisionRows(taskId)).toHaveLength(1);
      expect(count(await events(runId), "approval.decided")).toBe(1);
    }
  });

  it("50 tasks each decided by an approve and a reject at once: one decision each, the other CONFLICT, each run resumes once", async () => {
    const flowId = await saveFlow(reviewFlow({ requiredApprovals: 1 }));
    const runIds = await Promise.all(Array.from({ length: 50 }, () => startRun(flowId)));
    const tasks = await t.app.services.prisma.approvalTask.findMany({ where: { runId: { in: runIds } } });
    expect(tasks).toHaveLength(50);
    const taskByRun = new Map(tasks.map((x) => [x.runId, x.id]));

    const outcomes = await Promise.all(
      runIds.map(async (runId, i) => {
        const taskId = taskByRun.get(runId)!;
        // Half the pairs send the approval first, half the rejection.
        const approve = () => codeOf(decide(i % 2 ? as.approverA : as.approverB, taskId, "approve"));
        const reject = () => codeOf(decide(i % 2 ? as.approverB : as.approverA, taskId, "reject", { comment: "no" }));
        const [approved, rejected] =
          i % 4 < 2
            ? await Promise.all([approve(), reject()])
            : await Promise.all([reject(), approve()]).then(([r, a]) => [a, r]);
        const [approver, rejecter] = i % 2 ? [id.approverA, id.approverB] : [id.approverB, id.approverA];
        return { runId, taskId, approved, rejected, approver, rejecter };
      }),
    );
    await t.app.services.engine.idle();

    for (const o of outcomes) {
      expect([o.approved, o.rejected].sort(), o.runId).toEqual(["CONFLICT", "ok"]);
      const won = o.approved === "ok" ? "approve" : "reject";
      const winner = won === "approve" ? o.approver : o.rejecter;
      const rows = await decisionRows(o.taskId);
      expect(
        rows.map((r) => [r.decision, r.userId]),
        o.runId,
      ).toEqual([[won, winner]]);
      const log = await events(o.runId);
      expect(count(log, "approval.decided"), o.runId).toBe(1);
      const resumed = log.filter((e) => e.type === "node.succeeded" && "nodeId" in e && e.nodeId === "review");
      expect(resumed, o.runId).toHaveLength(1);
      expect(resumed[0]!.data, o.runId).toMatchObject({
        output: { decision: won === "approve" ? "approved" : "rejected", decidedBy: { id: winner } },
      });
      expect(count(log, "run.succeeded"), o.runId).toBe(1);
      expect(await run(o.runId), o.runId).toMatchObject({
        status: "succeeded",
        output: won === "approve" ? "published" : "archived",
      });
      const task = await t.app.services.prisma.approvalTask.findUniqueOrThrow({ where: { id: o.taskId } });
      expect(task.status).toBe(won === "approve" ? "approved" : "rejected");
    }
  }, 30_000);

  it("two parallel approvals decided at the same moment both pass the join", async () => {
    //  start ─▶ split ─▶ left  ─ approved ─▶ join ─▶ done
    //                 └▶ right ─ approved ─┘
    const flowId = await saveFlow(
      flow(
        {
          start: ["start"],
          split: ["parallel"],
          left: ["approval", { title: "Left?" }],
          right: ["approval", { title: "Right?" }],
          join: ["join"],
          done: ["end", { output: '"both"' }],
        },
        [
          "start -> split",
          "split -> left",
          "split -> right",
          "left.approved -> join",
          "right.approved -> join",
          "join -> done",
        ],
      ),
    );
    for (let round = 0; round < 3; round++) {
      const runId = await startRun(flowId);
      const [left, right] = [await taskOf(runId, "left"), await taskOf(runId, "right")];
      const answers = await Promise.all([
        decide(as.approverA, left, "approve"),
        decide(round === 0 ? as.approverA : as.approverB, right, "approve"),
      ]);
      expect(answers.map((a) => a.taskStatus)).toEqual(["approved", "approved"]);
      await t.app.services.engine.idle();
      expect(await run(runId)).toMatchObject({ status: "succeeded", output: "both" });
      const log = await events(runId);
      expect(count(log, "node.succeeded", "join")).toBe(1);
      expect(count(log, "approval.decided")).toBe(2);
      expect(count(log, "run.succeeded")).toBe(1);
    }
  });
});

describe("decisions that arrive too early", () => {
  /** An HTTP endpoint that answers only when the test opens it: the step before the approval. */
  let gate: Server;
  let arrived: () => void = () => {};
  let open: () => void = () => {};
  beforeAll(async () => {
    gate = createServer((_req, res) => {
      arrived();
      open = () => res.writeHead(200, { "content-type": "application/json" }).end('{"drafted":true}');
    });
    await new Promise<void>((resolve) => gate.listen(0, "127.0.0.1", resolve));
  });
  afterAll(() => new Promise<void>((resolve) => gate.close(() => resolve())));

  it("are refused with a clear error, and the real decision still works afterwards", async () => {
    //  start ─▶ work (held at the gate) ─▶ review ─▶ publish
    const url = `http://127.0.0.1:${(gate.address() as AddressInfo).port}/draft`;
    const flowId = await saveFlow(
      flow(
        {
          start: ["start"],
          work: ["http", { url }],
          review: ["approval", { title: "OK?" }],
          publish: ["end", { output: '"published"' }],
        },
        ["start -> work", "work -> review", "review.approved -> publish"],
      ),
    );
    const atGate = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const runId = await startRun(flowId);
    await atGate; // the step before the approval is in flight: the pause is not committed yet
    expect((await run(runId)).status).toBe("running");
    const early = await errorOf(
      t
        .trpc(as.approverA)
        .runs.decide.mutate({ runId, nodeId: "review", decision: "approve", requestId: randomUUID() }),
    );
    expect(early).toEqual({
      code: "CONFLICT",
      message: "This approval is not waiting for a decision yet: the run has not reached it.",
    });
    const unknown = await errorOf(decide(as.approverA, "no-such-task", "approve"));
    expect(unknown).toEqual({
      code: "NOT_FOUND",
      message: "This approval task does not exist or is not in your workspace.",
    });
    expect(await t.app.services.prisma.approvalTask.count({ where: { runId } })).toBe(0);

    open();
    await waitFor(
      "the run to wait at the approval",
      () => run(runId),
      (r) => r.status === "waiting",
    );
    const taskId = await taskOf(runId);
    expect(await decide(as.approverA, taskId, "approve")).toMatchObject({ taskStatus: "approved" });
    await t.app.services.engine.idle();
    expect(await run(runId)).toMatchObject({ status: "succeeded", output: "published" });
    const log = await events(runId);
    expect(count(log, "approval.decided")).toBe(1);
    expect(count(log, "node.started", "work")).toBe(1);
  });
});

describe("escalation", () => {
  const escalating = (level2Ms: number) =>
    reviewFlow({
      assignees: { users: [], roles: ["approver"], groups: [] },
      timeout: { afterMs: 1_000, action: "reject", escalate: [{ groups: ["finance"], afterMs: level2Ms }] },
    });

  it("moves the task to the next level's group with a new deadline; a member of that group decides it", async () => {
    const runId = await startRun(await saveFlow(escalating(2_000))); // time for Fay to decide at level 1
    const taskId = await taskOf(runId);
    const asked = await t.trpc(as.owner).inbox.get.query({ id: taskId });
    expect(asked).toMatchObject({ assignees: { roles: ["approver"], groups: [] }, escalations: [] });
    expect(asked.dueAt).not.toBeNull();
    expect(ids(await tab(as.approverA, "mine"))).toContain(taskId);
    expect(ids(await tab(as.finance, "mine"))).not.toContain(taskId);

    const escalated = await waitFor(
      "the task to be escalated",
      () => t.trpc(as.owner).inbox.get.query({ id: taskId }),
      (x) => x.escalations.length > 0,
      { timeoutMs: 4_000 },
    );
    expect(escalated.assignees).toEqual({ users: [], roles: [], groups: ["finance"] });
    expect(escalated.escalations).toEqual([
      { level: 1, at: expect.any(String), assignees: escalated.assignees, timeoutAt: escalated.dueAt },
    ]);
    // The new deadline: level 1's 2 s from the moment the first deadline passed.
    expect(Date.parse(escalated.escalations[0]!.at)).toBeGreaterThanOrEqual(Date.parse(asked.dueAt!));
    expect(Date.parse(escalated.dueAt!)).toBe(Date.parse(escalated.escalations[0]!.at) + 2_000);
    expect(escalated.status).toBe("open");

    expect(ids(await tab(as.approverA, "mine"))).not.toContain(taskId);
    expect(await codeOf(decide(as.approverA, taskId, "approve"))).toBe("FORBIDDEN");
    expect(ids(await tab(as.finance, "mine"))).toContain(taskId);
    expect(await decide(as.finance, taskId, "approve", { comment: "finance ok" })).toMatchObject({
      taskStatus: "approved",
    });
    await t.app.services.engine.idle();
    expect(await run(runId)).toMatchObject({ status: "succeeded", output: "published" });

    // The second deadline still falls due, and changes nothing.
    await waitFor(
      "both deadlines to fall due",
      () => t.app.services.prisma.timer.findMany({ where: { runId } }),
      (timers) => timers.length === 2 && timers.every((x) => x.firedAt !== null),
      { timeoutMs: 5_000 },
    );
    const log = await events(runId);
    expect(count(log, "approval.escalated")).toBe(1);
    expect(count(log, "timer.fired")).toBe(1);
    expect(count(log, "node.succeeded", "review")).toBe(1);
    expect(count(log, "run.succeeded")).toBe(1);
  });

  it("takes the timeout action after the last level when nobody decides, once", async () => {
    const runId = await startRun(await saveFlow(escalating(1_000)));
    const taskId = await taskOf(runId);
    const done = await waitFor(
      "the run to end after the last deadline",
      () => run(runId),
      (r) => r.status !== "waiting" && r.status !== "running",
      { timeoutMs: 6_000 },
    );
    expect(done).toMatchObject({ status: "succeeded", output: "archived" });
    await t.app.services.engine.idle();
    expect(await t.trpc(as.owner).inbox.get.query({ id: taskId })).toMatchObject({
      status: "rejected",
      decisions: [],
      escalations: [{ level: 1 }],
    });
    const log = await events(runId);
    expect(count(log, "approval.escalated")).toBe(1);
    expect(log.filter((e) => e.type === "timer.fired").map((e) => (e.data as { level?: number }).level ?? 0)).toEqual([
      0, 1,
    ]);
    const finished = log.filter((e) => e.type === "node.succeeded" && "nodeId" in e && e.nodeId === "review");
    expect(finished).toHaveLength(1);
    expect(finished[0]!.data).toMatchObject({
      output: { decision: "rejected", decidedBy: null },
      handles: ["rejected"],
    });
    expect(count(log, "run.succeeded")).toBe(1);
    expect(ids(await tab(as.finance, "mine"))).not.toContain(taskId);
    expect(ids(await tab(as.finance, "decided"))).toContain(taskId); // it timed out in their hands
    expect(await codeOf(decide(as.finance, taskId, "approve"))).toBe("CONFLICT");
  });
});

describe("workspace isolation", () => {
  it("hides a task from another workspace: NOT_FOUND to read or decide, absent from every list", async () => {
    const runId = await startRun(await saveFlow(reviewFlow()));
    const taskId = await taskOf(runId);
    const other = t.trpc(as.outsider);
    expect(await codeOf(other.inbox.get.query({ id: taskId }))).toBe("NOT_FOUND");
    expect(await codeOf(decide(as.outsider, taskId, "approve"))).toBe("NOT_FOUND");
    for (const name of ["mine", "all", "decided"] as const) expect(await tab(as.outsider, name)).toEqual([]);
    expect(await other.inbox.counts.query()).toEqual({ mine: 0, all: 0 });
    // Still open and undecided for its own workspace.
    expect(await decisionRows(taskId)).toEqual([]);
    expect(ids(await tab(as.approverA, "mine"))).toContain(taskId);
    await decide(as.approverA, taskId, "approve");
  });

  it("tells the task's workspace sockets that the inbox changed, and no other workspace's", async () => {
    const mine = await connect(as.approverA);
    const theirs = await connect(as.outsider);
    const seen = { mine: [] as string[][], theirs: [] as string[][] };
    mine.on("inbox:changed", (m: { opened: string[] }) => seen.mine.push(m.opened));
    theirs.on("inbox:changed", (m: { opened: string[] }) => seen.theirs.push(m.opened));

    const runId = await startRun(await saveFlow(reviewFlow()));
    await waitFor(
      "the workspace's socket to hear of the new task",
      () => seen.mine,
      (messages) => messages.some((opened) => opened.includes(runId)),
    );
    const messagesBefore = seen.mine.length;
    await decide(as.approverA, await taskOf(runId), "approve");
    await waitFor(
      "the workspace's socket to hear of the decision",
      () => seen.mine.length,
      (n) => n > messagesBefore,
    ); // the decision changes the inbox too
    await t.app.services.engine.idle();
    // Then a task in the other workspace: its message comes after any stray one (one socket,
    // in order), so once it has arrived, anything sent there about this workspace has too.
    const outsider = t.trpc(as.outsider);
    const theirFlow = await outsider.flows.create.mutate({ name: "Their flow" });
    await outsider.flows.save.mutate({ id: theirFlow.id, expectedVersion: 1, document: reviewFlow() });
    const { runId: theirRun } = await outsider.runs.start.mutate({ flowId: theirFlow.id, input: { doc: "theirs" } });
    await waitFor(
      "the other workspace's socket to hear of its own task",
      () => seen.theirs,
      (messages) => messages.length > 0,
    );
    expect(seen.theirs).toEqual([[theirRun]]);
  });
});

describe("a slow database", () => {
  /**
   * Runs `work` against an engine whose appends take 100 ms, as on a busy or remote database;
   * `onAppend` sees each batch as its write begins. The usual engine is back afterwards.
   */
  async function withSlowAppends(
    onAppend: (runId: string, batch: readonly { type: string }[]) => Promise<void> | void,
    work: (engine: RunEngine) => Promise<void>,
  ) {
    const original = t.app.services.engine;
    await original.stop();
    await original.idle();
    const store = prismaRunStore(t.app.services.prisma);
    const slow = new RunEngine({
      http: () => Promise.reject(new Error("no outbound requests here")),
      credential: () => Promise.reject(new Error("no credentials here")),
      store: {
        ...store,
        async append(...args) {
          await onAppend(args[0], args[2]);
          await sleep(100);
          return store.append(...args);
        },
      },
      timers: prismaTimerStore(t.app.services.prisma),
      bus: t.app.bus,
      clock: systemClock,
      executors,
      expressions: sharedSandbox(),
    });
    t.app.services.engine = slow;
    try {
      await work(slow);
    } finally {
      await slow.stop();
      await slow.idle();
      t.app.services.engine = original;
      await original.recover();
    }
  }

  it("counts a third approval that arrives while the second is being stored", async () => {
    // Ann and Ben decide at once; Fay decides while Ben's decision is being written.
    const runId = await startRun(await saveFlow(reviewFlow({ requiredApprovals: 3 })));
    const taskId = await taskOf(runId);
    let decisionsStored = 0;
    let third: Promise<string> | undefined;
    const onAppend = (appendedTo: string, batch: readonly { type: string }[]) => {
      if (appendedTo === runId && batch.some((e) => e.type === "approval.decided") && ++decisionsStored === 2)
        third = codeOf(decide(as.finance, taskId, "approve"));
    };
    await withSlowAppends(onAppend, async (engine) => {
      const firstTwo = await Promise.all([
        codeOf(decide(as.approverA, taskId, "approve")),
        codeOf(decide(as.approverB, taskId, "approve")),
      ]);
      expect(third).toBeDefined();
      expect([...firstTwo, await third]).toEqual(["ok", "ok", "ok"]);
      await engine.idle();
      expect(await run(runId)).toMatchObject({ status: "succeeded", output: "published" });
      expect(await decisionRows(taskId)).toHaveLength(3);
      expect(count(await events(runId), "approval.decided")).toBe(3);
      // One process, one copy of the run: each decision was written once, none had to be retried.
      expect(decisionsStored).toBe(3);
    });
  });

  it("answers a repeated request sent while the first is being stored like the first", async () => {
    // The retry (same requestId) reaches the engine before the first decision is written.
    for (const requiredApprovals of [1, 2]) {
      const runId = await startRun(await saveFlow(reviewFlow({ requiredApprovals })));
      const taskId = await taskOf(runId);
      const requestId = `while-stored-${runId}`;
      let retry: ReturnType<typeof decide> | undefined;
      const onAppend = (appendedTo: string, batch: readonly { type: string }[]) => {
        if (appendedTo === runId && batch.some((e) => e.type === "approval.decided") && !retry)
          retry = decide(as.approverA, taskId, "approve", { requestId });
      };
      await withSlowAppends(onAppend, async (engine) => {
        const first = await decide(as.approverA, taskId, "approve", { requestId });
        expect(retry).toBeDefined();
        expect(await retry).toEqual(first);
        expect(first).toEqual({
          taskId,
          decision: "approve",
          taskStatus: requiredApprovals === 1 ? "approved" : "open",
        });
        await engine.idle();
        expect(await decisionRows(taskId)).toHaveLength(1);
        expect(count(await events(runId), "approval.decided")).toBe(1);
      });
    }
  });

  it("still counts a decision when another server process recorded one on the same run meanwhile", async () => {
    // A second engine on the same database (another process) records Ben's approval while
    // Ann's is being written: Ann's write finds the run moved on, and her decision is checked
    // again against the log as it now is rather than failing.
    const runId = await startRun(await saveFlow(reviewFlow({ requiredApprovals: 3 })));
    const taskId = await taskOf(runId);
    const other = createEmbeddedEngine(t.app.services.prisma).engine;
    let interleaved = false;
    const onAppend = async (appendedTo: string, batch: readonly { type: string }[]) => {
      if (appendedTo !== runId || interleaved || !batch.some((e) => e.type === "approval.decided")) return;
      interleaved = true;
      const ben = { id: id.approverB, name: "Ben Approver", role: "approver" };
      await other.decide(runId, "review", ben, { decision: "approve", comment: "", form: {} });
    };
    await withSlowAppends(onAppend, async (engine) => {
      expect(await decide(as.approverA, taskId, "approve")).toEqual({
        taskId,
        decision: "approve",
        taskStatus: "open",
      });
      expect(interleaved).toBe(true);
      expect((await decisionRows(taskId)).map((d) => d.userId).sort()).toEqual([id.approverA, id.approverB].sort());
      // The engine serving the API is not stuck on a stale copy: the next decision closes it.
      expect(await decide(as.finance, taskId, "approve")).toMatchObject({ taskStatus: "approved" });
      await engine.idle();
      expect(await run(runId)).toMatchObject({ status: "succeeded", output: "published" });
      expect(count(await events(runId), "approval.decided")).toBe(3);
    });
  });
});
