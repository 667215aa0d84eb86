import { afterAll, beforeAll, expect, it } from "vitest";
import { flow } from "../engine/core/testing";
import { startTestServer, type TestServer } from "../testing/test-server";
import { purgeExpiredRuns } from "./retention";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

const DAY = 86_400_000;

//  start ─▶ ask (agent, mock) ─▶ review (approval) ─ approved ─▶ end
const reviewed = flow(
  {
    start: ["start"],
    ask: ["agent", { response: "draft" }],
    review: ["approval", { title: "OK?", allowRequesterToApprove: true }],
    end: ["end"],
  },
  ["start -> ask", "ask -> review", "review.approved -> end"],
);

it("removes the steps of finished runs past the workspace's days, keeps their row and summary, and nothing else", async () => {
  const owner = t.trpc(await t.signUp("rita@example.com", "Rita"));
  const other = t.trpc(await t.signUp("otto@example.com", "Otto")); // keeps runs forever
  const run = async (api: typeof owner, name: string) => {
    const { id } = await api.flows.create.mutate({ name });
    await api.flows.save.mutate({ id, expectedVersion: 1, document: { ...reviewed, name } });
    const { runId } = await api.runs.start.mutate({ flowId: id, input: {} });
    await t.app.services.engine.idle();
    return runId;
  };
  const finished = await run(owner, "Finished");
  const [task] = await owner.inbox.ofRun.query({ runId: finished });
  await owner.inbox.decide.mutate({ taskId: task!.id, decision: "approve", requestId: "approve-it-1" });
  await t.app.services.engine.idle();
  const waiting = await run(owner, "Waiting"); // not finished: kept whatever its age
  const othersRun = await run(other, "Other");
  const [othersTask] = await other.inbox.ofRun.query({ runId: othersRun });
  await other.inbox.decide.mutate({ taskId: othersTask!.id, decision: "approve", requestId: "approve-it-2" });
  await t.app.services.engine.idle();
  await owner.settings.setRunRetention.mutate({ days: 30 });
  const auditBefore = (await owner.audit.list.query({})).total;

  expect(await purgeExpiredRuns(t.app.services.prisma, new Date(Date.now() + 29 * DAY))).toBe(0); // not old enough yet
  expect(await purgeExpiredRuns(t.app.services.prisma, new Date(Date.now() + 31 * DAY))).toBe(1);

  const kept = await owner.runs.get.query({ id: finished });
  expect(kept).toMatchObject({ status: "succeeded", purgedAt: expect.any(Date) });
  expect(kept.summary).toMatchObject({ events: expect.any(Number), durationMs: expect.any(Number) });
  expect(kept.summary!.events).toBeGreaterThan(5);
  expect(await owner.runs.events.query({ id: finished })).toEqual([]);
  expect(await owner.inbox.ofRun.query({ runId: finished })).toEqual([]);
  expect((await owner.runs.list.query({})).items.map((r) => r.id)).toContain(finished); // the row stays

  expect((await owner.runs.events.query({ id: waiting })).length).toBeGreaterThan(0);
  expect((await other.runs.events.query({ id: othersRun })).length).toBeGreaterThan(0);
  // The audit log is never purged; setting the days is in it.
  const audit = await owner.audit.list.query({});
  expect(audit.total).toBe(auditBefore);
  expect(audit.entries.map((e) => e.action)).toContain("runs.retention_set");
  // Purging again finds nothing more.
  expect(await purgeExpiredRuns(t.app.services.prisma, new Date(Date.now() + 31 * DAY))).toBe(0);
});
