import type { FlowDocument, FlowEdge, FlowNode } from "../document";
import { type NodeType, nodeKind } from "../kinds";

type NodeSpec = { type: NodeType; at: [number, number]; parent?: string; data?: Record<string, unknown> };

/**
 * A compact way to write a template: nodes with a grid position and config overrides, edges as
 * "source.handle -> target" (".handle" defaults to "out"). Positions are in columns/rows of a
 * 320 × 150 grid, so templates open laid out left to right.
 */
export function template(
  name: string,
  description: string,
  nodes: Record<string, NodeSpec>,
  edges: string[],
): FlowDocument {
  const list: FlowNode[] = Object.entries(nodes).map(([id, spec]) => ({
    id,
    type: spec.type,
    position: { x: spec.at[0] * 320, y: spec.at[1] * 150 },
    ...(spec.parent && { parentId: spec.parent }),
    data: { ...(nodeKind(spec.type).defaultData() as Record<string, unknown>), ...spec.data },
  }));
  const links: FlowEdge[] = edges.map((text, i) => {
    const [from, target] = text.split("->").map((s) => s.trim()) as [string, string];
    const [source, sourceHandle = "out"] = from.split(".") as [string, string?];
    return { id: `e${i + 1}`, source, sourceHandle, target, targetHandle: "in" };
  });
  return { schemaVersion: 1, name, description, nodes: list, edges: links };
}
