// Durability with real processes: the server is killed with SIGKILL mid-run and started again.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import type { FlowDocument } from "../../../lib/flow/document";
import type { RunEvent } from "../../../lib/run/events";
import { freePort } from "../../testing/free-port";
import { ServerProcess } from "../../testing/server-process";
import { TestClock } from "../../testing/test-clock";
import { waitFor } from "../../testing/wait-for";
import { flow } from "../core/testing";

const dir = mkdtempSync(path.join(tmpdir(), "switchyard-crash-"));
// Time the tests move: a back-off or a deadline falls due while the server is down without a real wait.
const clock = new TestClock(dir);
const server = new ServerProcess(await freePort(), path.join(dir, "crash.db"), {
  env: clock.env(),
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

type Node = ["start" | "agent" | "parallel" | "join" | "loop" | "transform" | "end", Record<string, unknown>?, string?];

/**
 * 30 nodes: start → prep → parallel → three lanes of 6 slow agents → join → a forEach loop
 * over four items (an agent inside) → 5 more agents → end.
 */
function thirtyNodeFlow(): FlowDocument {
  const nodes: Record<string, Node> = {
    start: ["start"],
    prep: ["agent", { response: "prepared", latencyMs: 40 }],
    split: ["parallel"],
    join: ["join"],
    each: ["loop", { mode: "forEach", items: "[1,2,3,4]", concurrency: 2, maxIterations: 10 }],
    visit: ["agent", { response: "item {{ item }}", latencyMs: 60 }, "each"],
    end: ["end", { output: '{ "lanes": nodes.join.output, "items": nodes.each.output, "last": prev }' }],
  };
  const edges = ["start -> prep", "prep -> split", "join -> each"];
  for (const lane of ["a", "b", "c"]) {
    let last = "split";
    for (let i = 1; i <= 6; i++) {
      nodes[`${lane}${i}`] = ["agent", { response: `${lane}${i} after {{ prev }}`, latencyMs: 40 }];
      edges.push(`${last} -> ${lane}${i}`);
      last = `${lane}${i}`;
    }
    edges.push(`${last} -> join`);
  }
  let last = "each";
  for (let i = 1; i <= 5; i++) {
    nodes[`tail${i}`] = ["agent", { response: `tail${i}`, latencyMs: 40 }];
    edges.push(`${last} -> tail${i}`);
    last = `tail${i}`;
  }
  edges.push(`${last} -> end`);
  return flow(nodes, edges);
}

const key = (e: RunEvent) => ("nodeId" in e ? `${e.nodeId}${e.path ? `#${e.path.join(".")}` : ""}` : "");

it("a run killed with SIGKILL mid-way finishes after a restart, with the same output, and no finished node runs again", async () => {
  await server.start();
  const api = await server.signUp("crash@example.com");
  const doc = thirtyNodeFlow();
  expect(doc.nodes).toHaveLength(30);
  const created = await api.flows.create.mutate({ name: "Thirty" });
  await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });

  const eventsUntil = (what: string, runId: string, check: (events: RunEvent[]) => boolean) =>
    waitFor(what, () => api.runs.events.query({ id: runId }), check, { timeoutMs: 30_000 });
  const ended = (events: RunEvent[]) => events.some((e) => e.type === "run.succeeded" || e.type === "run.failed");

  // The reference: an uninterrupted run.
  const reference = await api.runs.start.mutate({ flowId: created.id });
  await eventsUntil("the reference run to end", reference.runId, ended);
  const expected = await api.runs.get.query({ id: reference.runId });
  expect(expected.status).toBe("succeeded");

  // The same flow, killed while lanes run in parallel.
  const { runId } = await api.runs.start.mutate({ flowId: created.id });
  const before = await eventsUntil(
    "four lane steps to succeed",
    runId,
    (events) => events.filter((e) => e.type === "node.succeeded" && /^[abc]\d/.test(key(e))).length >= 4,
  );
  await server.crash();
  const finishedBeforeCrash = new Set(before.filter((e) => e.type === "node.succeeded").map(key));

  await server.start();
  const events = await eventsUntil("the run to end after the restart", runId, ended);
  const after = await api.runs.get.query({ id: runId });
  expect(after.status).toBe("succeeded");
  expect(after.output).toEqual(expected.output);

  const succeeded = events.filter((e) => e.type === "node.succeeded").map(key);

  expect(new Set(succeeded).size).toBe(succeeded.length); // every node instance succeeded exactly once
  const startedAgain = events
    .filter((e, i) => e.type === "node.started" && i >= before.length && finishedBeforeCrash.has(key(e)))
    .map(key);
  expect(startedAgain).toEqual([]); // nothing finished before the crash ran again
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
}, 120_000);

type Api = Awaited<ReturnType<ServerProcess["signUp"]>>;
const runOf = (api: Api, runId: string) => () => api.runs.get.query({ id: runId });

it("a run waiting for an approval survives SIGKILL: the decision after restart resumes it at the approval", async () => {
  if (!server.child) await server.start();
  const api = await server.signUp(`approver-${Date.now()}@example.com`);
  const doc = flow(
    {
      start: ["start"],
      work: ["agent", { response: "done" }],
      ok: ["approval", { title: "OK?", allowRequesterToApprove: true }],
      end: ["end"],
    },
    ["start -> work", "work -> ok", "ok.approved -> end"],
  );
  const created = await api.flows.create.mutate({ name: "Waits" });
  await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });
  const { runId } = await api.runs.start.mutate({ flowId: created.id });
  await waitFor("the run to wait at the approval", runOf(api, runId), (r) => r.status === "waiting");

  await server.crash();
  await server.start();
  await api.runs.decide.mutate({ runId, nodeId: "ok", decision: "approve", requestId: randomUUID() });
  await waitFor("the approved run to succeed", runOf(api, runId), (r) => r.status === "succeeded");
  const events = await api.runs.events.query({ id: runId });
  expect(events.filter((e) => e.type === "node.started" && "nodeId" in e && e.nodeId === "work")).toHaveLength(1);
}, 60_000);

