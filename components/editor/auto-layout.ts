import ELK from "elkjs/lib/elk.bundled.js";
import type { FlowDocument } from "@/lib/flow/document";

export interface Size {
  width: number;
  height: number;
}

const elk = new ELK();
const options = {
  "elk.algorithm": "layered",
  "elk.direction": "RIGHT",
  "elk.layered.spacing.nodeNodeBetweenLayers": "80",
  "elk.spacing.nodeNode": "40",
  "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
};
/** Room a loop keeps for its own card above its body. */
const LOOP_HEADER = 120;
const LOOP_PADDING = 20;

/**
 * Positions for every node, left to right: each loop's body is laid out inside the loop
 * (positions relative to it), then the top level with each loop as one box. Returns the
 * positions and the size each loop needs.
 */
export async function autoLayout(
  doc: Pick<FlowDocument, "nodes" | "edges">,
  sizeOf: (id: string) => Size,
): Promise<{ positions: Map<string, { x: number; y: number }>; loopSizes: Map<string, Size> }> {
  const positions = new Map<string, { x: number; y: number }>();
  const loopSizes = new Map<string, Size>();
  const byContainer = new Map<string, FlowDocument["nodes"]>();
  for (const n of doc.nodes) byContainer.set(n.parentId ?? "", [...(byContainer.get(n.parentId ?? "") ?? []), n]);

  const layoutLevel = async (container: string): Promise<Size> => {
    const members = byContainer.get(container) ?? [];
    // Inner loops first: their size is needed here.
    for (const m of members) if (m.type === "loop") loopSizes.set(m.id, await layoutLevel(m.id));
    const ids = new Set(members.map((m) => m.id));
    const graph = await elk.layout({
      id: container || "root",
      layoutOptions: options,
      children: members.map((m) => ({ id: m.id, ...(loopSizes.get(m.id) ?? sizeOf(m.id)) })),
      edges: doc.edges
        .filter((e) => ids.has(e.source) && ids.has(e.target))
        .map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
    });
    let width = 0;
    let height = 0;
    for (const child of graph.children ?? []) {
      const inside = container !== "";
      const x = Math.round((child.x ?? 0) + (inside ? LOOP_PADDING : 0));
      const y = Math.round((child.y ?? 0) + (inside ? LOOP_HEADER : 0));
      positions.set(child.id, { x, y });
      width = Math.max(width, x + (child.width ?? 0));
      height = Math.max(height, y + (child.height ?? 0));
    }
    return { width: Math.max(560, width + LOOP_PADDING), height: Math.max(260, height + LOOP_PADDING) };
  };
  await layoutLevel("");
  return { positions, loopSizes };
}
