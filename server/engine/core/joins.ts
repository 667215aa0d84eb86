import type { FlowNode } from "../../../lib/flow/document";
import { inboundRule } from "../../../lib/flow/kinds";
import { parallelDataSchema } from "../../../lib/flow/kinds/parallel";
import { parseNodeData } from "../../../lib/flow/kinds/parsed";
import type { NodeRunState } from "../../../lib/run/state";
import { exclusiveAncestors, type FlowGraph, splitBranches } from "./graph";
import { members, scopes } from "./loops";
import type { Pass } from "./planner";

const unfinished = new Set(["pending", "running", "retrying", "waiting"]);

/** For a node that fires early (a join in mode any/count): how many active paths fire it. Otherwise undefined. */
export function activeEdgesNeeded(node: FlowNode): number | undefined {
  const { waitFor } = inboundRule(node.type, node.data);
  return waitFor === "all" ? undefined : waitFor;
}

/**
 * Whether `node` begins a branch of a parallel split that already has `maxConcurrency`
 * branches in progress; it starts once one of them has settled.
 */
export function heldBySplit(pass: Pass, node: FlowNode, path: number[]): boolean {
  const graph = pass.graph;
  for (const edge of graph.inbound.get(node.id) ?? []) {
    const split = graph.nodes.get(edge.source);
    if (split?.type !== "parallel") continue;
    const max = parseNodeData(parallelDataSchema, split.data).data?.maxConcurrency;
    if (max === undefined) continue;
    let inProgress = 0;
    for (const [head, branch] of splitBranches(graph, split.id)) {
      if (head === node.id || pass.status(head, path) === "pending") continue;
      if (branch.some((id) => unfinished.has(pass.status(id, path)))) inProgress++;
    }
    if (inProgress >= max) return true;
  }
  return false;
}

/**
 * A join that fired with cancelRemaining stops the paths still heading into it. Joins are
 * looked for where work goes on (the top level, iterations not finished): a finished
 * iteration has nothing left to cancel.
 */
export function cancelRemaining(pass: Pass): boolean {
  if (!cancellingJoins(pass.graph)) return false;
  const before = pass.events.length;
  const fired: NodeRunState[] = [];
  for (const scope of scopes(pass)) {
    for (const node of members(pass.graph, scope)) {
      if (!inboundRule(node.type, node.data).cancelRemaining) continue;
      const n = pass.instance(node.id, scope.path);
      if (n && (n.status === "running" || n.status === "succeeded")) fired.push(n);
    }
  }
  for (const n of pass.index().inMapOrder(fired)) {
    const remaining = exclusiveAncestors(pass.graph, n.nodeId)
      .map((id) => pass.instance(id, n.path))
      .filter((i): i is NodeRunState => i !== undefined);
    pass.cancel(remaining, `${n.nodeId} already has the paths it waited for`);
  }
  return pass.events.length > before;
}

/** Whether any node of the flow cancels remaining paths (most have none: no scan then). */
function cancellingJoins(graph: FlowGraph): boolean {
  graph.cancelling ??= graph.document.nodes.some((n) => inboundRule(n.type, n.data).cancelRemaining);
  return graph.cancelling;
}
