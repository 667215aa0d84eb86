import { agentKind } from "./agent";
import { approvalKind } from "./approval";
import { branchKind } from "./branch";
import { endKind } from "./end";
import { httpKind } from "./http";
import { joinKind } from "./join";
import type { NodeKind } from "./kind";
import { loopKind } from "./loop";
import { parallelKind } from "./parallel";
import { startKind } from "./start";
import { transformKind } from "./transform";

export { outputHandles } from "./kind";

/**
 * Every node kind the contract knows. Adding a kind: one module here, its executor in
 * server/engine/runtime/executors, its card in components/editor/nodes.
 */
export const nodeKinds = {
  start: startKind,
  agent: agentKind,
  transform: transformKind,
  http: httpKind,
  branch: branchKind,
  parallel: parallelKind,
  join: joinKind,
  loop: loopKind,
  approval: approvalKind,
  end: endKind,
} as const;

export type NodeType = keyof typeof nodeKinds;
export const nodeTypes = Object.keys(nodeKinds) as NodeType[];

export function isNodeType(type: string): type is NodeType {
  return Object.hasOwn(nodeKinds, type);
}

export function nodeKind(type: NodeType): NodeKind<NodeType, unknown> {
  return nodeKinds[type] as NodeKind<NodeType, unknown>;
}
