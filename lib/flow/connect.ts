import type { FlowDocument } from "./document";
import { isNodeType, nodeKind, outputHandleIds } from "./kinds";

export interface Connection {
  source: string;
  sourceHandle: string;
  target: string;
  targetHandle: string;
}

/**
 * Why a new edge may not be drawn, or null when it may: the handles must exist, the edge must
 * be new, and it must not close a cycle (loops are containers, never back edges).
 */
export function connectionProblem(doc: Pick<FlowDocument, "nodes" | "edges">, c: Connection): string | null {
  const source = doc.nodes.find((n) => n.id === c.source);
  const target = doc.nodes.find((n) => n.id === c.target);
  if (!source || !target) return "both ends must be nodes of this flow";
  if (source.id === target.id) return "a node cannot connect to itself";
  if (!isNodeType(source.type) || !outputHandleIds(nodeKind(source.type), source.data).includes(c.sourceHandle)) {
    return `${source.id} has no output "${c.sourceHandle}"`;
  }
  if (!isNodeType(target.type) || !nodeKind(target.type).inputs.includes(c.targetHandle)) {
    return `${target.id} has no input "${c.targetHandle}"`;
  }
  const duplicate = doc.edges.some(
    (e) =>
      e.source === c.source &&
      e.sourceHandle === c.sourceHandle &&
      e.target === c.target &&
      e.targetHandle === c.targetHandle,
  );
  if (duplicate) return "these handles are already connected";
  if (reaches(doc.edges, c.target, c.source)) return "this edge would make a cycle";
  return null;
}

function reaches(edges: FlowDocument["edges"], from: string, to: string): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === to) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const e of edges) if (e.source === id) stack.push(e.target);
  }
  return false;
}

/** A fresh edge id that does not collide with the existing ones. */
export function newEdgeId(doc: Pick<FlowDocument, "edges">, c: Connection): string {
  const base = `e_${c.source}_${c.target}`;
  const ids = new Set(doc.edges.map((e) => e.id));
  if (!ids.has(base)) return base;
  let n = 2;
  while (ids.has(`${base}_${n}`)) n++;
  return `${base}_${n}`;
}
