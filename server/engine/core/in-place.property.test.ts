// Property test of the in-place node map (lib/run/state.ts withOwnedNodes) and the open-instance
// index kept with it: random valid flows (with loops, nested loops, approvals and retries),
// random completion orders and outcomes, run in place and folded from scratch, must agree.
// (advance.property.test.ts checks what runs do: decisions, deadlines, loop counts.)
import fc from "fast-check";
import { expect, it } from "vitest";
import { checkFlow } from "../../../lib/flow/check";
import type { FlowDocument, FlowEdge, FlowNode } from "../../../lib/flow/document";
import type { Decision } from "../../../lib/run/events";
import {
  applyRunEvent,
  foldRunEvents,
  initialRunState,
  type NodeRunState,
  type RunState,
  withOwnedNodes,
} from "../../../lib/run/state";
import { OpenIndex, openIndex } from "./open-index";
import { type Outcome, simulate } from "./testing";

type Kind = "agent" | "transform" | "branch" | "parallel" | "join" | "loop" | "approval" | "end";
const topKinds: Kind[] = ["agent", "transform", "branch", "parallel", "join", "loop", "approval", "end"];
const bodyKinds: Kind[] = ["agent", "transform", "branch", "parallel", "join", "loop", "approval"];

/** The output handles a generated node of this kind may be connected from. */
const handlesOf = (kind: Kind | "start"): string[] =>
  kind === "branch"
    ? ["yes", "else"]
    : kind === "agent"
      ? ["out", "error"]
      : kind === "approval"
        ? ["approved", "rejected", "timeout"]
        : kind === "end"
          ? []
          : ["out"];

/** Everything random about one node: its kind, wiring, settings, and how it turns out when it runs. */
const nodeSpec = (kinds: Kind[]) =>
  fc.record({
    kind: fc.constantFrom(...kinds),
    wiring: fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 3 })),
    onError: fc.constantFrom("fail", "continue", "route"),
    joinMode: fc.constantFrom("all", "any", "count"),
    cancelRemaining: fc.boolean(),
    outcome: fc.constantFrom("ok", "fail", "flaky", "yes", "else"),
    loop: fc.record({
      mode: fc.constantFrom("forEach", "repeat"),
      concurrency: fc.integer({ min: 1, max: 2 }),
      maxIterations: fc.integer({ min: 1, max: 3 }),
      items: fc.integer({ min: 0, max: 3 }),
      stopAfter: fc.nat({ max: 3 }),
    }),
    approval: fc.constantFrom("approve", "reject", "timeout", "none"),
    timeoutAction: fc.constantFrom("reject", "approve", "route", "fail"),
  });
type Spec = ReturnType<typeof nodeSpec> extends fc.Arbitrary<infer T> ? T : never;

const arbitraryRun = fc.record({
  top: fc.array(
    fc.record({ node: nodeSpec(topKinds), body: fc.array(nodeSpec(bodyKinds), { minLength: 1, maxLength: 3 }) }),
    {
      minLength: 1,
      maxLength: 12,
    },
  ),
  inner: fc.array(nodeSpec(["agent", "transform", "branch"]), { minLength: 1, maxLength: 2 }),
});

interface Generated {
  doc: FlowDocument;
  options: Parameters<typeof simulate>[1] & {};
}

const ann = { id: "ann", name: "Ann" };

