import { describe, expect, it } from "vitest";
import { newFlowDocument } from "../../../lib/flow/document";
import { eventLabel } from "../../../lib/run/event-label";
import { foldRunEvents, initialRunState, nodeStatus } from "../../../lib/run/state";
import { advance, resume } from "./advance";
import { retryDelayMs } from "./backoff";
import { compileFlow } from "./graph";
import { flow, simulate } from "./testing";

const NOW = "2026-01-01T00:00:00.000Z";
const statuses = (sim: ReturnType<typeof simulate>, ids: string[]) =>
  ids.map((id) => `${id}=${nodeStatus(sim.state, id)}`);

describe("sequences", () => {
  //  start ──▶ end
  it("runs start then end and finishes with the end's output", () => {
    const sim = simulate(newFlowDocument("t"), { outcomes: { end: [{ output: { answer: 42 } }] } });
    expect(sim.trace).toEqual([
      "run.started",
      "node.started:start",
      "node.succeeded:start",
      "node.started:end",
      "node.succeeded:end",
      "run.succeeded",
    ]);
    expect(sim.state).toMatchObject({ status: "succeeded", output: { answer: 42 } });
  });

  it("issues one execute command per started node, with its idempotency key", () => {
    const step = advance(
      compileFlow(newFlowDocument("t")),
      "run1",
      initialRunState(),
      { type: "run.started", data: { input: {} } },
      NOW,
    );
    expect(step.commands).toEqual([
      { type: "execute", nodeId: "start", path: [], iteration: 0, attempt: 1, idempotencyKey: "run1:start:0:1" },
    ]);
    expect(step.events).toEqual([{ type: "node.started", nodeId: "start", iteration: 0, data: { attempt: 1 } }]);
  });

  //  start ──▶ end_a
  //        └─▶ end_b
  it("collects the outputs of several ends keyed by id", () => {
    const doc = flow({ start: ["start"], end_a: ["end"], end_b: ["end"] }, ["start -> end_a", "start -> end_b"]);
    expect(simulate(doc).state.output).toEqual({ end_a: "end_a", end_b: "end_b" });
  });

  //  start ──▶ end        lonely (nothing leads here)
  it("skips a node nothing leads to and still finishes", () => {
    const doc = flow({ start: ["start"], end: ["end"], lonely: ["end"] }, ["start -> end"]);
    const sim = simulate(doc);
    expect(statuses(sim, ["lonely"])).toEqual(["lonely=skipped"]);
    expect(sim.state.output).toBe("end");
  });
});

describe("branches and dead paths", () => {
  //            ┌─ yes ─▶ a ─┐
  //  start ─▶ b              ├─▶ merge ─▶ end
  //            └─ else ─▶ c ─┘
  const diamond = flow(
    {
      start: ["start"],
      b: ["branch", { cases: [{ id: "yes", label: "", condition: "true" }] }],
      a: ["agent"],
      c: ["agent"],
      merge: ["transform", { expression: "prev" }],
      end: ["end"],
    },
    ["start -> b", "b.yes -> a", "b.else -> c", "a -> merge", "c -> merge", "merge -> end"],
  );

  it("skips the path not taken and runs the merge once", () => {
    const sim = simulate(diamond, { outcomes: { b: [{ handles: ["yes"] }] } });
    expect(statuses(sim, ["a", "c", "merge", "end"])).toEqual([
      "a=succeeded",
      "c=skipped",
      "merge=succeeded",
      "end=succeeded",
    ]);
    expect(sim.trace.filter((t) => t === "node.started:merge")).toHaveLength(1);
    expect(sim.state.status).toBe("succeeded");
  });

  it("takes the default path", () => {
    const sim = simulate(diamond, { outcomes: { b: [{ handles: ["else"] }] } });
    expect(statuses(sim, ["a", "c", "merge"])).toEqual(["a=skipped", "c=succeeded", "merge=succeeded"]);
  });

  //  start ─▶ b ─ yes ─▶ a ─▶ end      (b takes else; nothing is connected to else)
  it("skips everything downstream of an untaken path, ends included", () => {
    const doc = flow(
      {
        start: ["start"],
        b: ["branch", { cases: [{ id: "yes", label: "", condition: "true" }] }],
        a: ["agent"],
        end: ["end"],
      },
      ["start -> b", "b.yes -> a", "a -> end"],
    );
    const sim = simulate(doc, { outcomes: { b: [{ handles: ["else"] }] } });
    expect(statuses(sim, ["a", "end"])).toEqual(["a=skipped", "end=skipped"]);
    expect(sim.state).toMatchObject({ status: "succeeded", output: null });
  });
});

