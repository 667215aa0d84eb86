// Property test: random valid flows (with loops, nested loops and approvals), random
// completion orders, outcomes and decisions.
import fc from "fast-check";
import { expect, it } from "vitest";
import { checkFlow } from "../../../lib/flow/check";
import type { FlowDocument, FlowEdge, FlowNode } from "../../../lib/flow/document";
import type { Decision } from "../../../lib/run/events";
import { foldRunEvents, type NodeRunState } from "../../../lib/run/state";
import { type Outcome, simulate } from "./testing";

type Kind = "agent" | "transform" | "branch" | "parallel" | "join" | "approval" | "loop" | "end";
/** What the test does with an approval once it waits: decides it, lets its deadline pass, or leaves it. */
type Answer = "approve" | "reject" | "timeout" | "none";
type TimeoutAction = "reject" | "approve" | "route" | "fail";

/** One generated node; a loop holds its body, a block of its own. */
interface Spec {
  kind: Kind;
  /** Which earlier nodes of the same block lead here: [pick, handle pick, how many (0: an entry of a loop body)]. */
  wiring: [number, number, number];
  /** Work steps: whether the attempt fails. Branches: which handle they take. */
  fails: boolean;
  takes: "yes" | "else";
  onError: "fail" | "continue" | "route";
  joinMode: "all" | "any" | "count";
  answer: Answer;
  timeoutAction: TimeoutAction;
  loop: { mode: "forEach" | "repeat"; items: number; untilAfter: number; maxIterations: number; concurrency: number };
  body: Spec[];
}

/** The output handles a generated node of this kind may be connected from. */
const handlesOf = (kind: Kind | "start"): string[] =>
  ({
    start: ["out"],
    agent: ["out", "error"],
    transform: ["out"],
    branch: ["yes", "else"],
    parallel: ["out"],
    join: ["out"],
    approval: ["approved", "rejected", "timeout"],
    loop: ["out"],
    end: [],
  })[kind];

const spec = (depth: number): fc.Arbitrary<Spec[]> => {
  const kinds: Kind[] = ["agent", "transform", "branch", "parallel", "join", "approval"];
  if (depth < 2) kinds.push("loop"); // loops nest one level deep
  if (depth === 0) kinds.push("end"); // ends stay outside loops
  return fc
    .array(
      fc.record({
        kind: fc.constantFrom(...kinds),
        wiring: fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: depth === 0 ? 1 : 0, max: 3 })),
        fails: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
        takes: fc.constantFrom<Spec["takes"]>("yes", "else"),
        onError: fc.constantFrom<Spec["onError"]>("fail", "continue", "route"),
        joinMode: fc.constantFrom<Spec["joinMode"]>("all", "any", "count"),
        answer: fc.constantFrom<Answer>("approve", "reject", "timeout", "none"),
        timeoutAction: fc.constantFrom<TimeoutAction>("reject", "approve", "route", "fail"),
        loop: fc.record({
          mode: fc.constantFrom<"forEach" | "repeat">("forEach", "repeat"),
          items: fc.integer({ min: 0, max: 3 }),
          untilAfter: fc.integer({ min: 0, max: 3 }),
          maxIterations: fc.integer({ min: 1, max: 4 }),
          concurrency: fc.integer({ min: 1, max: 3 }),
        }),
        body: depth < 2 ? spec(depth + 1) : fc.constant([] as Spec[]),
      }),
      { minLength: 1, maxLength: depth === 0 ? 12 : 3 },
    )
    .map((list) => list.map((s) => (s.kind === "loop" ? s : { ...s, body: [] }))); // shown shorter when one fails
};

interface Generated {
  doc: FlowDocument;
  specs: Map<string, Spec>;
  /** Node instances at most (a bound on the work one run does). */
  size: number;
}

/**
 * A random flow: every block (the top level, each loop's body) is a DAG, node i receiving
 * edges only from nodes before it in the same block, so no edge crosses a loop's border
 * and there is no cycle. The top level begins at a start and ends at an end.
 */