it("a retry back-off that fell due while the server was down fires once at boot", async () => {
  if (!server.child) await server.start();
  const api = await server.signUp(`retry-${Date.now()}@example.com`);
  // A minute's back-off: only the clock moved while the server was down can make it due.
  const retry = { maxAttempts: 2, initialDelayMs: 60_000, multiplier: 1, maxDelayMs: 60_000, jitter: false };
  const doc = flow({ start: ["start"], flaky: ["agent", { failTimes: 1, response: "ok", retry }], end: ["end"] }, [
    "start -> flaky",
    "flaky -> end",
  ]);
  const created = await api.flows.create.mutate({ name: "Backs off" });
  await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });
  const { runId } = await api.runs.start.mutate({ flowId: created.id });
  await waitFor(
    "the back-off to be armed",
    () => api.runs.events.query({ id: runId }),
    (events) => events.some((e) => e.type === "node.retrying"),
  );
  await server.crash();
  clock.advance(60_000); // the back-off falls due while nothing runs
  await server.start();
  await waitFor("the retried run to succeed", runOf(api, runId), (r) => r.status === "succeeded");
  const events = await api.runs.events.query({ id: runId });
  expect(events.filter((e) => e.type === "timer.fired")).toHaveLength(1);
  expect(events.filter((e) => e.type === "node.started" && key(e) === "flaky")).toHaveLength(2);
}, 60_000);

it("an approval deadline that fell due while the server was down escalates once at boot, then times out once", async () => {
  if (!server.child) await server.start();
  const api = await server.signUp(`deadline-${Date.now()}@example.com`);
  const timeout = { afterMs: 60_000, action: "route", escalate: [{ groups: ["finance"], afterMs: 60_000 }] };
  const doc = flow(
    {
      start: ["start"],
      review: ["approval", { title: "Sign?", timeout }],
      signed: ["end", { output: '"signed"' }],
      late: ["end", { output: '"nobody decided"' }],
    },
    ["start -> review", "review.approved -> signed", "review.timeout -> late"],
  );
  const created = await api.flows.create.mutate({ name: "Deadline" });
  await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });
  const { runId } = await api.runs.start.mutate({ flowId: created.id });
  await waitFor("the run to wait at the approval", runOf(api, runId), (r) => r.status === "waiting");

  await server.crash();
  clock.advance(60_000); // the first deadline passes while nothing runs
  await server.start();
  const escalated = await waitFor(
    "the task to be escalated at boot",
    () => api.runs.events.query({ id: runId }),
    (events) => events.some((e) => e.type === "approval.escalated"),
  );
  expect((await api.runs.get.query({ id: runId })).status).toBe("waiting"); // the next level has its own minute
  expect(escalated.filter((e) => e.type === "timer.fired")).toHaveLength(1);

  clock.advance(60_000); // the escalation's deadline passes while the server runs
  const run = await waitFor("the run to take the timeout path", runOf(api, runId), (r) => r.status === "succeeded");
  const events = await api.runs.events.query({ id: runId });
  expect(run).toMatchObject({ status: "succeeded", output: "nobody decided" });
  expect(events.filter((e) => e.type === "approval.escalated")).toHaveLength(1);
  expect(events.filter((e) => e.type === "timer.fired").map((e) => (e.data as { level?: number }).level ?? 0)).toEqual([
    0, 1,
  ]);
  expect(events.filter((e) => e.type === "node.started" && key(e) === "review")).toHaveLength(1);
}, 60_000);

