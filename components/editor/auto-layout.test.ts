import { expect, it } from "vitest";
import { flowTemplates } from "@/lib/flow/templates/catalog";
import { autoLayout } from "./auto-layout";

const size = { width: 240, height: 80 };
const overlap = (
  a: { x: number; y: number; w: number; h: number },
  b: { x: number; y: number; w: number; h: number },
) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

it("lays a flow out left to right without overlaps, loop bodies inside their loop", async () => {
  for (const template of flowTemplates) {
    const doc = template.document();
    const { positions, loopSizes } = await autoLayout(doc, () => size);
    expect(positions.size).toBe(doc.nodes.length);
    for (const edge of doc.edges) expect(positions.get(edge.source)!.x).toBeLessThan(positions.get(edge.target)!.x);
    const level = (parent: string | undefined) =>
      doc.nodes
        .filter((n) => n.parentId === parent)
        .map((n) => ({
          ...positions.get(n.id)!,
          w: loopSizes.get(n.id)?.width ?? size.width,
          h: loopSizes.get(n.id)?.height ?? size.height,
        }));
    for (const parent of [undefined, ...doc.nodes.filter((n) => n.type === "loop").map((n) => n.id)]) {
      const boxes = level(parent);
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++) expect(overlap(boxes[i]!, boxes[j]!)).toBe(false);
    }
    for (const child of doc.nodes.filter((n) => n.parentId)) {
      const p = positions.get(child.id)!;
      const loop = loopSizes.get(child.parentId!)!;
      expect(p.x + size.width).toBeLessThanOrEqual(loop.width);
      expect(p.y + size.height).toBeLessThanOrEqual(loop.height);
    }
  }
});
