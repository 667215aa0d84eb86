import type { FlowDocument, FlowNode } from "./document";

/** One thing an expression can refer to at a given node, as the picker offers it. */
export interface ScopeEntry {
  /** What gets inserted, e.g. `nodes.classify.output`. */
  expression: string;
  /** Who or what it is, for people: a node's label, "Run input"… */
  label: string;
  detail: string;
  group: "Run" | "Previous steps" | "Loop";
}

const labelOf = (node: FlowNode) => (typeof node.data.label === "string" && node.data.label) || node.id;

/**
 * What is in scope for an expression of node `nodeId` (flow-format.md, "Expressions"): the run
 * input and its declared fields, `prev`, the outputs of the nodes upstream (in its own loop
 * body and, outwards, upstream of each enclosing loop), the loop variables, `run`. A loop's own
 * `until` also sees `iteration` and the pass's output as `prev`.
 */
export function scopeAt(doc: FlowDocument, nodeId: string): ScopeEntry[] {
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const node = byId.get(nodeId);
  if (!node) return [];
  const entries: ScopeEntry[] = [
    { expression: "input", label: "Run input", detail: "everything the run was started with", group: "Run" },
  ];
  for (const start of doc.nodes.filter((n) => n.type === "start")) {
    for (const field of (start.data.inputs as { name?: unknown; type?: unknown }[] | undefined) ?? []) {
      if (typeof field.name !== "string" || !field.name) continue;
      entries.push({
        expression: `input.${field.name}`,
        label: field.name,
        detail: `run input field (${String(field.type ?? "any")})`,
        group: "Run",
      });
    }
  }
  entries.push({
    expression: "prev",
    label: "Previous output",
    detail: "the output of the step before (several: keyed by id)",
    group: "Previous steps",
  });

  const upstream: FlowNode[] = [];
  const seen = new Set<string>();
  const visit = (id: string) => {
    for (const edge of doc.edges) {
      if (edge.target !== id || seen.has(edge.source)) continue;
      seen.add(edge.source);
      const source = byId.get(edge.source);
      if (source) upstream.push(source);
      visit(edge.source);
    }
  };
  // Outwards through the enclosing loops: each loop's upstream is visible to its body.
  const loops: FlowNode[] = [];
  for (let at: FlowNode | undefined = node; at; at = at.parentId ? byId.get(at.parentId) : undefined) {
    visit(at.id);
    if (at !== node && at.type === "loop") loops.push(at);
  }
  for (const source of upstream) {
    if (source.type === "start") continue; // its output is `input`
    entries.push({
      expression: `nodes.${source.id}.output`,
      label: labelOf(source),
      detail: `output of ${source.type} "${source.id}"`,
      group: "Previous steps",
    });
  }

  const innermost = loops[0];
  if (innermost?.data.mode === "repeat" || (node.type === "loop" && node.data.mode === "repeat")) {
    entries.push({ expression: "iteration", label: "Iteration", detail: "the pass number, from 0", group: "Loop" });
  } else if (innermost) {
    entries.push(
      { expression: "item", label: "Item", detail: `the current item of "${labelOf(innermost)}"`, group: "Loop" },
      { expression: "index", label: "Index", detail: "the item's position, from 0", group: "Loop" },
    );
  }
  entries.push(
    { expression: "run.id", label: "Run id", detail: "this run's id", group: "Run" },
    { expression: "run.startedAt", label: "Started at", detail: "when the run started (ISO time)", group: "Run" },
    { expression: "run.startedBy", label: "Started by", detail: "who or what started the run", group: "Run" },
  );
  return entries;
}
