// An agent's risky tool calls wait in the shared inbox, through the real API: the task shows the
// tool, its arguments and the conversation; approving runs the call with the (edited) arguments,
// rejecting gives the comment to the model; deadlines, races and the audit log.
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FlowDocument } from "../../lib/flow/document";
import type { RunEvent } from "../../lib/run/events";
import type { InboxTask } from "../../lib/run/inbox";
import { flow } from "../engine/core/testing";
import { startTestServer, type TestServer } from "../testing/test-server";
import { waitFor } from "../testing/wait-for";

let t: TestServer;
const as = { owner: "", ann: "", ben: "" };
let mail: Server;
let mailUrl: string;
const sent: unknown[] = [];

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => ({ code: "ok", message: "" }),
    (e: { data?: { code?: string }; message: string }) => ({ code: e.data?.code ?? String(e), message: e.message }),
  );

beforeAll(async () => {
  mail = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    sent.push(JSON.parse(body));
    res.writeHead(202, { "content-type": "application/json" }).end(JSON.stringify({ queued: true }));
  });
  await new Promise<void>((r) => mail.listen(0, "127.0.0.1", r));
  mailUrl = `http://127.0.0.1:${(mail.address() as AddressInfo).port}/send`;
  t = await startTestServer({ outboundAllow: ["127.0.0.1"] });
  as.owner = await t.signUp("owner@example.com", "Olive Owner");
  as.ann = await t.signUp("ann@example.com", "Ann Approver");
  as.ben = await t.signUp("ben@example.com", "Ben Approver");
  for (const who of [as.ann, as.ben]) {
    const invite = await t.trpc(as.owner).team.createInvite.mutate({ role: "approver" });
    await t.trpc(who).team.acceptInvite.mutate({ token: invite.token });
  }
});
afterAll(async () => {
  await t.close();
  await new Promise<void>((r) => mail.close(() => r()));
});
beforeEach(() => {
  sent.length = 0;
});

const sendEmail = (approval: Record<string, unknown> = {}) => ({
  name: "send_email",
  description: "Sends an email",
  parameters: {
    type: "object",
    properties: { to: { type: "string", pattern: "^[^@]+@[^@]+$" }, subject: { type: "string" } },
    required: ["to", "subject"],
  },
  use: { kind: "http", method: "POST", url: mailUrl, body: "{{ $string(args) }}" },
  approval: { title: "Send mail to {{ args.to }}?", assignees: { roles: ["approver"] }, ...approval },
});

/** A mock agent that calls send_email (once per entry of `calls`, all in one turn), then reports. */
const mailFlow = (calls: Record<string, unknown>[], approval: Record<string, unknown> = {}): FlowDocument =>
  flow(
    {
      start: ["start"],
      writer: [
        "agent",
        {
          prompt: "Tell the customer",
          tools: [sendEmail(approval)],
          script: [
            { toolCalls: calls.map((args) => ({ name: "send_email", args })) },
            { response: "Outcome: {{ $string(tools.send_email) }}" },
          ],
        },
      ],
      end: ["end"],
    },
    ["start -> writer", "writer -> end"],
  );

async function start(doc: FlowDocument) {
  const api = t.trpc(as.owner);
  const created = await api.flows.create.mutate({ name: `Mail ${randomUUID().slice(0, 6)}` });
  await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });
  return (await api.runs.start.mutate({ flowId: created.id, input: {} })).runId;
}

const tasksOf = async (cookie: string, runId: string, count = 1) =>
  waitFor(
    `${count} open task(s) of run ${runId}`,
    () => t.trpc(cookie).inbox.ofRun.query({ runId }),
    (tasks: InboxTask[]) => tasks.length === count,
  );

const ended = (runId: string) =>
  waitFor(
    "the run to end",
    () => t.trpc(as.owner).runs.get.query({ id: runId }),
    (r) => !["running", "queued", "waiting"].includes(r.status),
  );

const decide = (cookie: string, taskId: string, decision: "approve" | "reject", more: Record<string, unknown> = {}) =>
  t.trpc(cookie).inbox.decide.mutate({ taskId, decision, requestId: randomUUID(), ...more });

