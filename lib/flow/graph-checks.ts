import { compensationHandlers } from "./compensation";
import type { FlowDocument } from "./document";
import { expressionProblems } from "./expression-fields";
import { isNodeType, nodeKind, outputHandleIds } from "./kinds";
import type { FlowProblem } from "./problems";

/**
 * Checks that need the whole graph: ids, edges, handles, one start, cycles. Run on a document
 * that already passed flowDocumentSchema. Saving a draft shows these as warnings; a run
 * refuses to start while any remains.
 */
export function graphProblems(doc: FlowDocument): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const error = (p: Omit<FlowProblem, "severity">) => problems.push({ severity: "error", ...p });
  const nodes = new Map<string, FlowDocument["nodes"][number]>();

  doc.nodes.forEach((node, i) => {
    if (nodes.has(node.id))
      error({ path: ["nodes", i, "id"], nodeId: node.id, message: `the id "${node.id}" is used twice` });
    nodes.set(node.id, node);
  });
  doc.nodes.forEach((node, i) => {
    if (node.parentId === undefined) return;
    const parent = nodes.get(node.parentId);
    if (parent?.type !== "loop") {
      error({
        path: ["nodes", i, "parentId"],
        nodeId: node.id,
        message: `"${node.parentId}" is not a loop, so it cannot contain nodes`,
      });
    } else if (["start", "end"].includes(node.type)) {
      error({ path: ["nodes", i, "type"], nodeId: node.id, message: `a ${node.type} node cannot be inside a loop` });
    } else if (containedIn(nodes, node.parentId, node.id)) {
      error({
        path: ["nodes", i, "parentId"],
        nodeId: node.id,
        message: "loops cannot contain each other in a circle",
      });
    }
  });
  for (const [i, node] of doc.nodes.entries()) {
    if (node.type === "loop" && !doc.nodes.some((n) => n.parentId === node.id)) {
      error({ path: ["nodes", i], nodeId: node.id, message: "a loop needs at least one node inside it" });
    }
  }

  const starts = doc.nodes.filter((n) => n.type === "start");
  if (starts.length === 0) error({ path: ["nodes"], message: "the flow needs a start node" });
  for (const extra of starts.slice(1)) {
    error({
      path: ["nodes", doc.nodes.indexOf(extra)],
      nodeId: extra.id,
      message: "a flow has exactly one start node",
    });
  }
  if (!doc.nodes.some((n) => n.type === "end")) error({ path: ["nodes"], message: "the flow needs an end node" });

  const edgeIds = new Set<string>();
  const connections = new Set<string>();
  const inbound = new Map<string, number>();
  const outbound = new Map<string, string[]>();
  doc.edges.forEach((edge, i) => {
    const at = (field: string) => ({ path: ["edges", i, field], edgeId: edge.id });
    if (edgeIds.has(edge.id)) error({ ...at("id"), message: `the edge id "${edge.id}" is used twice` });
    edgeIds.add(edge.id);
    const source = nodes.get(edge.source);
    const target = nodes.get(edge.target);
    if (!source) error({ ...at("source"), message: `the source node "${edge.source}" does not exist` });
    if (!target) error({ ...at("target"), message: `the target node "${edge.target}" does not exist` });
    if (!source || !target) return;
    if (isNodeType(source.type)) {
      const handles = outputHandleIds(nodeKind(source.type), source.data);
      if (!handles.includes(edge.sourceHandle)) {
        error({ ...at("sourceHandle"), message: `a ${source.type} node has no output "${edge.sourceHandle}"` });
      }
    }
    if (isNodeType(target.type) && !nodeKind(target.type).inputs.includes(edge.targetHandle)) {
      error({ ...at("targetHandle"), message: `a ${target.type} node has no input "${edge.targetHandle}"` });
    }
    if (source.parentId !== target.parentId) {
      error({
        ...at("target"),
        message: "an edge cannot cross a loop's border: connect the loop itself, or nodes inside the same loop",
      });
    }
    const key = `${edge.source}:${edge.sourceHandle}->${edge.target}:${edge.targetHandle}`;
    if (connections.has(key)) error({ ...at("id"), message: "this connection already exists" });
    connections.add(key);
    inbound.set(edge.target, (inbound.get(edge.target) ?? 0) + 1);
    outbound.set(edge.source, [...(outbound.get(edge.source) ?? []), edge.target]);
  });

  doc.nodes.forEach((node, i) => {
    if (!isNodeType(node.type)) return;
    for (const p of expressionProblems(node.type, node.data)) {
      error({ path: ["nodes", i, "data", ...p.path], nodeId: node.id, message: p.message });
    }
    // Inside a loop, a node nothing leads to is where each iteration begins.
    if (node.parentId === undefined && nodeKind(node.type).inputs.length > 0 && !inbound.has(node.id)) {
      problems.push({
        severity: "warning",
        path: ["nodes", i],
        nodeId: node.id,
        message: "nothing leads to this node, so it will be skipped",
      });
    }
  });

  problems.push(...compensationProblems(doc));

  const cycle = findCycle([...nodes.keys()], outbound);
  if (cycle) {
    error({
      path: ["edges"],
      nodeId: cycle[0],
      message: `these nodes form a cycle outside a loop: ${cycle.join(" → ")}`,
    });
  }
  return problems;
}

/** Whether `id` is among the containers enclosing `from` (a parentId circle). */
function containedIn(nodes: Map<string, FlowDocument["nodes"][number]>, from: string | undefined, id: string): boolean {
  const seen = new Set<string>();
  for (let at = from; at !== undefined && !seen.has(at); at = nodes.get(at)?.parentId) {
    if (at === id) return true;
    seen.add(at);
  }
  return false;
}

/** A cycle as a list of node ids (first repeated at the end), or undefined. */
function findCycle(ids: string[], outbound: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === "done") return undefined;
    if (state.get(id) === "visiting") return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, "visiting");
    stack.push(id);
    for (const next of outbound.get(id) ?? []) {
      const found = visit(next);
      if (found) return found;
    }
    stack.pop();
    state.set(id, "done");
    return undefined;
  };
  for (const id of ids) {
    const found = visit(id);
    if (found) return found;
  }
  return undefined;
}

/**
 * A compensation handler (what a step's `compensate` handle leads to) must be reached only from
 * compensate handles: a node the forward run also reaches would run twice or never. Handlers
 * undo top-level steps: a step inside a loop has no compensate edge.
 */
function compensationProblems(doc: FlowDocument): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const { handlerOf } = compensationHandlers(doc.edges);
  doc.edges.forEach((edge, i) => {
    const source = doc.nodes.find((n) => n.id === edge.source);
    if (edge.sourceHandle === "compensate" && source?.parentId !== undefined)
      problems.push({
        severity: "error",
        path: ["edges", i, "sourceHandle"],
        edgeId: edge.id,
        message: "only steps outside loops can be undone (compensate): move the handler's step out of the loop",
      });
    if (edge.sourceHandle !== "compensate" && !handlerOf.has(edge.source) && handlerOf.has(edge.target))
      problems.push({
        severity: "error",
        path: ["edges", i, "target"],
        edgeId: edge.id,
        message: `"${edge.target}" undoes a step (it is reached from a compensate output), so the forward flow cannot lead to it`,
      });
  });
  return problems;
}
