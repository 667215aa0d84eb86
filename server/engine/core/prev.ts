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
