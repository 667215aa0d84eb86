import { afterAll, beforeAll, expect, it } from "vitest";
import type { FlowDocument } from "../../../lib/flow/document";
import { foldRunEvents, nodeStatus } from "../../../lib/run/state";
import { startTestServer, type TestServer } from "../../testing/test-server";
import { flow } from "../core/testing";

let t: TestServer;
let cookie: string;
beforeAll(async () => {
  t = await startTestServer();
  cookie = await t.signUp("looper@example.com");
});
afterAll(() => t.close());

async function runFlow(doc: FlowDocument, input: Record<string, unknown>) {
  const api = t.trpc(cookie);
  const created = await api.flows.create.mutate({ name: "Loops" });
  await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });
  const { runId } = await api.runs.start.mutate({ flowId: created.id, input });
  await t.app.services.engine.idle();
  return {
    ...(await api.runs.get.query({ id: runId })),
    stored: foldRunEvents(await api.runs.events.query({ id: runId })),
  };
}

//  start ─▶ each (forEach input.docs, 2 at once) ─▶ end      body: summarize ─▶ tag
it("maps over a list with real executors, item by item, in order", async () => {
  const doc = flow(
    {
      start: ["start"],
      each: ["loop", { mode: "forEach", items: "input.docs", concurrency: 2, maxIterations: 10 }],
      summarize: ["agent", { response: "summary of {{ item.title }}", latencyMs: 5 }, "each"],
      tag: [
        "transform",
        { expression: '{ "index": index, "summary": prev, "same": nodes.summarize.output = prev }' },
        "each",
      ],
      end: ["end"],
    },
    ["start -> each", "summarize -> tag", "each -> end"],
  );
  const result = await runFlow(doc, { docs: [{ title: "A" }, { title: "B" }, { title: "C" }] });
  expect(result.status).toBe("succeeded");
  expect(result.output).toEqual([
    { index: 0, summary: "summary of A", same: true },
    { index: 1, summary: "summary of B", same: true },
    { index: 2, summary: "summary of C", same: true },
  ]);
  // What is stored keeps every iteration apart, exactly as the live run had it.
  expect([0, 1, 2].map((i) => nodeStatus(result.stored, "tag", [i]))).toEqual(["succeeded", "succeeded", "succeeded"]);
  expect(result.stored.output).toEqual(result.output);
});

//  start ─▶ refine (repeat until prev.score > 0.85, at most 5) ─▶ end      body: score
it("repeats until a condition on the pass's output holds", async () => {
  const doc = flow(
    {
      start: ["start"],
      refine: ["loop", { mode: "repeat", until: "prev.score > 0.85", maxIterations: 5 }],
      score: ["transform", { expression: '{ "score": 0.5 + iteration * 0.2 }' }, "refine"],
      end: ["end"],
    },
    ["start -> refine", "refine -> end"],
  );
  const result = await runFlow(doc, {});
  expect(result.output).toMatchObject({ last: { score: 0.9 }, iterations: 3, stoppedBy: "until" });
  // A shape the quick evaluator answers: decided with each pass's end, no loop.until of its own.
  const events = await t.trpc(cookie).runs.events.query({ id: result.id });
  expect(events.filter((e) => e.type === "loop.iterated").map((e) => (e.data as { done?: boolean }).done)).toEqual([
    false,
    false,
    true,
  ]);
  expect(events.filter((e) => e.type === "loop.until")).toEqual([]);
});

it("repeats until a condition only full JSONata answers holds (evaluated in the sandbox)", async () => {
  const doc = flow(
    {
      start: ["start"],
      refine: ["loop", { mode: "repeat", until: "$sum(prev.scores) > 2", maxIterations: 5 }],
      score: ["transform", { expression: '{ "scores": [iteration, 1] }' }, "refine"],
      end: ["end"],
    },
    ["start -> refine", "refine -> end"],
  );
  const result = await runFlow(doc, {});
  expect(result.output).toMatchObject({ last: { scores: [2, 1] }, iterations: 3, stoppedBy: "until" });
  const events = await t.trpc(cookie).runs.events.query({ id: result.id });
  expect(events.filter((e) => e.type === "loop.until").map((e) => (e.data as { done: boolean }).done)).toEqual([
    false,
    false,
    true,
  ]);
});

it("fails with a clear message when items is not a list", async () => {
  const doc = flow(
    {
      start: ["start"],
      each: ["loop", { mode: "forEach", items: "input.docs", maxIterations: 10 }],
      a: ["agent", {}, "each"],
      end: ["end"],
    },
    ["start -> each", "each -> end"],
  );
  const result = await runFlow(doc, { docs: { not: "a list" } });
  expect(result).toMatchObject({
    status: "failed",
    error: { message: "each failed: items must give a list, but gave an object" },
  });
});
