import { stepSettings } from "../flow/kinds/step-settings";
import { retriesLeft } from "./retries";
import { nodeKey, type RunState } from "./state";

/** The nodes of the run's snapshot by id: the engine's compiled graph, the run view's canvas. */
export type NodesById = ReadonlyMap<string, { data: Record<string, unknown> }>;

/**
 * Whether an edge carries its source's result: `active` (its handle was taken), `dead` (the
 * source finished without it, was skipped or cancelled) or `unresolved` (not finished yet, or
 * failed in a way that fails the run or is retried). Dead edges are how untaken paths get
 * skipped. The one rule: the engine starts and skips nodes by it, the run view paints by it.
 */
export type EdgeState = "active" | "dead" | "unresolved";

export function edgeState(
  nodes: NodesById,
  state: RunState,
  edge: { source: string; sourceHandle: string },
  path: readonly number[],
): EdgeState {
  const source = state.nodes[nodeKey(edge.source, path)];
  switch (source?.status) {
    case "succeeded":
      return source.handles?.includes(edge.sourceHandle) ? "active" : "dead";
    case "skipped":
    case "cancelled":
      return "dead";
    case "failed": {
      const node = nodes.get(edge.source);
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

/** How an edge looks in a run view. */
export type EdgePaint = "idle" | "taken" | "active" | "dead";

/**
 * `edgeState` as the run view shows it: an active edge is `active` while its target runs (or
 * waits, or retries) and `taken` otherwise; an unresolved one is `idle`.
 */
export function edgePaint(
  nodes: NodesById,
  state: RunState,
  edge: { source: string; sourceHandle?: string | null; target: string },
  path: readonly number[],
): EdgePaint {
  const resolved = edgeState(nodes, state, { source: edge.source, sourceHandle: edge.sourceHandle ?? "out" }, path);
  if (resolved === "dead") return "dead";
  if (resolved === "unresolved") return "idle";
  const target = state.nodes[nodeKey(edge.target, path)]?.status;
  return target === "running" || target === "waiting" || target === "retrying" ? "active" : "taken";
}
