import type { FlowDocument, FlowEdge, FlowNode } from "../../../lib/flow/document";

/** Lookup tables over a flow snapshot, built once per run. */
export interface FlowGraph {
  document: FlowDocument;
  nodes: Map<string, FlowNode>;
  inbound: Map<string, FlowEdge[]>;
  outbound: Map<string, FlowEdge[]>;
}

export function compileFlow(document: FlowDocument): FlowGraph {
  const nodes = new Map(document.nodes.map((n) => [n.id, n]));
  const inbound = new Map<string, FlowEdge[]>(document.nodes.map((n) => [n.id, []]));
  const outbound = new Map<string, FlowEdge[]>(document.nodes.map((n) => [n.id, []]));
  for (const edge of document.edges) {
    inbound.get(edge.target)?.push(edge);
    outbound.get(edge.source)?.push(edge);
  }
  return { document, nodes, inbound, outbound };
}
