import { z } from "zod";
import { type FlowDocument, type FlowEdge, type FlowNode, flowEdgeSchema, flowNodeSchema } from "./document";

/** What Copy puts on the clipboard: plain JSON, so it pastes into another flow, tab or browser. */
export const clipboardSchema = z.strictObject({
  switchyard: z.literal("nodes"),
  version: z.literal(1),
  nodes: z.array(flowNodeSchema).max(2_000),
  edges: z.array(flowEdgeSchema).max(10_000),
});
export type ClipboardPayload = z.infer<typeof clipboardSchema>;

/** The selected nodes (with everything inside selected loops) and the edges among them. */
export function copyNodes(doc: Pick<FlowDocument, "nodes" | "edges">, ids: readonly string[]): ClipboardPayload {
  const chosen = new Set(ids);
  let grew = true;
  while (grew) {
    grew = false;
    for (const n of doc.nodes) {
      if (n.parentId && chosen.has(n.parentId) && !chosen.has(n.id)) {
        chosen.add(n.id);
        grew = true;
      }
    }
  }
  return {
    switchyard: "nodes",
    version: 1,
    nodes: doc.nodes.filter((n) => chosen.has(n.id)),
    edges: doc.edges.filter((e) => chosen.has(e.source) && chosen.has(e.target)),
  };
}

/** Reads clipboard text; anything that is not a Switchyard copy is null (pasting it does nothing). */
export function readClipboard(text: string): ClipboardPayload | null {
  try {
    const parsed = clipboardSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * New nodes and edges for pasting `payload` into `doc`: fresh ids (never clashing, so
 * references stay unambiguous), positions shifted by `offset`, edges and loop membership
 * remapped. A node whose loop was not copied lands at the top level.
 */
export function pasteNodes(
  doc: Pick<FlowDocument, "nodes" | "edges">,
  payload: ClipboardPayload,
  offset: { x: number; y: number },
): { nodes: FlowNode[]; edges: FlowEdge[] } {
  const taken = new Set([...doc.nodes.map((n) => n.id)]);
  const fresh = (base: string) => {
    const stem = base.replace(/_\d+$/, "");
    let i = 1;
    while (taken.has(`${stem}_${i}`)) i++;
    taken.add(`${stem}_${i}`);
    return `${stem}_${i}`;
  };
  const ids = new Map(payload.nodes.map((n) => [n.id, fresh(n.type)]));
  const nodes = payload.nodes.map((n): FlowNode => {
    const parentId = n.parentId && ids.get(n.parentId);
    return {
      ...n,
      id: ids.get(n.id)!,
      position: parentId ? n.position : { x: n.position.x + offset.x, y: n.position.y + offset.y },
      ...(parentId ? { parentId } : { parentId: undefined }),
    };
  });
  const edgeIds = new Set(doc.edges.map((e) => e.id));
  const edges = payload.edges.map((e): FlowEdge => {
    const source = ids.get(e.source)!;
    const target = ids.get(e.target)!;
    let id = `e_${source}_${target}`;
    for (let i = 2; edgeIds.has(id); i++) id = `e_${source}_${target}_${i}`;
    edgeIds.add(id);
    return { ...e, id, source, target };
  });
  return { nodes: nodes.map(({ parentId, ...rest }) => (parentId ? { ...rest, parentId } : rest)), edges };
}
