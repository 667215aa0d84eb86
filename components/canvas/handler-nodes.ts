import { compensationHandlers } from "@/lib/flow/compensation";

/** Per edges array (the editor store replaces it on every change): which step each handler node undoes. */
const memo = new WeakMap<object, Map<string, string>>();

/** The step `nodeId` undoes when it is part of a compensation handler, else undefined. */
export function undoesStep(
  edges: readonly { source: string; sourceHandle?: string | null; target: string }[],
  nodeId: string,
): string | undefined {
  let handlerOf = memo.get(edges);
  if (!handlerOf) {
    handlerOf = compensationHandlers(edges.map((e) => ({ ...e, sourceHandle: e.sourceHandle ?? null }))).handlerOf;
    memo.set(edges, handlerOf);
  }
  return handlerOf.get(nodeId);
}
