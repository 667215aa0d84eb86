// The inbox across a real crash: the server process is killed with SIGKILL while a task waits.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import type { RunEvent } from "../../lib/run/events";
import { flow } from "../engine/core/testing";
import { freePort } from "../testing/free-port";
import { ServerProcess } from "../testing/server-process";
import { waitFor } from "../testing/wait-for";

const dir = mkdtempSync(path.join(tmpdir(), "switchyard-inbox-crash-"));
let server: ServerProcess | undefined;
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Signs up through the real endpoint; returns the session cookie. */
async function signUp(url: string, email: string, name: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: url },
    body: JSON.stringify({ email, password: "process-password", name }),
  });
  if (!res.ok) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

it("a task waiting when the server is killed with SIGKILL is still in the inbox after the restart; deciding it resumes the run at the approval", async () => {
  server = new ServerProcess(await freePort(), path.join(dir, "inbox-crash.db"));
  await server.start();
  const ownerCookie = await signUp(server.url, "olive@example.com", "Olive Owner");
  const approverCookie = await signUp(server.url, "ann@example.com", "Ann Approver");
  const owner = server.client(ownerCookie);
  const approver = server.client(approverCookie);
  const invite = await owner.team.createInvite.mutate({ role: "approver" });
  await approver.team.acceptInvite.mutate({ token: invite.token });

  //  start ─▶ work (a step with a side of its own) ─▶ review ─▶ publish
  const doc = flow(
    {
      start: ["start"],
      work: ["agent", { response: "drafted {{ input.doc }}", latencyMs: 50 }],
      review: [
        "approval",
        { title: "Publish {{ input.doc }}?", assignees: { users: [], roles: ["approver"], groups: [] } },
      ],
      publish: ["end", { output: '"published"' }],
    },
    ["start -> work", "work -> review", "review.approved -> publish"],
  );
  const created = await owner.flows.create.mutate({ name: "Survives" });
  await owner.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });
  const { runId } = await owner.runs.start.mutate({ flowId: created.id, input: { doc: "Q3" } });
  await waitFor(
    "the run to wait at the approval",
    () => owner.runs.get.query({ id: runId }),
    (r) => r.status === "waiting",
  );
  const before = await owner.runs.events.query({ id: runId });
  const [waiting] = (await approver.inbox.list.query({ tab: "mine" })).filter((x) => x.runId === runId);
  expect(waiting).toMatchObject({ status: "open", title: "Publish Q3?", canDecide: true });

  await server.crash();
  await server.start();

  // Still there, for the same people, as it was.
  expect((await approver.inbox.list.query({ tab: "mine" })).map((x) => x.id)).toContain(waiting!.id);
  expect((await owner.inbox.list.query({ tab: "all" })).map((x) => x.id)).toContain(waiting!.id);
  expect(await approver.inbox.counts.query()).toMatchObject({ mine: 1 });
  expect(await approver.inbox.get.query({ id: waiting!.id })).toMatchObject({
    status: "open",
    createdAt: waiting!.createdAt,
  });

  expect(
    await approver.inbox.decide.mutate({
      taskId: waiting!.id,
      decision: "approve",
      comment: "after the crash",
      requestId: "after-the-crash-1",
    }),
  ).toEqual({ taskId: waiting!.id, decision: "approve", taskStatus: "approved" });
  const done = await waitFor(
    "the approved run to end",
    () => owner.runs.get.query({ id: runId }),
    (r) => r.status !== "waiting" && r.status !== "running",
  );
  expect(done).toMatchObject({ status: "succeeded", output: "published" });

  const events = await owner.runs.events.query({ id: runId });
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  expect(events.slice(0, before.length)).toEqual(before); // the log before the crash is kept as it was
  const after = events.slice(before.length);
  expect(after[0]).toMatchObject({ type: "approval.decided", nodeId: "review", data: { comment: "after the crash" } });
  const started = (nodeId: string) =>
    events.filter((e: RunEvent) => e.type === "node.started" && "nodeId" in e && e.nodeId === nodeId).length;
  expect({
    start: started("start"),
    work: started("work"),
    review: started("review"),
    publish: started("publish"),
  }).toEqual({ start: 1, work: 1, review: 1, publish: 1 });
  expect(events.filter((e) => e.type === "approval.requested")).toHaveLength(1);
  expect(events.filter((e) => e.type === "run.succeeded")).toHaveLength(1);
  expect(await approver.inbox.counts.query()).toMatchObject({ mine: 0 });
  expect((await approver.inbox.list.query({ tab: "decided" })).map((x) => [x.id, x.status])).toEqual([
    [waiting!.id, "approved"],
  ]);
}, 90_000);