it("a delay pending while the server is killed fires once after the restart", async () => {
  if (!server.child) await server.start();
  const api = await server.signUp(`delay-${Date.now()}@example.com`);
  const doc = flow({ start: ["start"], pause: ["delay", { ms: "60000" }], end: ["end"] }, [
    "start -> pause",
    "pause -> end",
  ]);
  const created = await api.flows.create.mutate({ name: "Delays" });
  await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });
  const { runId } = await api.runs.start.mutate({ flowId: created.id, input: { n: 1 } });
  await waitFor("the run to wait on the delay", runOf(api, runId), (r) => r.status === "waiting");
  await server.crash();
  clock.advance(60_000); // the delay is over while nothing runs
  await server.start();
  const run = await waitFor("the delayed run to succeed", runOf(api, runId), (r) => r.status === "succeeded");
  expect(run.output).toEqual({ n: 1 });
  const events = await api.runs.events.query({ id: runId });
  expect(events.filter((e) => e.type === "timer.fired")).toHaveLength(1);
  expect(events.filter((e) => e.type === "node.started" && key(e) === "pause")).toHaveLength(1);
}, 60_000);

it("a wait parked while the server is killed is resumed by its URL after the restart, once", async () => {
  if (!server.child) await server.start();
  const api = await server.signUp(`wait-${Date.now()}@example.com`);
  const doc = flow({ start: ["start"], hold: ["wait", { timeoutMs: 3_600_000 }], end: ["end"] }, [
    "start -> hold",
    "hold -> end",
  ]);
  const created = await api.flows.create.mutate({ name: "Waits for a callback" });
  await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });
  const { runId } = await api.runs.start.mutate({ flowId: created.id });
  const parked = await waitFor(
    "the wait to park",
    () => api.runs.events.query({ id: runId }),
    (events) => events.some((e) => e.type === "wait.started"),
  );
  const { resumeUrl } = parked.find((e) => e.type === "wait.started")!.data as { resumeUrl: string };
  await server.crash();
  await server.start();
  expect((await fetch(resumeUrl, { method: "POST", body: '{"paid":true}' })).status).toBe(202);
  expect((await fetch(resumeUrl, { method: "POST", body: '{"paid":true}' })).status).toBe(404);
  const run = await waitFor("the resumed run to succeed", runOf(api, runId), (r) => r.status === "succeeded");
  expect(run.output).toEqual({ paid: true });
  const events = await api.runs.events.query({ id: runId });
  expect(events.filter((e) => e.type === "node.started" && key(e) === "hold")).toHaveLength(1);
}, 60_000);

it("a child run killed mid-way finishes after the restart, and its parent goes on once", async () => {
  if (!server.child) await server.start();
  const api = await server.signUp(`child-${Date.now()}@example.com`);
  const childDoc = flow(
    {
      start: ["start"],
      c1: ["agent", { response: "one", latencyMs: 300 }],
      c2: ["agent", { response: "two after {{ prev }}", latencyMs: 300 }],
      c3: ["agent", { response: "three after {{ prev }}", latencyMs: 300 }],
      end: ["end"],
    },
    ["start -> c1", "c1 -> c2", "c2 -> c3", "c3 -> end"],
  );
  const child = await api.flows.create.mutate({ name: "Slow child" });
  const saved = await api.flows.save.mutate({ id: child.id, expectedVersion: 1, document: childDoc });
  await api.flows.publish.mutate({ id: child.id, expectedVersion: saved.version, message: "" });
  const parentDoc = flow({ start: ["start"], call: ["subflow", { flowId: child.id }], end: ["end"] }, [
    "start -> call",
    "call -> end",
  ]);
  const parent = await api.flows.create.mutate({ name: "Calls the slow child" });
  await api.flows.save.mutate({ id: parent.id, expectedVersion: 1, document: parentDoc });
  const { runId } = await api.runs.start.mutate({ flowId: parent.id });
  const parked = await waitFor(
    "the call to start its child",
    () => api.runs.events.query({ id: runId }),
    (events) => events.some((e) => e.type === "subflow.started"),
  );
  const childRunId = (parked.find((e) => e.type === "subflow.started")!.data as { runId: string }).runId;
  await waitFor(
    "the child's first step to succeed",
    () => api.runs.events.query({ id: childRunId }),
    (events) => events.some((e) => e.type === "node.succeeded" && key(e) === "c1"),
  );
  await server.crash();
  await server.start();
  const run = await waitFor("the parent to succeed", runOf(api, runId), (r) => r.status === "succeeded");
  expect(run.output).toBe("three after two after one");
  const childRuns = await api.runs.list.query({ flowId: child.id, page: 0, pageSize: 10 });
  expect(childRuns.total).toBe(1); // the call was not made twice
  const childEvents = await api.runs.events.query({ id: childRunId });
  for (const step of ["c1", "c2", "c3"])
    expect(childEvents.filter((e) => e.type === "node.succeeded" && key(e) === step)).toHaveLength(1);
  const parentEvents = await api.runs.events.query({ id: runId });
  expect(parentEvents.filter((e) => e.type === "subflow.finished")).toHaveLength(1);
}, 60_000);

