// Durability with real processes: the server is killed with SIGKILL mid-run and started again.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import type { FlowDocument } from "../../../lib/flow/document";
import type { RunEvent } from "../../../lib/run/events";
import { ServerProcess } from "../../testing/server-process";
import { flow } from "../core/testing";

const dir = mkdtempSync(path.join(tmpdir(), "switchyard-crash-"));
const server = new ServerProcess(4100 + Math.floor(Math.random() * 400), path.join(dir, "crash.db"));
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

  const waitFor = async (runId: string, check: (events: RunEvent[]) => boolean, ms = 30_000) => {
    const until = Date.now() + ms;
    for (;;) {
      const events = await api.runs.events.query({ id: runId });
      if (check(events)) return events;
      if (Date.now() > until) throw new Error("timed out waiting for the run");
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const ended = (events: RunEvent[]) => events.some((e) => e.type === "run.succeeded" || e.type === "run.failed");

  // The reference: an uninterrupted run.
  const reference = await api.runs.start.mutate({ flowId: created.id });
  await waitFor(reference.runId, ended);
  const expected = await api.runs.get.query({ id: reference.runId });
  expect(expected.status).toBe("succeeded");

  // The same flow, killed while lanes run in parallel.
  const { runId } = await api.runs.start.mutate({ flowId: created.id });
  const before = await waitFor(
    runId,
    (events) => events.filter((e) => e.type === "node.succeeded" && /^[abc]\d/.test(key(e))).length >= 4,
  );
  await server.crash();
  const finishedBeforeCrash = new Set(before.filter((e) => e.type === "node.succeeded").map(key));

  await server.start();
  const events = await waitFor(runId, ended);
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
  for (let i = 0; i < 200 && (await api.runs.get.query({ id: runId })).status !== "waiting"; i++)
    await new Promise((r) => setTimeout(r, 25));

  await server.crash();
  await server.start();
  await api.runs.decide.mutate({ runId, nodeId: "ok", decision: "approve", requestId: randomUUID() });
  for (let i = 0; i < 200 && (await api.runs.get.query({ id: runId })).status !== "succeeded"; i++)
    await new Promise((r) => setTimeout(r, 25));
  const events = await api.runs.events.query({ id: runId });
  expect((await api.runs.get.query({ id: runId })).status).toBe("succeeded");
  expect(events.filter((e) => e.type === "node.started" && "nodeId" in e && e.nodeId === "work")).toHaveLength(1);
}, 60_000);

it("a retry back-off that fell due while the server was down fires once at boot", async () => {
  if (!server.child) await server.start();
  const api = await server.signUp(`retry-${Date.now()}@example.com`);
  const retry = { maxAttempts: 2, initialDelayMs: 1_000, multiplier: 1, maxDelayMs: 1_000, jitter: false };
  const doc = flow({ start: ["start"], flaky: ["agent", { failTimes: 1, response: "ok", retry }], end: ["end"] }, [
    "start -> flaky",
    "flaky -> end",
  ]);
  const created = await api.flows.create.mutate({ name: "Backs off" });
  await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });
  const { runId } = await api.runs.start.mutate({ flowId: created.id });
  for (let i = 0; i < 200; i++) {
    if ((await api.runs.events.query({ id: runId })).some((e) => e.type === "node.retrying")) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  await server.crash();
  await new Promise((r) => setTimeout(r, 1_200)); // the back-off falls due while nothing runs
  await server.start();
  for (let i = 0; i < 200 && (await api.runs.get.query({ id: runId })).status !== "succeeded"; i++)
    await new Promise((r) => setTimeout(r, 25));
  const events = await api.runs.events.query({ id: runId });
  expect((await api.runs.get.query({ id: runId })).status).toBe("succeeded");
  expect(events.filter((e) => e.type === "timer.fired")).toHaveLength(1);
}, 60_000);

it("an approval deadline that fell due while the server was down escalates once at boot, then times out once", async () => {
  if (!server.child) await server.start();
  const api = await server.signUp(`deadline-${Date.now()}@example.com`);
  const timeout = { afterMs: 1_000, action: "route", escalate: [{ groups: ["finance"], afterMs: 1_000 }] };
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
  for (let i = 0; i < 200 && (await api.runs.get.query({ id: runId })).status !== "waiting"; i++)
    await new Promise((r) => setTimeout(r, 25));

  await server.crash();
  await new Promise((r) => setTimeout(r, 1_200)); // the first deadline passes while nothing runs
  await server.start();
  for (let i = 0; i < 200 && (await api.runs.get.query({ id: runId })).status !== "succeeded"; i++)
    await new Promise((r) => setTimeout(r, 25));
  const run = await api.runs.get.query({ id: runId });
  const events = await api.runs.events.query({ id: runId });
  expect(run).toMatchObject({ status: "succeeded", output: "nobody decided" });
  expect(events.filter((e) => e.type === "approval.escalated")).toHaveLength(1);
  expect(events.filter((e) => e.type === "timer.fired").map((e) => (e.data as { level?: number }).level ?? 0)).toEqual([
    0, 1,
  ]);
  expect(events.filter((e) => e.type === "node.started" && key(e) === "review")).toHaveLength(1);
}, 60_000);