describe("parallel and joins", () => {
  //              ┌─▶ a ─┐
  //  start ─▶ p ─┼─▶ b ─┼─▶ j ─▶ end
  //              └─▶ c ─┘
  const fan = (join: Record<string, unknown>) =>
    flow(
      { start: ["start"], p: ["parallel"], a: ["agent"], b: ["agent"], c: ["agent"], j: ["join", join], end: ["end"] },
      ["start -> p", "p -> a", "p -> b", "p -> c", "a -> j", "b -> j", "c -> j", "j -> end"],
    );

  it("starts every path at once", () => {
    const sim = simulate(fan({ mode: "all" }));
    const started = sim.trace.indexOf("node.started:a");
    expect(sim.trace.slice(started, started + 3)).toEqual(["node.started:a", "node.started:b", "node.started:c"]);
  });

  it("maxConcurrency keeps at most that many paths in progress; the next starts when one settles", () => {
    //              ┌─▶ a1 ─▶ a2 ─┐
    //  start ─▶ p ─┼─▶ b1 ─▶ b2 ─┼─▶ j ─▶ end      (and c, d alike), at most 2 at once
    const nodes: Parameters<typeof flow>[0] = {
      start: ["start"],
      p: ["parallel", { maxConcurrency: 2 }],
      j: ["join"],
      end: ["end"],
    };
    const edges = ["start -> p", "j -> end"];
    for (const b of ["a", "b", "c", "d"]) {
      nodes[`${b}1`] = ["agent"];
      nodes[`${b}2`] = ["agent"];
      edges.push(`p -> ${b}1`, `${b}1 -> ${b}2`, `${b}2 -> j`);
    }
    for (const order of [() => 0, (n: number) => n - 1, (n: number) => Math.floor(n / 2)]) {
      const sim = simulate(flow(nodes, edges), { order });
      const running = new Set<string>();
      let most = 0;
      for (const label of sim.trace) {
        const [type, node] = label.split(":");
        if (!node || !/^[a-d][12]$/.test(node)) continue;
        if (type === "node.started") running.add(node[0]!);
        if (type === "node.succeeded" && node[1] === "2") running.delete(node[0]!);
        most = Math.max(most, running.size);
      }
      expect(most).toBe(2);
      expect(sim.state.status).toBe("succeeded");
      expect(sim.trace.indexOf("node.started:c1")).toBeGreaterThan(
        Math.min(sim.trace.indexOf("node.succeeded:a2"), sim.trace.indexOf("node.succeeded:b2")),
      );
    }
  });

  it("join all waits for every path", () => {
    const sim = simulate(fan({ mode: "all" }), { last: ["c"] });
    expect(sim.trace.indexOf("node.started:j")).toBeGreaterThan(sim.trace.indexOf("node.succeeded:c"));
    expect(sim.state.status).toBe("succeeded");
  });

  it("join any fires on the first arrival and lets the others finish", () => {
    const sim = simulate(fan({ mode: "any" }), { last: ["b", "c"] });
    expect(sim.trace.indexOf("node.started:j")).toBeLessThan(sim.trace.indexOf("node.succeeded:b"));
    expect(statuses(sim, ["b", "c", "j"])).toEqual(["b=succeeded", "c=succeeded", "j=succeeded"]);
  });

  it("join any with cancelRemaining cancels the paths still running", () => {
    const sim = simulate(fan({ mode: "any", cancelRemaining: true }), { last: ["b", "c"] });
    expect(statuses(sim, ["a", "b", "c", "j", "end"])).toEqual([
      "a=succeeded",
      "b=cancelled",
      "c=cancelled",
      "j=succeeded",
      "end=succeeded",
    ]);
    expect(sim.commands).toContainEqual({ type: "abort", nodeIds: ["b", "c"] });
    expect(sim.state.status).toBe("succeeded");
  });

  it("join count fires after n arrivals", () => {
    const sim = simulate(fan({ mode: "count", count: 2 }), { last: ["c"] });
    expect(sim.trace.indexOf("node.started:j")).toBeLessThan(sim.trace.indexOf("node.succeeded:c"));
  });

  it("join count fails when too few paths can arrive", () => {
    //  p ─▶ a, b, c where a and b end the run? No: a takes `error` routing away, so only b, c can arrive.
    const doc = fan({ mode: "count", count: 3 });
    doc.nodes.find((n) => n.id === "a")!.data.onError = "route";
    const sim = simulate(doc, { outcomes: { a: [{ error: "nope" }] } });
    expect(sim.state.nodes.j?.error?.message).toBe("only 2 of the 3 paths it waits for arrived");
    expect(sim.state.status).toBe("failed");
  });
});