function build(top: Spec[]): Generated {
  const nodes: FlowNode[] = [];
  const edges: FlowEdge[] = [];
  const specs = new Map<string, Spec>();
  let size = 0;
  const add = (kind: Kind | "start", s: Spec | undefined, parentId: string | undefined): string => {
    const id = `n${nodes.length}`;
    const timeout = { afterMs: 60_000, action: s?.timeoutAction ?? "reject" };
    const loop = s?.loop;
    nodes.push({
      id,
      type: kind,
      position: { x: nodes.length * 50, y: 0 },
      ...(parentId && { parentId }),
      data: {
        label: kind,
        ...(kind === "branch" && { cases: [{ id: "yes", label: "", condition: "true" }] }),
        ...(kind === "transform" && { expression: "prev" }),
        ...(kind === "agent" && { onError: s!.onError }),
        ...(kind === "join" && { mode: s!.joinMode, count: 1 }),
        ...(kind === "approval" && { title: "Review", timeout }),
        ...(kind === "loop" &&
          (loop!.mode === "forEach"
            ? { mode: "forEach", items: "prev", concurrency: loop!.concurrency, maxIterations: loop!.maxIterations }
            : { mode: "repeat", until: "prev = 1", maxIterations: loop!.maxIterations })),
      },
    });
    if (s) specs.set(id, s);
    return id;
  };
  const block = (list: Spec[], parentId: string | undefined, repeats: number) => {
    const placed: { id: string; kind: Kind | "start" }[] = [];
    if (parentId === undefined) placed.push({ id: add("start", undefined, undefined), kind: "start" });
    const all =
      parentId === undefined ? [...list, { ...list[0]!, kind: "end" as const, wiring: list[0]!.wiring }] : list;
    for (const s of all) {
      const id = add(s.kind, s, parentId);
      size += repeats;
      const sources = placed.filter((p) => handlesOf(p.kind).length > 0);
      const [a, b, fanIn] = s.wiring;
      for (let f = 0; f < fanIn && sources.length > 0; f++) {
        const source = sources[(a + f * 7) % sources.length]!;
        const handle = handlesOf(source.kind)[(b + f) % handlesOf(source.kind).length]!;
        if (edges.some((e) => e.source === source.id && e.sourceHandle === handle && e.target === id)) continue;
        edges.push({ id: `e${edges.length}`, source: source.id, sourceHandle: handle, target: id, targetHandle: "in" });
      }
      placed.push({ id, kind: s.kind });
      if (s.kind === "loop") {
        const passes = s.loop.mode === "forEach" ? s.loop.items : Math.min(s.loop.untilAfter + 1, s.loop.maxIterations);
        block(s.body, id, repeats * Math.max(1, passes));
      }
    }
  };
  block(top, undefined, 1);
  return { doc: { schemaVersion: 1, name: "random", description: "", nodes, edges }, specs, size };
}

const by = { id: "u_approver", name: "Approver" };
const unfinished = (n: NodeRunState) => ["pending", "running", "waiting", "retrying"].includes(n.status);

