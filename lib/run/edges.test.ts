import { describe, expect, it } from "vitest";
import { edgePaint, edgeState, type NodesById } from "./edges";
import type { EngineEvent } from "./events";
import { nodeRef } from "./node-ref";
import { foldRunEvents } from "./state";

const at = "2026-11-22T10:00:00.000Z";
const fold = (events: EngineEvent[]) =>
  foldRunEvents(
    [{ type: "run.started", data: { input: {} } } as EngineEvent, ...events].map((e, i) => ({ ...e, seq: i + 1, at })),
  );

const started = (nodeId: string, path: number[] = []): EngineEvent => ({
  type: "node.started",
  ...nodeRef(nodeId, path),
  data: { attempt: 1 },
});
const succeeded = (nodeId: string, handles: string[], path: number[] = []): EngineEvent => ({
  type: "node.succeeded",
  ...nodeRef(nodeId, path),
  data: { attempt: 1, output: null, handles },
});
const failed = (nodeId: string, retryable = false): EngineEvent => ({
  type: "node.failed",
  ...nodeRef(nodeId, []),
  data: { attempt: 1, error: { message: "boom", retryable } },
});

/**
 *   ask ──out──▶ next
 *       ╰error─▶ recover
 */
const out = { source: "ask", sourceHandle: "out", target: "next" };
const error = { source: "ask", sourceHandle: "error", target: "recover" };
const nodes = (data: Record<string, unknown>): NodesById => new Map([["ask", { data }]]);

describe("edge state: one rule for the engine and the run view", () => {
  it("follows `out` from a failed node with onError: continue (the run view painted it idle)", () => {
    const graph = nodes({ onError: "continue" });
    const state = fold([started("ask"), failed("ask"), started("next")]);
    expect(edgeState(graph, state, out, [])).toBe("active");
    expect(edgePaint(graph, state, out, [])).toBe("active"); // its target runs
    const done = fold([started("ask"), failed("ask"), started("next"), succeeded("next", ["out"])]);
    expect(edgePaint(graph, done, out, [])).toBe("taken");
  });

  it("follows `error` from a failed node with onError: route, and not `out`", () => {
    const graph = nodes({ onError: "route" });
    const state = fold([started("ask"), failed("ask")]);
    expect(edgeState(graph, state, error, [])).toBe("active");
    expect(edgePaint(graph, state, error, [])).toBe("taken");
    expect(edgeState(graph, state, out, [])).toBe("dead");
    expect(edgePaint(graph, state, out, [])).toBe("dead");
  });

  it("leaves a failed node's edges unresolved when the run fails with it or it is tried again", () => {
    const failing = fold([started("ask"), failed("ask")]);
    expect(edgeState(nodes({ onError: "fail" }), failing, out, [])).toBe("unresolved");
    expect(edgePaint(nodes({}), failing, out, [])).toBe("idle");
    const retried = nodes({ onError: "continue", retry: { maxAttempts: 3 } });
    const once = fold([started("ask"), failed("ask", true)]);
    expect(edgeState(retried, once, out, [])).toBe("unresolved");
    expect(edgePaint(retried, once, out, [])).toBe("idle");
  });

  it("is active through a taken handle and dead through the others, skipped or cancelled sources", () => {
    const graph = nodes({});
    const state = fold([started("ask"), succeeded("ask", ["out"])]);
    expect(edgeState(graph, state, out, [])).toBe("active");
    expect(edgeState(graph, state, error, [])).toBe("dead");
    expect(edgePaint(graph, state, out, [])).toBe("taken");
    const skipped = fold([{ type: "node.skipped", ...nodeRef("ask", []), data: {} }]);
    expect(edgePaint(graph, skipped, out, [])).toBe("dead");
    const cancelled = fold([started("ask"), { type: "node.cancelled", ...nodeRef("ask", []), data: { reason: "x" } }]);
    expect(edgeState(graph, cancelled, out, [])).toBe("dead");
  });

  it("is unresolved while its source has not finished, per loop iteration", () => {
    const graph = nodes({});
    expect(edgePaint(graph, fold([]), out, [])).toBe("idle");
    const running = fold([started("ask")]);
    expect(edgeState(graph, running, out, [])).toBe("unresolved");
    const inLoop = fold([started("ask", [0]), succeeded("ask", ["out"], [0]), started("ask", [1])]);
    expect(edgePaint(graph, inLoop, out, [0])).toBe("taken");
    expect(edgePaint(graph, inLoop, out, [1])).toBe("idle");
  });
});
