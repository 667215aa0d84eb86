import { nodeKey, type RunState } from "../../../lib/run/state";
import type { FlowGraph } from "./graph";

/**
 * `prev` in the expression context: the output of the node's single active predecessor, or,
 * with several, an object keyed by predecessor id.
 */
export function previousOutput(graph: FlowGraph, state: RunState, nodeId: string): unknown {
  const sources = [...new Set((graph.inbound.get(nodeId) ?? []).map((e) => e.source))].filter(
    (id) => state.nodes[nodeKey(id)]?.status === "succeeded",
  );
  if (sources.length === 0) return null;
  if (sources.length === 1) return state.nodes[nodeKey(sources[0]!)]?.output ?? null;
  return Object.fromEntries(sources.map((id) => [id, state.nodes[nodeKey(id)]?.output ?? null]));
}

/** `nodes.<id>.output` in the expression context. */
export function finishedOutputs(state: RunState): Record<string, { output: unknown }> {
  const result: Record<string, { output: unknown }> = {};
  for (const [key, node] of Object.entries(state.nodes)) {
    if (node.status === "succeeded" && !key.includes("#")) result[key] = { output: node.output };
  }
  return result;
}

/** The context expressions see (flow-format.md, "Expressions"). */
export function expressionContext(graph: FlowGraph, state: RunState, nodeId: string, runId: string) {
  return {
    input: state.input ?? {},
    prev: previousOutput(graph, state, nodeId),
    nodes: finishedOutputs(state),
    run: { id: runId },
  };
}

/** A join's output: the outputs of the paths that arrived, keyed by source node id. */
export function joinedOutputs(graph: FlowGraph, state: RunState, nodeId: string): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const edge of graph.inbound.get(nodeId) ?? []) {
    const source = state.nodes[nodeKey(edge.source)];
    if (source?.status === "succeeded" && source.handles?.includes(edge.sourceHandle))
      result[edge.source] = source.output ?? null;
  }
  return result;
}