/** A flow from the specs: a random DAG at the top, and in each loop's body (a loop in a body holds `inner`). */
function generate({ top, inner }: { top: { node: Spec; body: Spec[] }[]; inner: Spec[] }): Generated {
  const nodes: FlowNode[] = [];
  const edges: FlowEdge[] = [];
  const outcomes: Record<string, Outcome[]> = {};
  const items: Record<string, unknown[]> = {};
  const until: Record<string, (index: number) => boolean> = {};
  const decisions: Record<string, Pick<Decision, "decision" | "by" | "comment">[]> = {};
  const timeouts: string[] = [];

  const add = (id: string, spec: Spec, parentId?: string) => {
    const kind = spec.kind;
    nodes.push({
      id,
      type: kind,
      position: { x: nodes.length * 50, y: 0 },
      ...(parentId && { parentId }),
      data: {
        label: kind,
        ...(kind === "branch" && { cases: [{ id: "yes", label: "", condition: "true" }] }),
        ...(kind === "transform" && { expression: "prev" }),
        ...(kind === "agent" && {
          onError: spec.onError,
          retry: { maxAttempts: 2, initialDelayMs: 1000, multiplier: 2, maxDelayMs: 60000, jitter: false },
        }),
        ...(kind === "join" && { mode: spec.joinMode, count: 1, cancelRemaining: spec.cancelRemaining }),
        ...(kind === "loop" && {
          mode: spec.loop.mode,
          ...(spec.loop.mode === "forEach"
            ? { items: "input.list", concurrency: spec.loop.concurrency }
            : { until: "false" }),
          maxIterations: spec.loop.mode === "forEach" ? 3 : spec.loop.maxIterations,
        }),
        ...(kind === "approval" && {
          title: "Review",
          ...(spec.approval === "timeout" && { timeout: { afterMs: 60_000, action: spec.timeoutAction } }),
        }),
      },
    });
    if (kind === "loop") {
      if (spec.loop.mode === "forEach") items[id] = Array.from({ length: spec.loop.items }, (_, i) => i);
      else until[id] = (index) => index >= spec.loop.stopAfter;
    } else if (kind === "approval") {
      if (spec.approval === "approve") decisions[id] = [{ decision: "approve", by: ann, comment: "" }];
      if (spec.approval === "reject") decisions[id] = [{ decision: "reject", by: ann, comment: "no" }];
      if (spec.approval === "timeout") timeouts.push(id);
    } else if (kind === "branch") {
      if (spec.outcome === "yes" || spec.outcome === "else") outcomes[id] = [{ handles: [spec.outcome] }];
    } else if (spec.outcome === "fail") outcomes[id] = [{ error: "boom" }];
    else if (spec.outcome === "flaky" && kind === "agent")
      outcomes[id] = [{ error: "flaky", retryable: true }, { error: "flaky again", retryable: true }, {}];
  };

  /** Node i only receives edges from nodes before it, so there is no cycle. */
  const wire = (ids: string[], kinds: (Kind | "start")[], specs: (Spec | undefined)[], entries: number) => {
    for (let i = entries; i < ids.length; i++) {
      const [a, b, fanIn] = specs[i]?.wiring ?? [0, 0, 1];
      const sources = kinds.map((k, j) => [k, j] as const).filter(([k, j]) => j < i && handlesOf(k).length > 0);
      if (sources.length === 0) continue;
      for (let f = 0; f < fanIn; f++) {
        const [kind, j] = sources[(a + f * 7) % sources.length]!;
        const handle = handlesOf(kind)[(b + f) % handlesOf(kind).length]!;
        if (edges.some((e) => e.source === ids[j] && e.sourceHandle === handle && e.target === ids[i])) continue;
        edges.push({
          id: `e${edges.length}`,
          source: ids[j]!,
          sourceHandle: handle,
          target: ids[i]!,
          targetHandle: "in",
        });
      }
    }
  };

  const topIds = ["n0", ...top.map((_, i) => `n${i + 1}`), `n${top.length + 1}`];
  nodes.push({ id: "n0", type: "start", position: { x: 0, y: 0 }, data: { label: "start" } });
  top.forEach(({ node, body }, i) => {
    const id = topIds[i + 1]!;
    add(id, node);
    if (node.kind !== "loop") return;
    const bodyIds = body.map((_, j) => `${id}_${j}`);
    body.forEach((spec, j) => {
      add(bodyIds[j]!, spec, id);
      if (spec.kind !== "loop") return;
      const innerIds = inner.map((_, k) => `${bodyIds[j]}_${k}`);
      inner.forEach((s, k) => {
        add(innerIds[k]!, s, bodyIds[j]);
      });
      wire(
        innerIds,
        inner.map((s) => s.kind),
        inner,
        1,
      );
    });
    wire(
      bodyIds,
      body.map((s) => s.kind),
      body,
      1,
    );
  });
  const endId = topIds.at(-1)!;
  nodes.push({ id: endId, type: "end", position: { x: nodes.length * 50, y: 0 }, data: { label: "end" } });
  wire(topIds, ["start", ...top.map((t) => t.node.kind), "end"], [undefined, ...top.map((t) => t.node), undefined], 1);

  const doc: FlowDocument = { schemaVersion: 1, name: "random", description: "", nodes, edges };
  return {
    doc,
    options: {
      outcomes,
      items,
      until,
      decisions,
      timeouts,
      ...(timeouts.length > 0 && { request: { timeoutAt: "2026-01-01T01:00:00.000Z" } }),
    },
  };
}

