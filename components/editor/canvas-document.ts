import type { Edge, Node } from "@xyflow/react";
import type { FlowDocument } from "@/lib/flow/document";

export type CanvasNode = Node<Record<string, unknown>>;
export type CanvasEdge = Edge;

/** The saved document as React Flow nodes and edges. Node `data` is the kind's config only. */
export function documentToCanvas(doc: FlowDocument): { nodes: CanvasNode[]; edges: CanvasEdge[] } {
  // React Flow needs a container before the nodes inside it.
  const depth = (n: FlowDocument["nodes"][number]): number => {
    let d = 0;
    for (let p = n.parentId; p !== undefined && d < 50; p = doc.nodes.find((x) => x.id === p)?.parentId) d++;
    return d;
  };
  const ordered = [...doc.nodes].sort((a, b) => depth(a) - depth(b));
  return {
    nodes: ordered.map((n) => ({
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
  meta: Pick<FlowDocument, "name" | "description">,
  nodes: readonly CanvasNode[],
  edges: readonly CanvasEdge[],
): FlowDocument {
  return {
    schemaVersion: 1,
    name: meta.name,
    description: meta.description,
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
