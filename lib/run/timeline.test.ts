import { describe, expect, it } from "vitest";
import type { RunEvent } from "./events";
import { runHistory } from "./timeline";

const t = (s: number) => new Date(Date.UTC(2026, 10, 22, 10, 0, s)).toISOString();
let seq = 0;
const ev = (s: number, e: Record<string, unknown>) => ({ runId: "r", seq: ++seq, at: t(s), ...e }) as RunEvent;
const a = { nodeId: "a", iteration: 0 };

describe("runHistory", () => {
  it("lists each attempt with its outcome and the retry wait between them", () => {
    const error = { message: "boom", nodeId: "a", retryable: true };
    const history = runHistory([
      ev(0, { type: "run.started", data: { input: {} } }),
      ev(1, { type: "node.started", ...a, data: { attempt: 1 } }),
      ev(2, { type: "node.retrying", ...a, data: { attempt: 1, error, retryAt: t(4) } }),
      ev(4, { type: "timer.fired", ...a, data: { purpose: "retry", attempt: 1 } }),
      ev(4, { type: "node.started", ...a, data: { attempt: 2 } }),
      ev(7, {
        type: "node.succeeded",
        ...a,
        data: {
          attempt: 2,
          output: "ok",
          handles: ["out"],
          usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 },
        },
      }),
      ev(8, { type: "node.skipped", nodeId: "b", iteration: 0, data: {} }),
    ]);
    expect(history).toEqual([
      {
        key: "a",
        nodeId: "a",
        path: [],
        attempts: [
          { attempt: 1, startedAt: t(1), endedAt: t(2), outcome: "failed", error: "boom" },
          { attempt: 2, startedAt: t(4), endedAt: t(7), outcome: "succeeded" },
        ],
        waits: [{ kind: "retry", from: t(2), to: t(4) }],
        calls: [],
        usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 },
      },
    ]);
  });

  it("keeps loop iterations apart and shows an approval's wait until it is decided", () => {
    const history = runHistory([
      ev(1, { type: "node.started", nodeId: "x", iteration: 0, path: [0], data: { attempt: 1 } }),
      ev(2, { type: "node.started", nodeId: "x", iteration: 1, path: [1], data: { attempt: 1 } }),
      ev(3, { type: "node.started", nodeId: "ok", iteration: 0, data: { attempt: 1 } }),
      ev(3, { type: "approval.requested", nodeId: "ok", iteration: 0, data: {} }),
    ]);
    expect(history.map((h) => h.key)).toEqual(["x#0", "x#1", "ok"]);
    expect(history[2]!.waits).toEqual([{ kind: "approval", from: t(3) }]);
    expect(history[0]!.attempts[0]!.outcome).toBe("running");
  });

  it("nests an agent's tool calls in its attempt, and a call's approval as a wait that ends with its decision", () => {
    const by = { id: "u", name: "Ann" };
    const history = runHistory([
      ev(1, { type: "node.started", ...a, data: { attempt: 1 } }),
      ev(2, { type: "tool.called", ...a, data: { attempt: 1, callId: "c1_1", name: "search", args: {} } }),
      ev(3, { type: "tool.returned", ...a, data: { attempt: 1, callId: "c1_1", result: 1 } }),
      ev(3, { type: "tool.called", ...a, data: { attempt: 1, callId: "c2_1", name: "mail", args: {} } }),
      ev(3, { type: "approval.requested", ...a, data: { callId: "c2_1" } }),
      ev(5, {
        type: "approval.decided",
        ...a,
        data: { callId: "c2_1", decision: "approve", by, comment: "", form: {}, at: t(5) },
      }),
      ev(6, { type: "tool.returned", ...a, data: { attempt: 1, callId: "c2_1", error: "down" } }),
    ]);
    expect(history[0]!.calls).toEqual([
      { callId: "c1_1", name: "search", from: t(2), to: t(3), failed: false },
      { callId: "c2_1", name: "mail", from: t(3), to: t(6), failed: true },
    ]);
    expect(history[0]!.waits).toEqual([{ kind: "approval", from: t(3), to: t(5), callId: "c2_1" }]);
  });
});
