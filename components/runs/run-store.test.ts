import { describe, expect, it } from "vitest";
import type { RunEvent } from "@/lib/run/events";
import { nodeStatus } from "@/lib/run/state";
import { createRunStore } from "./run-store";

const at = "2026-01-01T00:00:00.000Z";
const events: RunEvent[] = [
  { runId: "r", seq: 1, at, type: "run.started", data: { input: {} } },
  { runId: "r", seq: 2, at, type: "node.started", nodeId: "start", iteration: 0, data: { attempt: 1 } },
  {
    runId: "r",
    seq: 3,
    at,
    type: "node.succeeded",
    nodeId: "start",
    iteration: 0,
    data: { attempt: 1, output: {}, handles: ["out"] },
  },
  { runId: "r", seq: 4, at, type: "node.started", nodeId: "end", iteration: 0, data: { attempt: 1 } },
];

describe("run store", () => {
  it("applies events in seq order and drops ones it already has", () => {
    const store = createRunStore();
    store.getState().watch("r");
    store.getState().receive(events.slice(0, 3));
    store.getState().receive(events.slice(1, 4)); // overlap from a replay
    expect(store.getState().run.lastSeq).toBe(4);
    expect(nodeStatus(store.getState().run, "start")).toBe("succeeded");
    expect(nodeStatus(store.getState().run, "end")).toBe("running");
  });

  it("holds events after a gap until the missing ones arrive, and never goes back", () => {
    const store = createRunStore();
    store.getState().watch("r");
    expect(store.getState().receive([events[0]!, events[3]!])).toBe(true); // gap: 2 and 3 missing
    expect(nodeStatus(store.getState().run, "end")).toBe("pending");
    expect(store.getState().receive([events[2]!, events[1]!])).toBe(false);
    expect(store.getState().run.lastSeq).toBe(4);
    expect(nodeStatus(store.getState().run, "end")).toBe("running");
  });

  it("ignores events of another run", () => {
    const store = createRunStore();
    store.getState().watch("other");
    store.getState().receive(events);
    expect(store.getState().run.lastSeq).toBe(0);
  });
});
