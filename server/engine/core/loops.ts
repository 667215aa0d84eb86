import type { FlowNode } from "../../../lib/flow/document";
import { loopDataSchema } from "../../../lib/flow/kinds/loop";
import { parseNodeData } from "../../../lib/flow/kinds/parsed";
import type { NodeRunState } from "../../../lib/run/state";
import { ref } from "./commands";
import type { FlowGraph } from "./graph";
import type { Pass } from "./planner";
import { retriesLeft } from "./retries";

/** Where a pass looks for nodes to start: the top level, or one iteration of a running loop. */
export interface Scope {
  /** The loop whose body this is, or null for the top level. */
  loopId: string | null;
  path: number[];
}

/** A forEach loop whose list is still being evaluated. */
export const evaluatingItems = (n: NodeRunState) =>
  n.loop !== undefined && n.loop.items === undefined && n.loop.started === 0;

/** A repeat loop's finished iteration whose `until` is not evaluated yet, if any. */
export function untilPending(n: NodeRunState): number | undefined {
  const loop = n.loop;
  if (!loop || loop.items !== undefined || loop.started === 0) return undefined;
  const last = loop.started - 1;
  return last in loop.outputs && loop.checked?.index !== last ? last : undefined;
}

/** Statuses after which a node instance will not change any more (with its retries exhausted). */
const settled = (graph: FlowGraph, n: NodeRunState | undefined) =>
  n !== undefined &&
  (["succeeded", "skipped", "cancelled"].includes(n.status) ||
    (n.status === "failed" && !retriesLeft(graph.nodes.get(n.nodeId)!, n)));

/** The top level, and every iteration of a running loop that has not finished yet. */
export function scopes(pass: Pass): Scope[] {
  const scopes: Scope[] = [{ loopId: null, path: [] }];
  for (const n of pass.atWork()) {
    if (!n.loop || n.status !== "running") continue;
    // concat: a spread would reserve room for 17 elements, and every instance keeps its path.
    for (const i of pass.index().openIterations(n)) scopes.push({ loopId: n.nodeId, path: n.path.concat(i) });
  }
  return scopes;
}

export function members(graph: FlowGraph, scope: Scope): FlowNode[] {
  return graph.children.get(scope.loopId ?? "") ?? [];
}

/** A loop starts: forEach evaluates its list in the runtime (an execute); repeat starts its first pass now. */
export function startLoop(pass: Pass, node: FlowNode, path: number[]): "evaluate" | "iterating" {
  const loop = parseNodeData(loopDataSchema, node.data).data;
  if (loop?.mode !== "repeat") return "evaluate";
  pass.decide({ type: "loop.iteration", ...ref(node.id, path), data: { index: 0 } });
  return "iterating";
}

/** When every node of an iteration has settled, record its output (its last nodes' outputs). */
export function finishIteration(pass: Pass, scope: Scope): boolean {
  const graph = pass.graph;
  const inScope = members(graph, scope);
  if (!inScope.every((n) => settled(graph, pass.instance(n.id, scope.path)))) return false;
  const exits = inScope.filter((n) => (graph.outbound.get(n.id) ?? []).length === 0);
  const outputs = exits
    .map((n) => pass.instance(n.id, scope.path)!)
    .filter((n) => n.status === "succeeded" || n.status === "failed")
    .map((n) => [n.nodeId, n.output ?? null] as const);
  const output = outputs.length === 0 ? null : outputs.length === 1 ? outputs[0]![1] : Object.fromEntries(outputs);
  const loopPath = scope.path.slice(0, -1);
  const index = scope.path.at(-1)!;
  const loop = pass.instance(scope.loopId!, loopPath)!;
  const repeat = loop.loop?.items === undefined;
  // repeat: `until` answered in this pass when it can be, else by the runtime (a loop.until follows).
  const done = repeat ? pass.untilNow?.(pass.state, loop.nodeId, loopPath, index, output) : undefined;
  pass.decide({
    type: "loop.iterated",
    ...ref(scope.loopId!, loopPath),
    data: done === undefined ? { index, output } : { index, output, done },
  });
  if (repeat && done === undefined)
    pass.commands.push({ type: "evaluate-until", nodeId: loop.nodeId, path: loop.path, index });
  return true;
}

/** Moves a running loop on: starts iterations up to its concurrency, or finishes it. */
export function advanceLoop(pass: Pass, n: NodeRunState): boolean {
  const config = parseNodeData(loopDataSchema, pass.graph.nodes.get(n.nodeId)?.data);
  const progress = n.loop!;
  if (!config.success) return false;
  const { maxIterations, concurrency } = config.data;

  if (progress.items !== undefined) {
    const total = progress.items.length;
    const done = pass.index().finishedIterations(n);
    if (total > maxIterations) {
      pass.fail(n, `the list has ${total} items, more than maxIterations (${maxIterations})`);
      return true;
    }
    if (done === total) {
      pass.succeed(
        n,
        Array.from({ length: total }, (_, i) => progress.outputs[i] ?? null),
        ["out"],
      );
      return true;
    }
    if (progress.started < total && progress.started - done < concurrency) {
      iterate(pass, n, progress.started);
      return true;
    }
    return false;
  }
  // repeat: after each pass, `until` (evaluated by the runtime) decides.
  const last = progress.started - 1;
  if (last < 0 || !(last in progress.outputs) || progress.checked?.index !== last) return false;
  const stop = progress.checked.done ? "until" : progress.started >= maxIterations ? "max" : undefined;
  if (!stop) {
    iterate(pass, n, progress.started);
    return true;
  }
  pass.succeed(n, { last: progress.outputs[last] ?? null, iterations: progress.started, stoppedBy: stop }, ["out"]);
  return true;
}

function iterate(pass: Pass, loop: NodeRunState, index: number) {
  pass.decide({ type: "loop.iteration", ...ref(loop.nodeId, loop.path), data: { index } });
}
