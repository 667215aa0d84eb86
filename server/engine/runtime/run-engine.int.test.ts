import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FlowDocument } from "../../../lib/flow/document";
import type { NodeType } from "../../../lib/flow/kinds";
import { eventLabel } from "../../../lib/run/event-label";
import { foldRunEvents, nodeStatus } from "../../../lib/run/state";
import { prismaRunStore } from "../../db/run-store";
import { createEmbeddedEngine } from "../../embedded-engine";
import { startTestServer, type TestServer } from "../../testing/test-server";
import { waitFor } from "../../testing/wait-for";
import { flow } from "../core/testing";

let t: TestServer;
let cookie: string;

beforeAll(async () => {
  t = await startTestServer();
  cookie = await t.signUp("runner@example.com");
});
afterAll(() => t.close());

/** Saves the document as a new flow, runs it through tRPC and waits until the engine is idle. */
async function run(doc: FlowDocument, input: Record<string, unknown> = {}, wait = true) {
  const api = t.trpc(cookie);
  const created = await api.flows.create.mutate({ name: doc.name });
  await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });
  const { runId } = await api.runs.start.mutate({ flowId: created.id, input });
  if (wait) await t.app.services.engine.idle();
  return { runId, api };
}

const events = (runId: string) => prismaRunStore(t.app.services.prisma).events(runId);
const trace = async (runId: string) => (await events(runId)).map(eventLabel);
const runOf = (api: ReturnType<TestServer["trpc"]>, runId: string) => () => api.runs.get.query({ id: runId });
const node = (type: NodeType, data: Record<string, unknown> = {}): [NodeType, Record<string, unknown>] => [type, data];

describe("real executors on a real database", () => {
  //  start ─▶ classify (branch) ─ big ─▶ shout (agent) ─┐
  //                             └ else ─▶ whisper ──────┴─▶ end
  const routing = flow(
    {
      start: node("start", { inputs: [{ name: "size", type: "number", required: true }] }),
      classify: node("branch", { cases: [{ id: "big", label: "Big", condition: "input.size > 10" }] }),
      shout: node("agent", { response: "BIG {{ input.size }}" }),
      whisper: node("transform", { expression: '"small " & $string(input.size)' }),
      end: node("end", { output: "prev" }),
    },
    ["start -> classify", "classify.big -> shout", "classify.else -> whisper", "shout -> end", "whisper -> end"],
  );

  it("routes on an expression and skips the other path", async () => {
    const { runId, api } = await run(routing, { size: 42 });
    expect(await api.runs.get.query({ id: runId })).toMatchObject({ status: "succeeded", output: "BIG 42" });
    expect(await trace(runId)).toContain("node.skipped:whisper");
    const small = await run(routing, { size: 3 });
    expect(await small.api.runs.get.query({ id: small.runId })).toMatchObject({
      status: "succeeded",
      output: "small 3",
    });
  });

  //              ┌─▶ a ─┐
  //  start ─▶ p ─┤      ├─▶ j ─▶ end
  //              └─▶ b ─┘
  it("fans out and joins the outputs keyed by path", async () => {
    const doc = flow(
      {
        start: node("start"),
        p: node("parallel"),
        a: node("agent", { response: "alpha", latencyMs: 30 }),
        b: node("agent", { response: "beta", latencyMs: 10 }),
        j: node("join"),
        end: node("end"),
      },
      ["start -> p", "p -> a", "p -> b", "a -> j", "b -> j", "j -> end"],
    );
    const { runId, api } = await run(doc);
    expect((await api.runs.get.query({ id: runId })).output).toEqual({ a: "alpha", b: "beta" });
    const t0 = await trace(runId);
    expect(t0.indexOf("node.started:b")).toBeLessThan(t0.indexOf("node.succeeded:a")); // both ran at once
  });

  it("retries a failing agent on a durable timer and then succeeds", async () => {
    const retry = { maxAttempts: 3, initialDelayMs: 20, multiplier: 2, maxDelayMs: 100, jitter: false };
    const doc = flow(
      { start: node("start"), a: node("agent", { failTimes: 2, response: "ok", retry }), end: node("end") },
      ["start -> a", "a -> end"],
    );
    const { runId, api } = await run(doc, {}, false);
    await waitFor("the retried run to succeed", runOf(api, runId), (r) => r.status === "succeeded");
    expect((await trace(runId)).filter((x) => x.endsWith(":a"))).toEqual([
      "node.started:a",
      "node.input:a", // each attempt records the prompt it sent
      "node.failed:a",
      "node.retrying:a",
      "timer.fired:a",
      "node.started:a",
      "node.input:a",
      "node.failed:a",
      "node.retrying:a",
      "timer.fired:a",
      "node.started:a",
      "node.input:a",
      "node.succeeded:a",
    ]);
    const timers = await t.app.services.prisma.timer.findMany({ where: { runId } });
    expect(timers.map((x) => x.firedAt !== null)).toEqual([true, true]);
  });

  it("aborts an attempt that exceeds its timeout", async () => {
    const doc = flow(
      { start: node("start"), slow: node("agent", { latencyMs: 5_000, timeoutMs: 50 }), end: node("end") },
      ["start -> slow", "slow -> end"],
    );
    const started = Date.now();
    const { runId, api } = await run(doc);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await api.runs.get.query({ id: runId })).toMatchObject({
      status: "failed",
      error: { message: "slow failed: timed out after 50 ms", nodeId: "slow" },
    });
  });

  it("cancels a running run and aborts its attempts", async () => {
    const doc = flow({ start: node("start"), slow: node("agent", { latencyMs: 10_000 }), end: node("end") }, [
      "start -> slow",
      "slow -> end",
    ]);
    const { runId, api } = await run(doc, {}, false);
    await waitFor(
      "slow to start",
      () => trace(runId),
      (labels) => labels.includes("node.started:slow"),
    );
    const started = Date.now();
    await api.runs.cancel.mutate({ id: runId });
    await t.app.services.engine.idle();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect((await api.runs.get.query({ id: runId })).status).toBe("cancelled");
    expect(nodeStatus(foldRunEvents(await events(runId)), "slow")).toBe("cancelled");
    expect(await trace(runId)).not.toContain("node.succeeded:slow");
  });

  it("a retry timer survives a restart and fires exactly once", async () => {
    const retry = { maxAttempts: 2, initialDelayMs: 300, multiplier: 1, maxDelayMs: 300, jitter: false };
    const doc = flow(
      { start: node("start"), a: node("agent", { failTimes: 1, response: "back", retry }), end: node("end") },
      ["start -> a", "a -> end"],
    );
    const { runId, api } = await run(doc, {}, false);
    await waitFor(
      "a's back-off to be armed",
      () => trace(runId),
      (labels) => labels.includes("node.retrying:a"),
    );
    await t.app.services.engine.stop(); // the process "dies" while the back-off is pending
    expect((await api.runs.get.query({ id: runId })).status).toBe("waiting");

    const second = createEmbeddedEngine(t.app.services.prisma);
    await second.engine.recover();
    await waitFor("the run to succeed on the second engine", runOf(api, runId), (r) => r.status === "succeeded");
    await second.engine.stop();
    const after = await trace(runId);
    expect(after.filter((x) => x === "timer.fired:a")).toHaveLength(1);
    expect(after.filter((x) => x === "node.succeeded:start")).toHaveLength(1);
  });
});
