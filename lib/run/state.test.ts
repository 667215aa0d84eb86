import { describe, expect, it } from "vitest";
import type { EngineEvent } from "./events";
import { foldRunEvents } from "./state";

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