describe("errors, retries and cancel", () => {
  //  start ─▶ a ─▶ end
  //            └ error ─▶ fallback
  const guarded = (settings: Record<string, unknown>) =>
    flow({ start: ["start"], a: ["agent", settings], end: ["end"], fallback: ["end"] }, [
      "start -> a",
      "a -> end",
      "a.error -> fallback",
    ]);

  it("fails the run when a node fails, naming it, and cancels what still runs", () => {
    const sim = simulate(guarded({}), { outcomes: { a: [{ error: "boom" }] } });
    expect(sim.state).toMatchObject({ status: "failed", error: { message: "a failed: boom", nodeId: "a" } });
    expect(statuses(sim, ["end", "fallback"])).toEqual(["end=pending", "fallback=pending"]);
  });

  it("continues with a null output on onError continue", () => {
    const sim = simulate(guarded({ onError: "continue" }), { outcomes: { a: [{ error: "boom" }] } });
    expect(statuses(sim, ["a", "end", "fallback"])).toEqual(["a=failed", "end=succeeded", "fallback=skipped"]);
    expect(sim.state.status).toBe("succeeded");
  });

  it("follows the error handle on onError route", () => {
    const sim = simulate(guarded({ onError: "route" }), { outcomes: { a: [{ error: "boom" }] } });
    expect(statuses(sim, ["end", "fallback"])).toEqual(["end=skipped", "fallback=succeeded"]);
  });

  it("retries a retryable failure after a durable timer, then succeeds", () => {
    const retry = { maxAttempts: 3, initialDelayMs: 1000, multiplier: 2, maxDelayMs: 60000, jitter: false };
    const sim = simulate(guarded({ retry }), {
      outcomes: { a: [{ error: "flaky", retryable: true }, { error: "flaky", retryable: true }, {}] },
    });
    expect(sim.trace.filter((t) => t.endsWith(":a"))).toEqual([
      "node.started:a",
      "node.failed:a",
      "node.retrying:a",
      "timer.fired:a",
      "node.started:a",
      "node.failed:a",
      "node.retrying:a",
      "timer.fired:a",
      "node.started:a",
      "node.succeeded:a",
    ]);
    const timers = sim.commands.filter((c) => c.type === "schedule");
    expect(timers.map((c) => c.type === "schedule" && [c.key, c.dueAt])).toEqual([
      ["run1:a:0:1:retry", "2026-01-01T00:00:01.000Z"],
      ["run1:a:0:2:retry", "2026-01-01T00:00:02.000Z"],
    ]);
    expect(sim.trace).toContain("run.waiting");
    expect(sim.state.status).toBe("succeeded");
  });

  it("does not retry an error that cannot pass, nor beyond maxAttempts", () => {
    const retry = { maxAttempts: 2, initialDelayMs: 10, multiplier: 2, maxDelayMs: 100, jitter: true };
    expect(
      simulate(guarded({ retry }), { outcomes: { a: [{ error: "bad input", retryable: false }] } }).trace,
    ).not.toContain("node.retrying:a");
    const sim = simulate(guarded({ retry }), {
      outcomes: {
        a: [
          { error: "x", retryable: true },
          { error: "y", retryable: true },
        ],
      },
    });
    expect(sim.trace.filter((t) => t === "node.retrying:a")).toHaveLength(1);
    expect(sim.state).toMatchObject({ status: "failed", error: { message: "a failed: y" } });
  });

  it("cancels a run: attempts in flight are aborted and end cancelled", () => {
    const doc = flow({ start: ["start"], p: ["parallel"], a: ["agent"], b: ["agent"], end: ["end"] }, [
      "start -> p",
      "p -> a",
      "p -> b",
      "a -> end",
      "b -> end",
    ]);
    const sim = simulate(doc, { cancelAfter: "a", last: ["b"] });
    expect(statuses(sim, ["a", "b", "end"])).toEqual(["a=succeeded", "b=cancelled", "end=pending"]);
    expect(sim.commands).toContainEqual({ type: "abort", nodeIds: ["b"] });
    expect(sim.state.status).toBe("cancelled");
  });
});

