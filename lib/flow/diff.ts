import type { FlowDocument } from "./document";

/** What changed from one flow document to another (api.md "Flows and versions": /diff). */
export interface FlowDiff {
  nodes: { added: string[]; removed: string[]; changed: { id: string; fields: string[] }[] };
  edges: { added: string[]; removed: string[] };
}

/**
 * Nodes and edges by id: added, removed, and for nodes in both, the paths of the fields that
 * differ ("data.prompt", "data.cases.0.condition", "position", "parentId"). An edge whose ends
 * or handles changed counts as removed and added: it is another connection.
 */
export function diffFlows(from: FlowDocument, to: FlowDocument): FlowDiff {
  const before = new Map(from.nodes.map((n) => [n.id, n]));
  const after = new Map(to.nodes.map((n) => [n.id, n]));
  const changed: FlowDiff["nodes"]["changed"] = [];
  for (const [id, node] of after) {
    const old = before.get(id);
    if (!old) continue;
    const fields = [
      ...(old.type !== node.type ? ["type"] : []),
      ...(old.parentId !== node.parentId ? ["parentId"] : []),
      ...(old.position.x !== node.position.x || old.position.y !== node.position.y ? ["position"] : []),
      ...differingPaths(old.data, node.data, "data"),
    ];
    if (fields.length > 0) changed.push({ id, fields });
  }
  const edgeKey = (e: FlowDocument["edges"][number]) =>
    `${e.id}|${e.source}|${e.sourceHandle}|${e.target}|${e.targetHandle}`;
  const edgesBefore = new Set(from.edges.map(edgeKey));
  const edgesAfter = new Set(to.edges.map(edgeKey));
  return {
    nodes: {
      added: to.nodes.filter((n) => !before.has(n.id)).map((n) => n.id),
      removed: from.nodes.filter((n) => !after.has(n.id)).map((n) => n.id),
      changed,
    },
    edges: {
      added: to.edges.filter((e) => !edgesBefore.has(edgeKey(e))).map((e) => e.id),
      removed: from.edges.filter((e) => !edgesAfter.has(edgeKey(e))).map((e) => e.id),
    },
  };
}

/** Whether nothing differs. */
export const isEmptyDiff = (d: FlowDiff) =>
  d.nodes.added.length +
    d.nodes.removed.length +
    d.nodes.changed.length +
    d.edges.added.length +
    d.edges.removed.length ===
  0;

/** The paths under `path` where `a` and `b` differ, down to the first level where one side is not an object or array. */
function differingPaths(a: unknown, b: unknown, path: string): string[] {
  if (Object.is(a, b)) return [];
  const container = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
  if (!container(a) || !container(b) || Array.isArray(a) !== Array.isArray(b)) return [path];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].sort().flatMap((key) => differingPaths(a[key], b[key], `${path}.${key}`));
}
