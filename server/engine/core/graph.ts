import { compensationHandlers } from "../../../lib/flow/compensation";
import type { FlowDocument, FlowEdge, FlowNode } from "../../../lib/flow/document";

/** Lookup tables over a flow snapshot, built once per run. */
export interface FlowGraph {
  document: FlowDocument;
  nodes: Map<string, FlowNode>;
  inbound: Map<string, FlowEdge[]>;
  outbound: Map<string, FlowEdge[]>;
  /** Nodes by container: "" for the top level, a loop's id for its body. */
  children: Map<string, FlowNode[]>;
  /** Memo for exclusiveAncestors. */
  exclusive: Map<string, string[]>;
  /** Memo for splitBranches. */
  branches: Map<string, Map<string, string[]>>;
  /** Memo: whether a join cancels remaining paths (planner). */
  cancelling?: boolean;
  /** Memo: whether a parallel split holds branches back (maxConcurrency), see frontier.ts. */
  heldBranches?: boolean;
  /** Memo: each node's position in the document (frontier.ts). */
  positions?: Map<string, number>;
  /** Compensation handlers, by the step they undo: where they begin, and all their nodes. */
  handlers: Map<string, { entries: string[]; nodes: string[] }>;
  /** The step each handler node undoes. */
  handlerOf: Map<string, string>;
}

export function compileFlow(document: FlowDocument): FlowGraph {
  const nodes = new Map(document.nodes.map((n) => [n.id, n]));
  const inbound = new Map<string, FlowEdge[]>(document.nodes.map((n) => [n.id, []]));
  const outbound = new Map<string, FlowEdge[]>(document.nodes.map((n) => [n.id, []]));
  for (const edge of document.edges) {
    inbound.get(edge.target)?.push(edge);
    outbound.get(edge.source)?.push(edge);
  }
  const { handlers, handlerOf } = compensationHandlers(document.edges);
  const children = new Map<string, FlowNode[]>();
  for (const node of document.nodes) {
    // Handler nodes are no part of the forward run: they are not among its members.
    if (handlerOf.has(node.id)) continue;
    const container = node.parentId ?? "";
    children.set(container, [...(children.get(container) ?? []), node]);
  }
  return {
    document,
    nodes,
    inbound,
    outbound,
    children,
    exclusive: new Map(),
    branches: new Map(),
    handlers,
    handlerOf,
  };
}

function reachable(from: string, next: (id: string) => string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...next(from)];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...next(id));
  }
  return seen;
}

const successors = (graph: FlowGraph) => (id: string) => (graph.outbound.get(id) ?? []).map((e) => e.target);
const predecessors = (graph: FlowGraph) => (id: string) => (graph.inbound.get(id) ?? []).map((e) => e.source);

/**
 * The nodes upstream of `nodeId` whose every path leads into it: the "remaining paths" a join
 * with cancelRemaining may cancel without touching work that feeds anything else.
 */
export function exclusiveAncestors(graph: FlowGraph, nodeId: string): string[] {
  const memo = graph.exclusive.get(nodeId);
  if (memo) return memo;
  const ancestors = reachable(nodeId, predecessors(graph));
  const allowed = new Set([...ancestors, nodeId, ...reachable(nodeId, successors(graph))]);
  const result = [...ancestors].filter((id) => [...reachable(id, successors(graph))].every((d) => allowed.has(d)));
  graph.exclusive.set(nodeId, result);
  return result;
}

/**
 * A parallel split's branches: for each node its edges lead to (the branch's head), the nodes
 * only that head reaches, up to where the branches meet (a join, a merge). Used to hold
 * branches back beyond the split's `maxConcurrency`.
 */
export function splitBranches(graph: FlowGraph, splitId: string): Map<string, string[]> {
  const memo = graph.branches.get(splitId);
  if (memo) return memo;
  const heads = [...new Set((graph.outbound.get(splitId) ?? []).map((e) => e.target))];
  const reach = new Map(heads.map((h) => [h, reachable(h, successors(graph))]));
  const branches = new Map<string, string[]>();
  for (const head of heads) {
    const shared = (id: string) => heads.some((h) => h !== head && (h === id || reach.get(h)!.has(id)));
    branches.set(head, [head, ...[...reach.get(head)!].filter((id) => !shared(id))]);
  }
  graph.branches.set(splitId, branches);
  return branches;
}
