import type { Edge, Node } from "@xyflow/react";
import type { FlowDocument } from "@/lib/flow/document";

export type CanvasNode = Node<Record<string, unknown>>;
export type CanvasEdge = Edge;

/** Containers before the nodes inside them, as React Flow needs; otherwise the order is kept. */
export function parentsFirst<T extends { id: string; parentId?: string }>(nodes: readonly T[]): T[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const depth = (n: T): number => {
    let d = 0;
    for (let p = n.parentId; p !== undefined && d < 50; p = byId.get(p)?.parentId) d++;
    return d;
  };
  return nodes
    .map((node, index) => ({ node, index, depth: depth(node) }))
    .sort((a, b) => a.depth - b.depth || a.index - b.index)
    .map((e) => e.node);
}

/** The saved document as React Flow nodes and edges. Node `data` is the kind's config only. */
export function documentToCanvas(doc: FlowDocument): { nodes: CanvasNode[]; edges: CanvasEdge[] } {
  return {
    nodes: parentsFirst(doc.nodes).map((n) => ({
      id: n.id,
      type: n.type,
      position: { ...n.position },
      data: n.data,
      ...(n.parentId && { parentId: n.parentId }),
    })),
    edges: doc.edges.map((e) => ({ ...e })),
  };
}

/** Back to the contract: only the fields the flow file defines, nothing React Flow adds. */
export function canvasToDocument(
  meta: Pick<FlowDocument, "name" | "description" | "settings">,
  nodes: readonly CanvasNode[],
  edges: readonly CanvasEdge[],
): FlowDocument {
  return {
    schemaVersion: 1,
    name: meta.name,
    description: meta.description,
    ...(meta.settings && Object.keys(meta.settings).length > 0 && { settings: meta.settings }),
    nodes: nodes.map((n) => ({
      id: n.id,
      type: n.type ?? "",
      position: { x: Math.round(n.position.x), y: Math.round(n.position.y) },
      ...(n.parentId && { parentId: n.parentId }),
      data: n.data,
    })),
    edges: edges.map((e) => ({
      id: e.id,
      source: e.source,
      sourceHandle: e.sourceHandle ?? "",
      target: e.target,
      targetHandle: e.targetHandle ?? "",
    })),
  };
}