describe("tool calls that need approval", () => {
  it("wait in the inbox with the tool, its arguments and the conversation; approve runs the edited call", async () => {
    const runId = await start(mailFlow([{ to: "wrong@example.com", subject: "Your refund" }]));
    const [task] = await tasksOf(as.ann, runId);
    expect(task!.title).toBe("Send mail to wrong@example.com?");
    expect(task!.tool).toMatchObject({
      name: "send_email",
      args: { to: "wrong@example.com", subject: "Your refund" },
      editableArgs: true,
    });
    expect((task!.show as { conversation: { role: string }[] }).conversation.map((m) => m.role)).toEqual([
      "user",
      "assistant",
    ]);
    // Nothing went out while it waits; the run waits too.
    expect(sent).toEqual([]);
    expect((await t.trpc(as.owner).runs.get.query({ id: runId })).status).toBe("waiting");

    const edited = { to: "right@example.com", subject: "Your refund" };
    const answer = await decide(as.ann, task!.id, "approve", { args: edited });
    expect(answer.taskStatus).toBe("approved");
    const run = await ended(runId);
    expect(run.status).toBe("succeeded");
    expect(sent).toEqual([edited]);
    expect(run.output).toContain('"queued":true');
    const events = (await t.trpc(as.owner).runs.events.query({ id: runId })) as RunEvent[];
    expect(events.find((e) => e.type === "approval.decided")?.data).toMatchObject({ callId: "c1_1", args: edited });
    // The decision is in the audit log, with the arguments it approved.
    const audit = await t.trpc(as.owner).audit.list.query({});
    const entry = audit.entries.find((e) => e.action === "approval.decided" && e.targetId === task!.id);
    expect(entry?.details).toMatchObject({ decision: "approve", args: edited });
  });

  it("a rejection's comment goes back to the model as the tool's result, and nothing is sent", async () => {
    const runId = await start(mailFlow([{ to: "a@example.com", subject: "Hi" }]));
    const [task] = await tasksOf(as.ann, runId);
    await decide(as.ann, task!.id, "reject", { comment: "we do not email this customer" });
    const run = await ended(runId);
    expect(run.status).toBe("succeeded");
    expect(sent).toEqual([]);
    expect(run.output).toContain("we do not email this customer");
    expect(run.output).toContain('"rejected":true');
  });

  it("refuses edited arguments that do not fit the tool, and edits to a tool that forbids them", async () => {
    const runId = await start(mailFlow([{ to: "a@example.com", subject: "Hi" }]));
    const [task] = await tasksOf(as.ann, runId);
    const bad = await errorOf(decide(as.ann, task!.id, "approve", { args: { to: "not-an-address" } }));
    expect(bad.code).toBe("BAD_REQUEST");
    expect(bad.message).toContain("The arguments do not fit the tool");
    // Still open, still waiting: a refused decision changes nothing.
    expect((await tasksOf(as.ann, runId))[0]!.status).toBe("open");

    const fixed = await start(mailFlow([{ to: "a@example.com", subject: "Hi" }], { editableArgs: false }));
    const [locked] = await tasksOf(as.ann, fixed);
    const refused = await errorOf(
      decide(as.ann, locked!.id, "approve", { args: { to: "b@example.com", subject: "x" } }),
    );
    expect(refused.code).toBe("BAD_REQUEST");
    expect(refused.message).toContain("may not be changed");
    await decide(as.ann, locked!.id, "approve");
    expect((await ended(fixed)).status).toBe("succeeded");
    expect(sent).toEqual([{ to: "a@example.com", subject: "Hi" }]);
    await decide(as.ann, task!.id, "reject", { comment: "clean up" });
    await ended(runId);
  });

  it("two decisions at once: one wins, the other is told who decided", async () => {
    const runId = await start(mailFlow([{ to: "a@example.com", subject: "Hi" }]));
    const [task] = await tasksOf(as.ann, runId);
    const results = await Promise.all([
      errorOf(decide(as.ann, task!.id, "approve")),
      errorOf(decide(as.ben, task!.id, "reject", { comment: "no" })),
    ]);
    const codes = results.map((r) => r.code).sort();
    expect(codes).toEqual(["CONFLICT", "ok"]);
    expect(results.find((r) => r.code === "CONFLICT")!.message).toMatch(
      /(Ann|Ben) Approver (approved|rejected) this call/,
    );
    await ended(runId);
    expect(sent.length).toBeLessThanOrEqual(1);
  });

  it("several calls of one turn each get a task; the agent goes on when all are decided", async () => {
    const runId = await start(
      mailFlow([
        { to: "one@example.com", subject: "1" },
        { to: "two@example.com", subject: "2" },
      ]),
    );
    const tasks = await tasksOf(as.ann, runId, 2);
    expect(tasks.map((x) => x.tool?.callId).sort()).toEqual(["c1_1", "c1_2"]);
    const first = tasks.find((x) => x.tool?.callId === "c1_1")!;
    await decide(as.ann, first.id, "approve");
    // The approved call goes out at once; the agent waits again for the other.
    await waitFor(
      "the first mail",
      () => sent.length,
      (n) => n === 1,
    );
    await tasksOf(as.ann, runId, 1);
    expect((await t.trpc(as.owner).runs.get.query({ id: runId })).status).toBe("waiting");
    await decide(as.ann, tasks.find((x) => x.tool?.callId === "c1_2")!.id, "approve");
    expect((await ended(runId)).status).toBe("succeeded");
    expect(sent).toHaveLength(2);
  });

  it("a deadline with nobody deciding applies the tool's timeout action", async () => {
    const runId = await start(
      mailFlow([{ to: "a@example.com", subject: "Hi" }], { timeout: { afterMs: 1_000, action: "reject" } }),
    );
    const [task] = await tasksOf(as.ann, runId);
    expect(task!.dueAt).not.toBeNull();
    const run = await ended(runId);
    expect(run.status).toBe("succeeded");
    expect(run.output).toContain("nobody decided before the deadline");
    expect(sent).toEqual([]);
    const closed = await t.trpc(as.ann).inbox.get.query({ id: task!.id });
    expect(closed.status).toBe("timeout");
    expect(await errorOf(decide(as.ann, task!.id, "approve"))).toMatchObject({ code: "CONFLICT" });
  });

  it("cancelling the run closes the call's task", async () => {
    const runId = await start(mailFlow([{ to: "a@example.com", subject: "Hi" }]));
    const [task] = await tasksOf(as.ann, runId);
    await t.trpc(as.owner).runs.cancel.mutate({ id: runId });
    await ended(runId);
    await waitFor(
      "the task to close",
      () => t.trpc(as.ann).inbox.get.query({ id: task!.id }),
      (x) => x.status === "cancelled",
    );
  });
});

