// Pausing and resuming runs through the real API (tRPC and REST): no new step starts while
// paused, steps in flight finish and are recorded, timers that fall due meanwhile take effect
// at the resume.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { FlowDocument } from "../../lib/flow/document";
import type { RunEvent } from "../../lib/run/events";
import { flow } from "../engine/core/testing";
import { startTestServer, type TestServer } from "../testing/test-server";
import { waitFor } from "../testing/wait-for";

let t: TestServer;
let cookie: string;
beforeAll(async () => {
  t = await startTestServer();
  cookie = await t.signUp("pause@example.com");
});
afterAll(() => t.close());

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => ({ code: "ok", message: "" }),
    (e: { data?: { code?: string }; message: string }) => ({ code: e.data?.code ?? String(e), message: e.message }),
  );

async function start(doc: FlowDocument) {
  const api = t.trpc(cookie);
  const created = await api.flows.create.mutate({ name: `Pausable ${Date.now()}` });
  await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });
  return (await api.runs.start.mutate({ flowId: created.id, input: {} })).runId;
}
const eventsOf = (runId: string) => t.trpc(cookie).runs.events.query({ id: runId }) as Promise<RunEvent[]>;
const has = (events: RunEvent[], type: string, nodeId?: string) =>
  events.some((e) => e.type === type && (nodeId === undefined || ("nodeId" in e && e.nodeId === nodeId)));

it("a paused run starts no new step; the step in flight finishes and is recorded; resume goes on", async () => {
  const api = t.trpc(cookie);
  const runId = await start(
    flow(
      {
        start: ["start"],
        first: ["agent", { response: "one", latencyMs: 300 }],
        second: ["agent", { response: "two after {{ prev }}" }],
        end: ["end"],
      },
      ["start -> first", "first -> second", "second -> end"],
    ),
  );
  await waitFor(
    "the first step to run",
    () => eventsOf(runId),
    (e) => has(e, "node.started", "first"),
  );
  expect(await api.runs.pause.mutate({ id: runId })).toEqual({ id: runId, status: "paused" });
  expect((await api.runs.get.query({ id: runId })).status).toBe("paused");
  const after = await waitFor(
    "the step in flight to finish",
    () => eventsOf(runId),
    (e) => has(e, "node.succeeded", "first"),
  );
  // The commit that recorded its success would have started the next step: it did not.
  expect(has(after, "node.started", "second")).toBe(false);
  expect((await api.runs.get.query({ id: runId })).status).toBe("paused");
  expect(await errorOf(api.runs.pause.mutate({ id: runId }))).toMatchObject({
    code: "CONFLICT",
    message: "The run is paused already.",
  });

  await api.runs.resume.mutate({ id: runId });
  const run = await waitFor(
    "the run to finish",
    () => api.runs.get.query({ id: runId }),
    (r) => r.status === "succeeded",
  );
  expect(run.output).toBe("two after one");
  const events = await eventsOf(runId);
  expect(events.find((e) => e.type === "run.paused")?.data).toMatchObject({ by: { name: expect.any(String) } });
  expect(events.findIndex((e) => e.type === "run.resumed")).toBeLessThan(
    events.findIndex((e) => e.type === "node.started" && e.nodeId === "second"),
  );
  expect(await errorOf(api.runs.resume.mutate({ id: runId }))).toMatchObject({ code: "CONFLICT" });
  expect(await errorOf(api.runs.pause.mutate({ id: runId }))).toMatchObject({
    code: "CONFLICT",
    message: "The run is succeeded: only a running run can be paused.",
  });
  const audit = await api.audit.list.query({});
  expect(audit.entries.map((e) => e.action)).toEqual(expect.arrayContaining(["run.paused", "run.resumed"]));
});

it("a retry whose back-off ends while the run is paused starts at the resume, not before", async () => {
  const api = t.trpc(cookie);
  const runId = await start(
    flow(
      {
        start: ["start"],
        flaky: [
          "agent",
          { response: "ok", failTimes: 1, retry: { maxAttempts: 2, initialDelayMs: 200, jitter: false } },
        ],
        end: ["end"],
      },
      ["start -> flaky", "flaky -> end"],
    ),
  );
  await waitFor(
    "the first attempt to fail",
    () => eventsOf(runId),
    (e) => has(e, "node.retrying", "flaky"),
  );
  await api.runs.pause.mutate({ id: runId });
  const fired = await waitFor(
    "the back-off timer to fire",
    () => eventsOf(runId),
    (e) => has(e, "timer.fired", "flaky"),
  );
  expect(fired.filter((e) => e.type === "node.started" && "nodeId" in e && e.nodeId === "flaky")).toHaveLength(1);
  await api.runs.resume.mutate({ id: runId });
  const run = await waitFor(
    "the run to finish",
    () => api.runs.get.query({ id: runId }),
    (r) => r.status === "succeeded",
  );
  expect(run.output).toBe("ok");
});

it("pause and resume over the REST API; a paused run that waits for a person is still decided", async () => {
  const api = t.trpc(cookie);
  const { secret } = await api.tokens.create.mutate({ name: "pauser", role: "editor" });
  const rest = (path: string) =>
    fetch(`${t.url}/api/v1${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: "{}",
    }).then(async (r) => ({ status: r.status, json: await r.json() }));
  const runId = await start(
    flow(
      {
        start: ["start"],
        ok: ["approval", { title: "OK?", allowRequesterToApprove: true }],
        after: ["agent", { response: "after" }],
        end: ["end"],
      },
      ["start -> ok", "ok.approved -> after", "after -> end"],
    ),
  );
  await waitFor(
    "the run to wait",
    () => api.runs.get.query({ id: runId }),
    (r) => r.status === "waiting",
  );
  expect(await rest(`/runs/${runId}/pause`)).toEqual({ status: 200, json: { status: "paused" } });
  // The decision is taken while paused; the next step waits for the resume.
  await api.runs.decide.mutate({ runId, nodeId: "ok", decision: "approve", comment: "", requestId: "pause-decide-1" });
  const decided = await waitFor(
    "the approval to finish",
    () => eventsOf(runId),
    (e) => has(e, "node.succeeded", "ok"),
  );
  expect(has(decided, "node.started", "after")).toBe(false);
  expect(await rest(`/runs/${runId}/resume`)).toMatchObject({ status: 200 });
  await waitFor(
    "the run to succeed",
    () => api.runs.get.query({ id: runId }),
    (r) => r.status === "succeeded",
  );
  const again = await rest(`/runs/${runId}/resume`);
  expect(again.status).toBe(409);
  expect(again.json.error.message).toContain("not paused");
});
