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

/** The flow ids a document's sub-flow nodes call. */
export function calledFlowIds(document: Pick<FlowDocument, "nodes">): string[] {
  const ids = document.nodes.flatMap((n) =>
    n.type === "subflow" && typeof n.data.flowId === "string" && n.data.flowId ? [n.data.flowId] : [],
  );
  return [...new Set(ids)];
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
  document.nodes.forEach((node, index) => {
    if (node.type !== "subflow" || typeof node.data.flowId !== "string" || !node.data.flowId) return;
    const at = { nodeId: node.id, path: ["nodes", index, "data", "flowId"] };
    const target = targets.get(node.data.flowId);
    const version = node.data.version ?? "published";
    if (!target) {
      problems.push({ ...at, severity: "error", message: "the flow it calls does not exist in this workspace" });
      return;
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
        path: ["nodes", index, "data", "version"],
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
  });
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
