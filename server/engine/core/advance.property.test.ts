// Property test: random valid flows, random completion orders and outcomes.
import fc from "fast-check";
import { expect, it } from "vitest";
import { checkFlow } from "../../../lib/flow/check";
import type { FlowDocument, FlowEdge, FlowNode } from "../../../lib/flow/document";
import { foldRunEvents } from "../../../lib/run/state";
import { type Outcome, simulate } from "./testing";

type Kind = "agent" | "transform" | "branch" | "parallel" | "join" | "end";
const kinds: Kind[] = ["agent", "transform", "branch", "parallel", "join", "end"];

/** The output handles a generated node of this kind may be connected from. */
const handlesOf = (kind: Kind | "start"): string[] =>
  kind === "branch" ? ["yes", "else"] : kind === "agent" ? ["out", "error"] : kind === "end" ? [] : ["out"];

/** A random DAG: node i only receives edges from nodes before it, so there is no cycle. */
const arbitraryFlow = fc
  .record({
    kinds: fc.array(fc.constantFrom(...kinds), { minLength: 1, maxLength: 14 }),
    wiring: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 3 })), { minLength: 15, maxLength: 15 }),
    onError: fc.array(fc.constantFrom("fail", "continue", "route"), { minLength: 15, maxLength: 15 }),
    joinMode: fc.array(fc.constantFrom("all", "any", "count"), { minLength: 15, maxLength: 15 }),
  })
  .map(({ kinds: body, wiring, onError, joinMode }): FlowDocument => {
    const all: (Kind | "start")[] = ["start", ...body, "end"];
    const nodes: FlowNode[] = all.map((kind, i) => ({
      id: `n${i}`,
      type: kind,
      position: { x: i * 50, y: 0 },
      data: {
        label: kind,
        ...(kind === "branch" && { cases: [{ id: "yes", label: "", condition: "true" }] }),
        ...(kind === "transform" && { expression: "prev" }),
        ...(kind === "agent" && { onError: onError[i] }),
        ...(kind === "join" && { mode: joinMode[i], count: 1 }),
      },
    }));
    const edges: FlowEdge[] = [];
    for (let i = 1; i < all.length; i++) {
      const [a, b, fanIn] = wiring[i - 1]!;
      const sources = all.map((k, j) => [k, j] as const).filter(([k, j]) => j < i && handlesOf(k).length > 0);
      for (let f = 0; f < fanIn; f++) {
        const [kind, j] = sources[(a + f * 7) % sources.length]!;
        const handle = handlesOf(kind)[(b + f) % handlesOf(kind).length]!;
        if (edges.some((e) => e.source === `n${j}` && e.sourceHandle === handle && e.target === `n${i}`)) continue;
        edges.push({
          id: `e${edges.length}`,
          source: `n${j}`,
          sourceHandle: handle,
          target: `n${i}`,
          targetHandle: "in",
        });
      }
    }
    return { schemaVersion: 1, name: "random", description: "", nodes, edges };
  });

const outcomes = fc.dictionary(
  fc.constantFrom(...Array.from({ length: 16 }, (_, i) => `n${i}`)),
  fc.constantFrom<Outcome[]>([{}], [{ error: "boom" }], [{ handles: ["yes"] }], [{ handles: ["else"] }]),
);

it("every generated flow is valid, every run ends or waits, and folding its events gives the live state", () => {
  fc.assert(
    fc.property(arbitraryFlow, outcomes, fc.infiniteStream(fc.nat()), (doc, picked, choices) => {
      const check = checkFlow(doc);
      expect(check.ok && check.problems.filter((p) => p.severity === "error")).toEqual([]);
      // Only branches choose handles; other kinds succeed or fail.
      const byKind = Object.fromEntries(
        Object.entries(picked).filter(([id, o]) => {
          const kind = doc.nodes.find((n) => n.id === id)?.type;
          return kind !== undefined && (kind === "branch" ? !("error" in o[0]!) : !("handles" in o[0]!));
        }),
      );
      const sim = simulate(doc, { outcomes: byKind, order: (n) => choices.next().value % n });
      expect(["succeeded", "failed"]).toContain(sim.state.status);
      expect(foldRunEvents(sim.log.map((e, i) => ({ ...e, seq: i + 1, at: "2026-01-01T00:00:00.000Z" })))).toEqual(
        sim.state,
      );
      if (sim.state.status === "succeeded") {
        // Nothing is left half-done in a finished run.
        expect(
          Object.values(sim.state.nodes).filter((n) =>
            ["pending", "running", "waiting", "retrying"].includes(n.status),
          ),
        ).toEqual([]);
      }
    }),
    { numRuns: 300 },
  );
});