describe("backoff", () => {
  it("grows exponentially up to the cap, with jitter in [delay/2, delay]", () => {
    const retry = { maxAttempts: 10, initialDelayMs: 100, multiplier: 3, maxDelayMs: 1000, jitter: false };
    expect([1, 2, 3, 4].map((a) => retryDelayMs(retry, a, "k"))).toEqual([100, 300, 900, 1000]);
    const jittered = retryDelayMs({ ...retry, jitter: true }, 3, "run:a:0:3");
    expect(jittered).toBeGreaterThanOrEqual(450);
    expect(jittered).toBeLessThanOrEqual(900);
    expect(retryDelayMs({ ...retry, jitter: true }, 3, "run:a:0:3")).toBe(jittered);
  });
});

describe("resume and fold", () => {
  it("re-issues the attempt in flight and re-arms timers after a crash", () => {
    const retry = { maxAttempts: 2, initialDelayMs: 1000, multiplier: 2, maxDelayMs: 60000, jitter: false };
    const doc = flow({ start: ["start"], a: ["agent", { retry }], b: ["agent"], end: ["end"] }, [
      "start -> a",
      "start -> b",
      "a -> end",
      "b -> end",
    ]);
    const sim = simulate(doc, { outcomes: { a: [{ error: "flaky", retryable: true }, {}] } });
    // Cut the log right after a started retrying while b was still running: the crash.
    const cut = sim.log.slice(0, sim.trace.indexOf("node.retrying:a") + 1);
    expect(cut.map((e) => e.type)).toContain("node.started");
    const state = foldRunEvents(cut.map((e, i) => ({ ...e, seq: i + 1, at: NOW })));
    const step = resume(compileFlow(doc), "run1", state, NOW);
    const types = step.commands.map((c) =>
      c.type === "execute" ? `execute:${c.nodeId}` : c.type === "schedule" ? `schedule:${c.key}` : c.type,
    );
    expect(types).toContain("schedule:run1:a:0:1:retry");
    if (nodeStatus(state, "b") === "running") expect(types).toContain("execute:b");
  });

  it("rebuilds from the log exactly the state the live run had", () => {
    const sim = simulate(newFlowDocument("t"));
    expect(foldRunEvents(sim.log.map((e, i) => ({ ...e, seq: i + 1, at: NOW })))).toEqual(sim.state);
  });
});

describe("retry a failed run from where it failed", () => {
  //  start ─▶ p ─▶ a (fails) ─▶ j ─▶ end
  //              └▶ b ─────────┘
  it("reuses finished steps, runs the failed node as its next attempt, and the rest as usual", async () => {
    const { retryFrom } = await import("./advance");
    const doc = flow({ start: ["start"], p: ["parallel"], a: ["agent"], b: ["agent"], j: ["join"], end: ["end"] }, [
      "start -> p",
      "p -> a",
      "p -> b",
      "a -> j",
      "b -> j",
      "j -> end",
    ]);
    const failed = simulate(doc, { outcomes: { a: [{ error: "provider down", retryable: true }] }, last: ["a"] });
    expect(failed.state.status).toBe("failed");

    const step = retryFrom(compileFlow(doc), "run2", "run1", failed.state, undefined, NOW);
    const trace = step.events.map(eventLabel);
    expect(trace).toContain("node.succeeded:b");
    expect(step.events.find((e) => e.type === "node.succeeded" && e.nodeId === "b")).toMatchObject({
      data: { reusedFrom: "run1" },
    });
    expect(step.commands).toEqual([
      { type: "execute", nodeId: "a", path: [], iteration: 0, attempt: 2, idempotencyKey: "run2:a:0:2" },
    ]);
    expect(nodeStatus(step.state, "j")).toBe("pending");
    expect(step.state.status).toBe("running");
  });
});
