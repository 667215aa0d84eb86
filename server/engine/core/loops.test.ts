import { describe, expect, it } from "vitest";
import { checkFlow, isRunnable } from "../../../lib/flow/check";
import { foldRunEvents, nodeStatus } from "../../../lib/run/state";
import { resume } from "./advance";
import { compileFlow } from "./graph";
import { flow, simulate } from "./testing";

const NOW = "2026-01-01T00:00:00.000Z";

//  start ─▶ each ─▶ end
//           ┌──────────────┐
//           │ draft ─▶ edit │   (the loop's body)
//           └──────────────┘
const forEach = (loop: Record<string, unknown> = {}) =>
  flow(
    {
      start: ["start"],
      each: ["loop", { mode: "forEach", items: "input.docs", maxIterations: 10, ...loop }],
      draft: ["agent", {}, "each"],
      edit: ["transform", { expression: "prev" }, "each"],
      end: ["end"],
    },
    ["start -> each", "draft -> edit", "each -> end"],
  );

describe("forEach", () => {
  it("is a valid flow", () => {
    expect(checkFlow(forEach()).problems).toEqual([]);
    expect(isRunnable(checkFlow(forEach()))).toBe(true);
  });

  it("runs the body once per item, keeps each iteration apart, and outputs in item order", () => {
    const sim = simulate(forEach(), { items: { each: ["a", "b", "c"] } });
    expect(sim.state.status).toBe("succeeded");
    expect(sim.state.nodes.each?.output).toEqual(["edit#0", "edit#1", "edit#2"]);
    expect([0, 1, 2].map((i) => nodeStatus(sim.state, "draft", [i]))).toEqual(["succeeded", "succeeded", "succeeded"]);
    expect(sim.trace.filter((t) => t.startsWith("node.started:draft"))).toEqual([
      "node.started:draft#0",
      "node.started:draft#1",
      "node.started:draft#2",
    ]);
  });

  it("runs one item at a time by default, and `concurrency` at once when asked", () => {
    const serial = simulate(forEach(), { items: { each: [1, 2] } }).trace;
    expect(serial.indexOf("loop.iteration:each")).toBeLessThan(serial.indexOf("node.succeeded:edit#0"));
    const iterationStarts = (trace: string[]) =>
      trace.map((t, i) => (t === "loop.iteration:each" ? i : -1)).filter((i) => i >= 0);
    expect(iterationStarts(serial)[1]).toBeGreaterThan(serial.indexOf("node.succeeded:edit#0"));
    const wide = simulate(forEach({ concurrency: 2 }), { items: { each: [1, 2, 3] } }).trace;
    expect(iterationStarts(wide)[1]).toBeLessThan(wide.indexOf("node.succeeded:edit#0"));
    expect(iterationStarts(wide)[2]).toBeGreaterThan(wide.indexOf("node.succeeded:edit#0"));
  });

  it("outputs [] for an empty list without running the body", () => {
    const sim = simulate(forEach(), { items: { each: [] } });
    expect(sim.state.nodes.each?.output).toEqual([]);
    expect(sim.trace.some((t) => t.startsWith("node.started:draft"))).toBe(false);
  });

  it("fails when the list is longer than maxIterations", () => {
    const sim = simulate(forEach({ maxIterations: 2 }), { items: { each: [1, 2, 3] } });
    expect(sim.state).toMatchObject({
      status: "failed",
      error: { message: "each failed: the list has 3 items, more than maxIterations (2)" },
    });
  });

  it("fails the run when a node in the body fails", () => {
    const sim = simulate(forEach(), { items: { each: [1, 2] }, outcomes: { draft: [{ error: "boom" }] } });
    expect(sim.state).toMatchObject({ status: "failed", error: { nodeId: "draft" } });
  });

  it("resumes mid-loop after a crash without repeating finished iterations", () => {
    const doc = forEach();
    const sim = simulate(doc, { items: { each: ["a", "b"] } });
    const cut = sim.log.slice(0, sim.trace.indexOf("node.started:draft#1") + 1);
    const state = foldRunEvents(cut.map((e, i) => ({ ...e, seq: i + 1, at: NOW })));
    const step = resume(compileFlow(doc), "run1", state, NOW);
    expect(step.commands).toEqual([
      { type: "execute", nodeId: "draft", path: [1], iteration: 1, attempt: 1, idempotencyKey: "run1:draft:1:1" },
    ]);
  });
});

