import { describe, expect, it } from "vitest";
import { type FlowDocument, newFlowDocument } from "../../../lib/flow/document";
import type { EngineEvent } from "../../../lib/run/events";
import { foldRunEvents, initialRunState, nodeStatus, type RunState } from "../../../lib/run/state";
import { advance, resume } from "./advance";
import { compileFlow } from "./graph";

const NOW = "2026-01-01T00:00:00.000Z";
const RUN = "run1";

/** Drives the core as the runtime would, with each node's output given by `outputs`. */
function runToEnd(doc: FlowDocument, outputs: Record<string, unknown>, failing: string[] = []) {
  const graph = compileFlow(doc);
  const log: EngineEvent[] = [];
  let state: RunState = initialRunState();
  const queue: EngineEvent[] = [{ type: "run.started", data: { input: { q: 1 } } }];
  while (queue.length > 0) {
    const event = queue.shift()!;
    const step = advance(graph, RUN, state, event, NOW);
    log.push(event, ...step.events);
    state = step.state;
    for (const c of step.commands) {
      queue.push(
        failing.includes(c.nodeId)
          ? {
              type: "node.failed",
              nodeId: c.nodeId,
              iteration: 0,
              data: { attempt: c.attempt, error: { message: "boom", retryable: false } },
            }
          : {
              type: "node.succeeded",
              nodeId: c.nodeId,
              iteration: 0,
              data: {
                attempt: c.attempt,
                output: outputs[c.nodeId] ?? null,
                handles: c.nodeId === "start" ? ["out"] : [],
              },
            },
      );
    }
  }
  return { state, log };
}

const label = (e: EngineEvent) => ("nodeId" in e ? `${e.type}:${e.nodeId}` : e.type);

describe("advance", () => {
  //  start ──▶ end
  it("runs start then end and finishes with the end's output", () => {
    const { state, log } = runToEnd(newFlowDocument("t"), { start: { q: 1 }, end: { answer: 42 } });
    expect(log.map(label)).toEqual([
      "run.started",
      "node.started:start",
      "node.succeeded:start",
      "node.started:end",
      "node.succeeded:end",
      "run.succeeded",
    ]);
    expect(state.status).toBe("succeeded");
    expect(state.output).toEqual({ answer: 42 });
  });

  it("issues one execute command per started node, with its idempotency key", () => {
    const graph = compileFlow(newFlowDocument("t"));
    const step = advance(graph, RUN, initialRunState(), { type: "run.started", data: { input: {} } }, NOW);
    expect(step.commands).toEqual([
      { type: "execute", nodeId: "start", iteration: 0, attempt: 1, idempotencyKey: "run1:start:0:1" },
    ]);
    expect(step.events).toEqual([{ type: "node.started", nodeId: "start", iteration: 0, data: { attempt: 1 } }]);
  });

  //  start ──▶ end        lonely (nothing leads here)
  it("skips a node nothing leads to and still finishes", () => {
    const doc = newFlowDocument("t");
    doc.nodes.push({ id: "lonely", type: "end", position: { x: 0, y: 200 }, data: { label: "Lonely", output: "" } });
    const { state, log } = runToEnd(doc, { end: "done" });
    expect(nodeStatus(state, "lonely")).toBe("skipped");
    expect(log.map(label)).toContain("node.skipped:lonely");
    expect(state.output).toBe("done");
  });

  //  start ──▶ end_a
  //        └─▶ end_b
  it("collects the outputs of several ends keyed by id", () => {
    const doc = newFlowDocument("t");
    doc.nodes.push({ id: "end_b", type: "end", position: { x: 0, y: 200 }, data: { label: "B", output: "" } });
    doc.edges.push({ id: "e2", source: "start", sourceHandle: "out", target: "end_b", targetHandle: "in" });
    const { state } = runToEnd(doc, { end: 1, end_b: 2 });
    expect(state.output).toEqual({ end: 1, end_b: 2 });
  });

  //  start ──▶ end (fails)
  it("fails the run when a node fails, naming it", () => {
    const { state, log } = runToEnd(newFlowDocument("t"), {}, ["end"]);
    expect(log.at(-1)).toEqual({
      type: "run.failed",
      data: { error: { message: "end failed: boom", nodeId: "end", retryable: false } },
    });
    expect(state.status).toBe("failed");
  });

  it("ignores events after the run ended", () => {
    const { state } = runToEnd(newFlowDocument("t"), {});
    const graph = compileFlow(newFlowDocument("t"));
    const late = advance(graph, RUN, state, { type: "node.skipped", nodeId: "end", iteration: 0, data: {} }, NOW);
    expect(late.commands).toEqual([]);
    expect(late.events).toEqual([]);
  });
});

describe("resume", () => {
  it("re-issues the attempt that was in flight when the process died", () => {
    const graph = compileFlow(newFlowDocument("t"));
    const { log } = runToEnd(newFlowDocument("t"), {});
    // Cut the log right after end started: the crash.
    const cut = log.slice(0, log.findIndex((e) => label(e) === "node.started:end") + 1);
    const state = foldRunEvents(cut.map((e, i) => ({ ...e, seq: i + 1, at: NOW })));
    const step = resume(graph, RUN, state, NOW);
    expect(step.commands).toEqual([
      { type: "execute", nodeId: "end", iteration: 0, attempt: 1, idempotencyKey: "run1:end:0:1" },
    ]);
    expect(step.events).toEqual([]);
  });
});

describe("fold", () => {
  it("rebuilds from the log exactly the state the live run had", () => {
    const { state, log } = runToEnd(newFlowDocument("t"), { start: { q: 1 }, end: "x" });
    const folded = foldRunEvents(log.map((e, i) => ({ ...e, seq: i + 1, at: NOW })));
    expect(folded).toEqual(state);
  });
});
