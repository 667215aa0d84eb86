import type { FlowEdge } from "../../../lib/flow/document";
import { stepSettings } from "../../../lib/flow/kinds/step-settings";
import { nodeKey, type RunState } from "../../../lib/run/state";
import type { FlowGraph } from "./graph";
import { retriesLeft } from "./retries";

export type EdgeState = "active" | "dead" | "unresolved";

/**
 * Whether an edge carries its source's result. A finished source makes each outgoing edge
 * active (its handle was taken) or dead; dead edges are how untaken paths get skipped.
 */
export function edgeState(graph: FlowGraph, state: RunState, edge: FlowEdge, path: readonly number[]): EdgeState {
  const source = state.nodes[nodeKey(edge.source, path)];
  switch (source?.status) {
    case "succeeded":
      return source.handles?.includes(edge.sourceHandle) ? "active" : "dead";
    case "skipped":
    case "cancelled":
      return "dead";
    case "failed": {
      const node = graph.nodes.get(edge.source);
      if (!node || retriesLeft(node, source)) return "unresolved";
      const { onError } = stepSettings(node.data);
      if (onError === "continue") return edge.sourceHandle === "out" ? "active" : "dead";
      if (onError === "route") return edge.sourceHandle === "error" ? "active" : "dead";
      return "unresolved"; // the run fails
    }
    default:
      return "unresolved";
  }
}