describe("repeat", () => {
  //  start ─▶ refine (repeat) ─▶ end        body: improve
  const repeat = (max: number) =>
    flow(
      {
        start: ["start"],
        refine: ["loop", { mode: "repeat", until: "prev.score > 0.85", maxIterations: max }],
        improve: ["agent", {}, "refine"],
        end: ["end"],
      },
      ["start -> refine", "refine -> end"],
    );

  it("stops when until holds, with the last output and the count", () => {
    const sim = simulate(repeat(5), { until: { refine: (index) => index === 2 } });
    expect(sim.state.nodes.refine?.output).toEqual({ last: "improve#2", iterations: 3, stoppedBy: "until" });
  });

  it("stops at maxIterations", () => {
    const sim = simulate(repeat(2), { until: { refine: () => false } });
    expect(sim.state.nodes.refine?.output).toEqual({ last: "improve#1", iterations: 2, stoppedBy: "max" });
  });
});

describe("nested loops and branches inside", () => {
  //  start ─▶ outer ─▶ end
  //           outer body: inner (forEach)       inner body: pick (branch) ─ yes ─▶ keep
  it("keeps nested iterations apart and skips untaken paths per iteration", () => {
    const doc = flow(
      {
        start: ["start"],
        outer: ["loop", { mode: "forEach", items: "input.rows", maxIterations: 10 }],
        inner: ["loop", { mode: "forEach", items: "item", maxIterations: 10 }, "outer"],
        pick: ["branch", { cases: [{ id: "yes", label: "", condition: "item > 1" }] }, "inner"],
        keep: ["transform", { expression: "item" }, "inner"],
        end: ["end"],
      },
      ["start -> outer", "outer -> end", "pick.yes -> keep"],
    );
    expect(isRunnable(checkFlow(doc))).toBe(true);
    const sim = simulate(doc, {
      items: { outer: [[1, 2], [3]], inner: [10, 20] },
      outcomes: { pick: [{ handles: ["else"] }] },
    });
    expect(sim.state.status).toBe("succeeded");
    expect(nodeStatus(sim.state, "keep", [0, 1])).toBe("skipped");
    expect(nodeStatus(sim.state, "pick", [1, 0])).toBe("succeeded");
    // Each inner iteration's output is null (its only exit was skipped); each outer one collects them.
    expect(sim.state.nodes.outer?.output).toEqual([
      [null, null],
      [null, null],
    ]);
  });

  it("refuses edges across a loop's border and start/end inside a loop", () => {
    const doc = flow(
      { start: ["start"], each: ["loop", { items: "x", maxIterations: 2 }], a: ["agent", {}, "each"], end: ["end"] },
      ["start -> each", "start -> a", "each -> end"],
    );
    expect(checkFlow(doc).problems.map((p) => p.message)).toContain(
      "an edge cannot cross a loop's border: connect the loop itself, or nodes inside the same loop",
    );
    const inside = flow(
      { start: ["start"], each: ["loop", { items: "x", maxIterations: 2 }], e: ["end", {}, "each"] },
      ["start -> each"],
    );
    expect(checkFlow(inside).problems.map((p) => p.message)).toContain("a end node cannot be inside a loop");
  });

  it("requires a cap and the mode's expression", () => {
    const doc = flow(
      { start: ["start"], each: ["loop", { mode: "repeat", until: "" }], a: ["agent", {}, "each"], end: ["end"] },
      ["start -> each", "each -> end"],
    );
    const messages = () => checkFlow(doc).problems.map((p) => `${p.path.join(".")}: ${p.message}`);
    delete doc.nodes[1]!.data.maxIterations;
    expect(messages()).toContain("nodes.1.data.maxIterations: a loop needs maxIterations, its safety cap");
    doc.nodes[1]!.data.maxIterations = 3;
    expect(messages()).toContain("nodes.1.data.until: a repeat loop needs an until expression");
  });
});