const unfinished = ["pending", "running", "waiting", "retrying"];

it("every generated flow is valid, every run ends or waits, and folding its events gives the live state", () => {
  fc.assert(
    fc.property(arbitraryRun, fc.infiniteStream(fc.nat()), (spec, choices) => {
      const { doc, options } = generate(spec);
      const check = checkFlow(doc);
      expect(check.ok && check.problems.filter((p) => p.severity === "error")).toEqual([]);
      const picks: number[] = [];
      const sim = simulate(doc, {
        ...options,
        order: (n) => {
          const pick = choices.next().value % n;
          picks.push(pick);
          return pick;
        },
      });
      const waiting = Object.values(sim.state.nodes).filter((n) => n.status === "waiting");
      expect(["succeeded", "failed", "waiting"]).toContain(sim.state.status);
      // A run waits only on an approval nobody decides.
      if (sim.state.status === "waiting") expect(waiting.length).toBeGreaterThan(0);
      expect(foldRunEvents(sim.log.map((e, i) => ({ ...e, seq: i + 1, at: "2026-01-01T00:00:00.000Z" })))).toEqual(
        sim.state,
      );
      if (sim.state.status === "succeeded") {
        // Nothing is left half-done in a finished run.
        expect(Object.values(sim.state.nodes).filter((n) => unfinished.includes(n.status))).toEqual([]);
      }
      // The engine keeps one node map, and its index, for a whole batch: the same decisions.
      let replayed = 0;
      const inPlace = simulate(doc, { ...options, inPlace: true, order: (n) => (picks[replayed++] ?? 0) % n });
      expect(inPlace.log).toEqual(sim.log);
      expect(inPlace.state).toEqual(sim.state);
    }),
    { numRuns: 300 },
  );
}, 60_000); // a few seconds alone; a loaded machine running the suite in parallel takes longer

/** What the index answers, worked out by a pass over the whole map. */
function scanned(state: RunState) {
  const all = Object.entries(state.nodes);
  const loops = all.filter(([, n]) => n.loop !== undefined);
  const paths = [...new Set(all.map(([, n]) => n.path.join(".")))];
  return {
    atWork: all.filter(([, n]) => ["running", "retrying", "waiting"].includes(n.status)).map(([, n]) => n),
    failures: all.filter(([, n]) => n.status === "failed").map(([, n]) => n),
    at: paths.map((p) => [p, all.filter(([, n]) => n.path.join(".") === p).map(([key]) => key)]),
    open: loops.map(([key, n]) => [
      key,
      Array.from({ length: n.loop!.started }, (_, i) => i).filter((i) => !(i in n.loop!.outputs)),
      Object.keys(n.loop!.outputs).length,
    ]),
  };
}

function indexed(index: OpenIndex, state: RunState) {
  const all = Object.entries(state.nodes);
  const loops = all.filter(([, n]) => n.loop !== undefined);
  const paths = [...new Set(all.map(([, n]) => n.path.join(".")))];
  const pathOf = (p: string) => (p === "" ? [] : p.split(".").map(Number));
  return {
    atWork: index.atWork(),
    failures: index.failures(),
    at: paths.map((p) => [p, [...index.at(pathOf(p))]]),
    open: loops.map(([key, n]) => [key, [...index.openIterations(n)], index.finishedIterations(n as NodeRunState)]),
  };
}

it("the open-instance index, kept up to date event by event, answers as a pass over the node map does", () => {
  fc.assert(
    fc.property(arbitraryRun, fc.infiniteStream(fc.nat()), (spec, choices) => {
      const { doc, options } = generate(spec);
      const sim = simulate(doc, { ...options, order: (n) => choices.next().value % n });
      withOwnedNodes(initialRunState(), (draft) => {
        const index = openIndex(draft); // registered with the map: told of every change to it
        let state = draft;
        for (const event of sim.log) {
          const before = state.nodes;
          state = applyRunEvent(state, event, "2026-01-01T00:00:00.000Z");
          expect(state.nodes).toBe(before); // changed in place
          expect(indexed(index, state)).toEqual(scanned(state));
          expect(indexed(new OpenIndex(state.nodes), state)).toEqual(scanned(state));
        }
      });
    }),
    { numRuns: 100 },
  );
}, 60_000);
