import type { FlowDocument } from "./document";
import { MAX_SUBFLOW_DEPTH } from "./kinds/subflow";
import type { FlowProblem } from "./problems";

/** What the checks know of a flow a sub-flow node may call. */
export interface CallTarget {
  id: string;
  name: string;
  publishedVersion: number | null;
  /** The flows its newest published version calls (its sub-flow nodes' flowIds). */
  calls: string[];
}

/** A call a document makes to another flow: a sub-flow node, or an agent's sub-flow tool. */
interface FlowCall {
  nodeId: string;
  flowId: string;
  version: unknown;
  /** Where `flowId` is in the document. */
  path: (string | number)[];
}

/** Every call to another flow a document makes (drafts may be half filled in: those are left out). */
function flowCalls(document: Pick<FlowDocument, "nodes">): FlowCall[] {
  return document.nodes.flatMap((node, index) => {
    const at = ["nodes", index, "data"];
    const { flowId, version, tools } = node.data as { flowId?: unknown; version?: unknown; tools?: unknown };
    if (node.type === "subflow")
      return typeof flowId === "string" && flowId
        ? [{ nodeId: node.id, flowId, version, path: [...at, "flowId"] }]
        : [];
    if (node.type !== "agent" || !Array.isArray(tools)) return [];
    return tools.flatMap((tool: { use?: { kind?: unknown; flowId?: unknown; version?: unknown } }, j) => {
      const use = tool?.use;
      if (use?.kind !== "subflow" || typeof use.flowId !== "string" || !use.flowId) return [];
      return [
        { nodeId: node.id, flowId: use.flowId, version: use.version, path: [...at, "tools", j, "use", "flowId"] },
      ];
    });
  });
}

/** The flow ids a document calls (its sub-flow nodes and sub-flow tools). */
export function calledFlowIds(document: Pick<FlowDocument, "nodes">): string[] {
  return [...new Set(flowCalls(document).map((c) => c.flowId))];
}

/**
 * The problems of a flow's sub-flow calls that only the workspace can tell: a called flow that
 * does not exist, or has no version to run, is an error (a run would fail there); a chain of
 * calls that comes back to this flow is a warning (it runs until the chain is 8 deep).
 */
export function subflowProblems(
  selfId: string,
  document: Pick<FlowDocument, "nodes">,
  targets: ReadonlyMap<string, CallTarget>,
): FlowProblem[] {
  const problems: FlowProblem[] = [];
  for (const call of flowCalls(document)) {
    const at = { nodeId: call.nodeId, path: call.path };
    const target = targets.get(call.flowId);
    const version = call.version ?? "published";
    if (!target) {
      problems.push({ ...at, severity: "error", message: "the flow it calls does not exist in this workspace" });
      continue;
    }
    if (version === "published" && target.publishedVersion === null && target.id !== selfId)
      problems.push({
        ...at,
        severity: "error",
        message: `"${target.name}" has never been published: publish it, or pick a version`,
      });
    else if (typeof version === "number" && (target.publishedVersion ?? 0) < version)
      problems.push({
        ...at,
        path: [...call.path.slice(0, -1), "version"],
        severity: "error",
        message: `"${target.name}" has no version ${version}`,
      });
    const loop = chainBack(selfId, target.id, targets);
    if (loop)
      problems.push({
        ...at,
        severity: "warning",
        message: `calls itself through ${loop.map((id) => targets.get(id)?.name ?? id).join(" → ")}: a run stops with an error once the calls are ${MAX_SUBFLOW_DEPTH} deep`,
      });
  }
  return problems;
}

/** The chain of calls from `from` that reaches `selfId` (breadth first, shortest), or undefined. */
function chainBack(selfId: string, from: string, targets: ReadonlyMap<string, CallTarget>): string[] | undefined {
  const via = new Map<string, string[]>([[from, [from]]]);
  const queue = [from];
  while (queue.length > 0) {
    const id = queue.shift()!;
    const chain = via.get(id)!;
    if (id === selfId) return chain;
    for (const next of targets.get(id)?.calls ?? []) {
      if (via.has(next)) continue;
      via.set(next, [...chain, next]);
      queue.push(next);
    }
  }
  return undefined;
}
