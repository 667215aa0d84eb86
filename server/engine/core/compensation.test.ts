import { describe, expect, it } from "vitest";
import { flow, simulate } from "./testing";

//  start ─▶ reserve ─▶ charge ─▶ ship ─▶ end
//             └ undo ─▶ release   └ undo ─▶ refund ─▶ notify
const saga = (endData: Record<string, unknown> = {}) =>
  flow(
    {
      start: ["start"],
      reserve: ["http", { url: "https://stock.example.com" }],
      charge: ["http", { url: "https://pay.example.com" }],
      ship: ["http", { url: "https://ship.example.com" }],
      end: ["end", endData],
      release: ["http", { url: "https://stock.example.com/release" }],
      refund: ["http", { url: "https://pay.example.com/refund" }],
      notify: ["transform", { expression: '"refunded"' }],
    },
    [
      "start -> reserve",
      "reserve -> charge",
      "charge -> ship",
      "ship -> end",
      "reserve.compensate -> release",
      "charge.compensate -> refund",
      "refund -> notify",
    ],
  );

const handlerEvents = (trace: string[]) => trace.filter((t) => /:(release|refund|notify)$/.test(t));

describe("compensation", () => {
  it("a run that succeeds never runs its handlers, nor skips them", () => {
    const { state, trace } = simulate(saga());
    expect(state.status).toBe("succeeded");
    expect(handlerEvents(trace)).toEqual([]);
    expect(trace).not.toContain("compensation.started");
  });

  it("a failure undoes the steps that succeeded, latest first, one handler at a time, then the run fails, compensated", () => {
    const { state, trace, log } = simulate(saga(), { outcomes: { ship: [{ error: "no courier" }] } });
    expect(state.status).toBe("failed");
    const started = log.find((e) => e.type === "compensation.started");
    expect(started?.data).toMatchObject({ reason: "failed", steps: ["charge", "reserve"] });
    // charge's handler (refund → notify) runs whole before reserve's (release).
    expect(handlerEvents(trace).filter((t) => t.startsWith("node.started") || t.startsWith("node.succeeded"))).toEqual([
      "node.started:refund",
      "node.succeeded:refund",
      "node.started:notify",
      "node.succeeded:notify",
      "node.started:release",
      "node.succeeded:release",
    ]);
    const last = log.at(-1)!;
    expect(last).toMatchObject({ type: "run.failed", data: { compensated: true, error: { nodeId: "ship" } } });
    expect(trace.indexOf("compensation.finished")).toBe(trace.length - 2);
  });

  it("only steps that succeeded are undone", () => {
    const { log } = simulate(saga(), { outcomes: { charge: [{ error: "card declined" }] } });
    expect(log.find((e) => e.type === "compensation.started")?.data).toMatchObject({ steps: ["reserve"] });
    expect(log.some((e) => e.type === "node.started" && "nodeId" in e && e.nodeId === "refund")).toBe(false);
    expect(log.at(-1)).toMatchObject({ type: "run.failed", data: { compensated: true } });
  });

  it("a failure handled by onError is no reason to undo", () => {
    const doc = saga();
    doc.nodes.find((n) => n.id === "ship")!.data.onError = "continue";
    const { state, trace } = simulate(doc, { outcomes: { ship: [{ error: "no courier" }] } });
    expect(state.status).toBe("succeeded");
    expect(handlerEvents(trace)).toEqual([]);
  });

  it("an end with compensate: true undoes the steps, then the run succeeds with that end's output, compensated", () => {
    const { log, state } = simulate(saga({ compensate: true }));
    expect(log.find((e) => e.type === "compensation.started")?.data).toMatchObject({
      reason: "end",
      steps: ["charge", "reserve"],
    });
    expect(log.at(-1)).toMatchObject({
      type: "run.succeeded",
      data: { output: state.nodes.end!.output, compensated: true },
    });
  });

  it("a failing handler does not stop the others", () => {
    const { log, trace } = simulate(saga(), {
      outcomes: { ship: [{ error: "no courier" }], refund: [{ error: "refund API down" }] },
    });
    expect(trace).toContain("node.failed:refund");
    expect(trace).toContain("node.skipped:notify");
    expect(trace).toContain("node.succeeded:release");
    expect(log.at(-1)).toMatchObject({ type: "run.failed", data: { compensated: true, error: { nodeId: "ship" } } });
  });
});