describe("tool call deadlines escalate as the approval node's do", () => {
  it("nobody decides in time: the task moves to the next level's group, whose member then approves", async () => {
    const benId = (await t.trpc(as.ben).me.get.query()).user.id;
    const team = t.trpc(as.owner).team;
    const legal = await team.createGroup.mutate({ name: "legal" });
    await team.setGroupMembers.mutate({ id: legal.id, userIds: [benId] });
    const runId = await start(
      mailFlow([{ to: "a@example.com", subject: "Hi" }], {
        timeout: { afterMs: 1_000, action: "reject", escalate: [{ groups: ["legal"], afterMs: 3_600_000 }] },
      }),
    );
    const [task] = await tasksOf(as.ann, runId);
    const escalated = await waitFor(
      "the task to escalate to legal",
      () => t.trpc(as.ben).inbox.get.query({ id: task!.id }),
      (x) => x.escalations.length === 1,
    );
    expect(escalated).toMatchObject({ status: "open", assignees: { groups: ["legal"], roles: [], users: [] } });
    // Ann is no longer among the assignees; Ben, in legal, is.
    expect(await errorOf(decide(as.ann, task!.id, "approve"))).toMatchObject({ code: "FORBIDDEN" });
    await decide(as.ben, task!.id, "approve");
    const run = await ended(runId);
    expect(run.status).toBe("succeeded");
    expect(sent).toEqual([{ to: "a@example.com", subject: "Hi" }]);
    const events = (await t.trpc(as.owner).runs.events.query({ id: runId })) as RunEvent[];
    expect(events.find((e) => e.type === "approval.escalated")?.data).toMatchObject({ level: 1, callId: "c1_1" });
  });
});
