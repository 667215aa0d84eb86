import { agentKind } from "./agent";
import { approvalKind } from "./approval";
import { branchKind } from "./branch";
import { delayKind } from "./delay";
import { endKind } from "./end";
import { httpKind } from "./http";
import { joinKind } from "./join";
import type { InboundRule, NodeKind } from "./kind";
import { loopKind } from "./loop";
import { parallelKind } from "./parallel";
import { parseNodeData } from "./parsed";
import { startKind } from "./start";
import { subflowKind } from "./subflow";
import { transformKind } from "./transform";
import { waitKind } from "./wait";

export { type InboundRule, type OutputHandle, outputHandleIds, outputHandles, successHandles } from "./kind";

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
  subflow: subflowKind,
  delay: delayKind,
  wait: waitKind,
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

/** Whether a node of this type reaches outside the run (see NodeKind.effects); unknown types are assumed to. */
export function effectsOf(type: string): NodeKind["effects"] {
  return isNodeType(type) ? nodeKind(type).effects : "outside";
}

const waitForAll: InboundRule = { waitFor: "all", cancelRemaining: false };

/**
 * How a node fires when several paths lead into it, as its kind declares from its data (parsed,
 * defaults applied). A kind that declares nothing, or data that does not parse, waits for all.
 */
export function inboundRule(type: string, data: unknown): InboundRule {
  const kind = isNodeType(type) ? nodeKind(type) : undefined;
  if (!kind?.inbound) return waitForAll;
  const parsed = parseNodeData(kind.dataSchema, data);
  return parsed.success ? kind.inbound(parsed.data) : waitForAll;
}