it("every generated flow is valid, every run ends or waits only for people, and folding its events gives the live state", () => {
  fc.assert(
    fc.property(spec(0), fc.infiniteStream(fc.nat()), (top, choices) => {
      const { doc, specs, size } = build(top);
      fc.pre(size <= 120); // nested loops multiply: keep one run's work small
      const check = checkFlow(doc);
      expect(check.ok && check.problems.filter((p) => p.severity === "error")).toEqual([]);

      // Branches choose a handle; approvals and loops are driven below; other kinds succeed or fail.
      const outcomes: Record<string, Outcome[]> = {};
      const decisions: Record<string, Pick<Decision, "decision" | "by" | "comment">[]> = {};
      const items: Record<string, unknown[]> = {};
      const until: Record<string, (index: number) => boolean> = {};
      const timeouts: string[] = [];
      for (const [id, s] of specs) {
        if (s.kind === "branch") outcomes[id] = [{ handles: [s.takes] }];
        else if (s.kind === "approval") {
          if (s.answer === "approve" || s.answer === "reject")
            decisions[id] = [{ decision: s.answer, by, comment: s.answer === "reject" ? "not like this" : "" }];
          if (s.answer === "timeout") timeouts.push(id);
        } else if (s.kind === "loop") {
          if (s.loop.mode === "forEach") items[id] = Array.from({ length: s.loop.items }, (_, i) => i);
          else until[id] = (index) => index >= s.loop.untilAfter;
        } else if (s.fails) outcomes[id] = [{ error: "boom" }];
      }
      const taken: number[] = [];
      const options = {
        outcomes,
        decisions,
        items,
        until,
        timeouts,
        request: { timeoutAt: "2026-01-01T00:01:00.000Z" }, // every approval has a deadline; only `timeouts` pass it
      };
      const sim = simulate(doc, { ...options, order: (n) => taken[taken.push(choices.next().value) - 1]! % n });
      // Looking only at the nodes an event touched (frontier.ts) decides exactly what a look at every node decides.
      let replay = 0;
      expect(simulate(doc, { ...options, everyNode: true, order: (n) => taken[replay++]! % n }).log).toEqual(sim.log);
      // `until` answered within the pass: one event per repeat pass fewer, the log still folds to
      // the live state, and a repeat loop that finishes in both ways finishes alike.
      const inPass = simulate(doc, { ...options, untilInPass: true, order: (n) => choices.next().value % n });
      expect(inPass.log.filter((e) => e.type === "loop.until")).toEqual([]);
      expect(foldRunEvents(inPass.log.map((e, i) => ({ ...e, seq: i + 1, at: "2026-01-01T00:00:00.000Z" })))).toEqual(
        inPass.state,
      );
      for (const [id, s] of specs) {
        const [a, b] = [sim.state.nodes[id], inPass.state.nodes[id]];
        if (s.kind === "loop" && s.loop.mode === "repeat" && a?.status === "succeeded" && b?.status === "succeeded")
          expect(b.output).toEqual(a.output);
      }

      expect(foldRunEvents(sim.log.map((e, i) => ({ ...e, seq: i + 1, at: "2026-01-01T00:00:00.000Z" })))).toEqual(
        sim.state,
      );
      const nodes = Object.values(sim.state.nodes);
      const left = (answer: Answer) =>
        nodes.filter((n) => n.status === "waiting" && specs.get(n.nodeId)?.answer === answer);
      if (sim.state.status === "waiting") {
        // Waiting only for people: approvals nobody answered, and the loops they sit in.
        expect(left("none").length).toBeGreaterThan(0);
        expect(
          nodes.filter(unfinished).filter((n) => !(n.status === "waiting" && specs.get(n.nodeId)?.answer === "none")),
        ).toEqual(nodes.filter((n) => n.status === "running" && specs.get(n.nodeId)?.kind === "loop"));
      } else {
        expect(["succeeded", "failed"]).toContain(sim.state.status);
        // Nothing is left half-done in a finished run.
        expect(nodes.filter(unfinished)).toEqual([]);
      }
      // Answered approvals never stay waiting.
      for (const answer of ["approve", "reject", "timeout"] as const) expect(left(answer)).toEqual([]);

      for (const n of nodes) {
        const s = specs.get(n.nodeId);
        if (n.status !== "succeeded" || !s) continue;
        if (s.kind === "approval") {
          // The test's answer, or the deadline's action, decided it.
          const took =
            s.answer === "timeout"
              ? { reject: "rejected", approve: "approved", route: "timeout", fail: "none" }[s.timeoutAction]
              : s.answer === "approve"
                ? "approved"
                : "rejected";
          expect(n.handles).toEqual([took]);
          expect(n.output).toMatchObject({ decision: took });
        }
        if (s.kind === "loop") {
          expect(n.output).toEqual(
            s.loop.mode === "forEach"
              ? expect.any(Array)
              : expect.objectContaining({
                  iterations: Math.min(s.loop.untilAfter + 1, s.loop.maxIterations),
                  stoppedBy: s.loop.untilAfter + 1 <= s.loop.maxIterations ? "until" : "max",
                }),
          );
          if (s.loop.mode === "forEach") expect(n.output).toHaveLength(s.loop.items);
        }
      }
      // A deadline whose action is to fail fails its node, and nothing else ends an approval that way.
      for (const n of nodes.filter((x) => specs.get(x.nodeId)?.kind === "approval" && x.status === "failed")) {
        expect(specs.get(n.nodeId)).toMatchObject({ answer: "timeout", timeoutAction: "fail" });
      }
    }),
    { numRuns: 300 },
  );
}, 60_000); // a few seconds alone; a loaded machine running the suite in parallel takes longer
