import { type NodeRunState, nodeKey, type RunState } from "../../../lib/run/state";
import type { FlowGraph } from "./graph";

/**
 * Compensation (saga, flow-format.md "Additions"): the steps whose handlers undo them when the
 * run fails, is cancelled with `compensate: true`, or reaches an end that asks for it.
 */

/** The succeeded steps that have a handler, latest completed first (a tie: the later in the flow first). */
export function compensationSteps(graph: FlowGraph, state: RunState): string[] {
  const order = (id: string) => graph.document.nodes.findIndex((n) => n.id === id);
  return [...graph.handlers.keys()]
    .filter((id) => state.nodes[nodeKey(id)]?.status === "succeeded")
    .sort((a, b) => {
      const at = (id: string) => Date.parse(state.nodes[nodeKey(id)]?.finishedAt ?? "") || 0;
      return at(b) - at(a) || order(b) - order(a);
    });
}

/** Whether a handler node will change no more: finished, skipped, cancelled, or failed for good. */
export function settledHandlerNode(node: NodeRunState | undefined): boolean {
  if (!node) return false;
  return (
    node.status === "succeeded" || node.status === "failed" || node.status === "skipped" || node.status === "cancelled"
  );
}

/** `compensating` in a handler node's expressions: the step it undoes, that step's output, and why. */
export function compensatingScope(graph: FlowGraph, state: RunState, nodeId: string) {
  const step = graph.handlerOf.get(nodeId);
  if (step === undefined || !state.compensation) return {};
  return {
    compensating: {
      nodeId: step,
      output: state.nodes[nodeKey(step)]?.output ?? null,
      reason: state.compensation.reason,
    },
  };
}
