import { describe, expect, it } from "vitest";
import type { EngineEvent } from "./events";
import { applyRunEvent, applyRunEvents, foldRunEvents, initialRunState, undoDraft, withOwnedNodesAsync } from "./state";

const at = "2026-11-22T10:00:00.000Z";
const fold = (events: EngineEvent[]) => foldRunEvents(events.map((e, i) => ({ ...e, seq: i + 1, at })));
const ask = { nodeId: "ask", iteration: 0 };

describe("streamed progress", () => {
  it("gathers an attempt's chunks, starts afresh with the next attempt and ignores late chunks of an older one", () => {
    const state = fold([
      { type: "run.started", data: { input: {} } },
      { type: "node.started", ...ask, data: { attempt: 1 } },
      { type: "node.progress", ...ask, data: { attempt: 1, text: "Hel" } },
      { type: "node.progress", ...ask, data: { attempt: 1, text: "lo" } },
    ]);
    expect(state.nodes.ask?.streamed).toBe("Hello");
    const retried = fold([
      { type: "run.started", data: { input: {} } },
      { type: "node.started", ...ask, data: { attempt: 1 } },
      { type: "node.progress", ...ask, data: { attempt: 1, text: "Hel" } },
      { type: "node.started", ...ask, data: { attempt: 2 } },
      { type: "node.progress", ...ask, data: { attempt: 1, text: "lo" } },
      { type: "node.progress", ...ask, data: { attempt: 2, text: "Hi" } },
    ]);
    expect(retried.nodes.ask?.streamed).toBe("Hi");
  });
});

describe("folding in place", () => {
  const each = { nodeId: "each", iteration: 0 };
  const step = (i: number) => ({ nodeId: "step", iteration: i, path: [i] });
  const loopRun: EngineEvent[] = [
    { type: "run.started", data: { input: {} } },
    { type: "node.started", ...each, data: { attempt: 1 } },
    { type: "loop.items", ...each, data: { items: ["a", "b", "c"] } },
    ...[0, 1, 2].flatMap((i): EngineEvent[] => [
      { type: "loop.iteration", ...each, data: { index: i } },
      { type: "node.started", ...step(i), data: { attempt: 1 } },
      { type: "node.succeeded", ...step(i), data: { attempt: 1, output: i, handles: ["out"] } },
      { type: "loop.iterated", ...each, data: { index: i, output: i } },
    ]),
  ];
  const stored = (events: EngineEvent[], from = 0) => events.map((e, i) => ({ ...e, seq: from + i + 1, at }));
  const oneByOne = (events: EngineEvent[]) =>
    stored(events).reduce((s, e) => applyRunEvent(s, e, e.at, e.seq), initialRunState());

  it("folds a batch as one event at a time would, and leaves the state it began from unchanged", () => {
    const half = foldRunEvents(stored(loopRun.slice(0, 9)));
    const before = structuredClone(half);
    const whole = applyRunEvents(half, stored(loopRun.slice(9), 9));
    expect(whole).toEqual(oneByOne(loopRun));
    expect(whole.nodes.each?.loop?.outputs).toEqual({ 0: 0, 1: 1, 2: 2 });
    // The loop's outputs were extended in place only in the batch's own copy.
    expect(half).toEqual(before);
  });

  it("changes the map of a state given up in place, and undoes it when the result is not kept", async () => {
    const start = foldRunEvents(stored(loopRun.slice(0, 5)));
    const before = structuredClone(start);
    const keys = Object.keys(start.nodes);
    const result = await withOwnedNodesAsync(start, async (draft) =>
      stored(loopRun.slice(5), 5).reduce((s, e) => applyRunEvent(s, e, e.at, e.seq), draft),
    );
    expect(result).toEqual(oneByOne(loopRun));
    expect(result.nodes).toBe(start.nodes); // no copy
    undoDraft(result);
    expect(start).toEqual(before);
    expect(Object.keys(start.nodes)).toEqual(keys);
    undoDraft(result); // once only: nothing left to undo
    expect(start).toEqual(before);
  });

  it("undoes a draft whose work throws, and never undoes one another draft has built on", async () => {
    const start = foldRunEvents(stored(loopRun.slice(0, 5)));
    const before = structuredClone(start);
    await expect(
      withOwnedNodesAsync(start, async (draft) => {
        applyRunEvent(draft, loopRun[5]!, at);
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(start).toEqual(before);

    // start: step#0 running. first: it succeeds. second: the iteration is recorded.
    const first = await withOwnedNodesAsync(start, async (d) => applyRunEvent(d, loopRun[5]!, at));
    const second = await withOwnedNodesAsync(first, async (d) => applyRunEvent(d, loopRun[6]!, at));
    undoDraft(first);
    expect(second.nodes["step#0"]?.status).toBe("succeeded");
    expect(second.nodes.each?.loop?.outputs).toEqual({ 0: 0 });
    undoDraft(second);
    expect(second.nodes["step#0"]?.status).toBe("succeeded");
    expect(second.nodes.each?.loop?.outputs).toEqual({});
  });
});
