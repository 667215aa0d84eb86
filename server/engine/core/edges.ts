import type { FlowEdge } from "../../../lib/flow/document";
import { type EdgeState, edgeState as edgeStateOf } from "../../../lib/run/edges";
import type { RunState } from "../../../lib/run/state";
import type { FlowGraph } from "./graph";

export type { EdgeState };

/** lib/run/edges.ts's rule over the run's compiled graph: the one the run view paints with. */
export function edgeState(graph: FlowGraph, state: RunState, edge: FlowEdge, path: readonly number[]): EdgeState {
  return edgeStateOf(graph.nodes, state, edge, path);
}