it("a paused run survives SIGKILL as paused: nothing starts after the restart until it is resumed", async () => {
  if (!server.child) await server.start();
  const api = await server.signUp(`pauser-${Date.now()}@example.com`);
  const doc = flow(
    {
      start: ["start"],
      first: ["agent", { response: "one", latencyMs: 200 }],
      second: ["agent", { response: "two" }],
      end: ["end"],
    },
    ["start -> first", "first -> second", "second -> end"],
  );
  const created = await api.flows.create.mutate({ name: "Paused over a crash" });
  await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });
  const { runId } = await api.runs.start.mutate({ flowId: created.id });
  await waitFor(
    "the first step to run",
    () => api.runs.events.query({ id: runId }),
    (events) => events.some((e) => e.type === "node.started" && key(e) === "first"),
  );
  await api.runs.pause.mutate({ id: runId });
  await waitFor(
    "the step in flight to finish",
    () => api.runs.events.query({ id: runId }),
    (events) => events.some((e) => e.type === "node.succeeded" && key(e) === "first"),
  );
  await server.crash();
  await server.start();
  // The restart took the run up (recovery plans it) and left it paused.
  expect((await api.runs.get.query({ id: runId })).status).toBe("paused");
  const events = await api.runs.events.query({ id: runId });
  expect(events.some((e) => e.type === "node.started" && key(e) === "second")).toBe(false);
  await api.runs.resume.mutate({ id: runId });
  const run = await waitFor("the run to succeed", runOf(api, runId), (r) => r.status === "succeeded");
  expect(run.output).toBe("two");
}, 60_000);

it("killed with SIGKILL in the middle of compensation, it resumes after the restart: no handler runs twice, the run fails compensated", async () => {
  if (!server.child) await server.start();
  const api = await server.signUp(`saga-${Date.now()}@example.com`);
  const doc = flow(
    {
      start: ["start"],
      a: ["agent", { response: "a done" }],
      b: ["agent", { response: "b done" }],
      boom: ["agent", { failTimes: 99 }],
      end: ["end"],
      undoA: ["agent", { response: "a undone", latencyMs: 100 }],
      undoB: ["agent", { response: "b undone", latencyMs: 1_500 }],
    },
    ["start -> a", "a -> b", "b -> boom", "boom -> end", "a.compensate -> undoA", "b.compensate -> undoB"],
  );
  const created = await api.flows.create.mutate({ name: "Saga over a crash" });
  await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });
  const { runId } = await api.runs.start.mutate({ flowId: created.id });
  await waitFor(
    "b's handler to run",
    () => api.runs.events.query({ id: runId }),
    (events) => events.some((e) => e.type === "node.started" && key(e) === "undoB"),
  );
  await server.crash();
  await server.start();
  const run = await waitFor(
    "the run to end",
    runOf(api, runId),
    (r) => r.status === "failed" || r.status === "succeeded",
  );
  expect(run.status).toBe("failed");
  const events = await api.runs.events.query({ id: runId });
  for (const handler of ["undoA", "undoB"]) {
    expect(events.filter((e) => e.type === "node.started" && key(e) === handler)).toHaveLength(1);
    expect(events.filter((e) => e.type === "node.succeeded" && key(e) === handler)).toHaveLength(1);
  }
  const at = (type: string, node: string) => events.findIndex((e) => e.type === type && key(e) === node);
  expect(at("node.succeeded", "undoB")).toBeLessThan(at("node.started", "undoA"));
  expect(events.at(-1)).toMatchObject({ type: "run.failed", data: { compensated: true } });
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
}, 60_000);
