import { nodeKey, type RunState } from "../../../lib/run/state";
import { compensatingScope } from "./compensation";
import type { FlowGraph } from "./graph";
import { openIndex } from "./open-index";

/**
 * `prev` in the expression context: the output of the node's single predecessor (in the same
 * loop iteration), or, with several, an object keyed by predecessor id. A node that begins a
 * loop's body sees what the loop itself received.
 */
export function previousOutput(
  graph: FlowGraph,
  state: RunState,
  nodeId: string,
  path: readonly number[] = [],
): unknown {
  const inbound = graph.inbound.get(nodeId) ?? [];
  const parent = graph.nodes.get(nodeId)?.parentId;
  if (inbound.length === 0 && parent !== undefined) return previousOutput(graph, state, parent, path.slice(0, -1));
  const sources = [...new Set(inbound.map((e) => e.source))].filter(
    (id) => state.nodes[nodeKey(id, path)]?.status === "succeeded",
  );
  if (sources.length === 0) return null;
  if (sources.length === 1) return state.nodes[nodeKey(sources[0]!, path)]?.output ?? null;
  return Object.fromEntries(sources.map((id) => [id, state.nodes[nodeKey(id, path)]?.output ?? null]));
}

/**
 * `nodes.<id>.output`: finished nodes outside and, inside a loop, of the current iteration.
 * Looks only at the instances on `path`'s way out (the top level, each enclosing iteration),
 * outermost first; a node id lives at one depth, so each is found once.
 */
export function finishedOutputs(state: RunState, path: readonly number[] = []): Record<string, { output: unknown }> {
  const result: Record<string, { output: unknown }> = {};
  const index = openIndex(state);
  for (let depth = 0; depth <= path.length; depth++) {
    for (const key of index.at(path.slice(0, depth))) {
      const node = state.nodes[key];
      if (node?.status === "succeeded") result[node.nodeId] = { output: node.output };
    }
  }
  return result;
}

/** The context expressions see (flow-format.md, "Expressions"). */
export function expressionContext(
  graph: FlowGraph,
  state: RunState,
  nodeId: string,
  runId: string,
  path: readonly number[] = [],
) {
  const context = { input: state.input ?? {}, prev: previousOutput(graph, state, nodeId, path) };
  // Most expressions never read `nodes`: it is gathered when first read.
  let nodes: Record<string, { output: unknown }> | undefined;
  Object.defineProperty(context, "nodes", {
    enumerable: true,
    configurable: true,
    get() {
      nodes ??= finishedOutputs(state, path);
      return nodes;
    },
  });
  return Object.assign(context as typeof context & { nodes: Record<string, { output: unknown }> }, {
    run: { id: runId, startedAt: state.startedAt, startedBy: state.startedBy },
    ...loopVariables(graph, state, nodeId, path),
    ...compensatingScope(graph, state, nodeId),
  });
}

/** `item` and `index` (forEach) or `iteration` (repeat) of the innermost enclosing loop. */
function loopVariables(graph: FlowGraph, state: RunState, nodeId: string, path: readonly number[]) {
  const loopId = graph.nodes.get(nodeId)?.parentId;
  if (loopId === undefined || path.length === 0) return {};
  const index = path.at(-1)!;
  const loop = state.nodes[nodeKey(loopId, path.slice(0, -1))]?.loop;
  if (loop?.items) return { item: loop.items[index] ?? null, index };
  return { iteration: index };
}

/** A join's output: the outputs of the paths that arrived, keyed by source node id. */
export function joinedOutputs(
  graph: FlowGraph,
  state: RunState,
  nodeId: string,
  path: readonly number[] = [],
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const edge of graph.inbound.get(nodeId) ?? []) {
    const source = state.nodes[nodeKey(edge.source, path)];
    if (source?.status === "succeeded" && source.handles?.includes(edge.sourceHandle))
      result[edge.source] = source.output ?? null;
  }
  return result;
}
