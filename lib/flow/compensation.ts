/**
 * Compensation handlers (flow-format.md, "Compensation"): what a step's `compensate` handle
 * leads to, and everything that leads to, is the step's handler. The one rule for the engine
 * (graph.ts), the checks (graph-checks.ts) and the canvas. A node two handlers reach belongs to
 * the first step, in edge order.
 */
export function compensationHandlers(
  edges: readonly { source: string; sourceHandle: string | null; target: string }[],
) {
  const out = new Map<string, string[]>();
  for (const e of edges) out.set(e.source, [...(out.get(e.source) ?? []), e.target]);
  const handlers = new Map<string, { entries: string[]; nodes: string[] }>();
  const handlerOf = new Map<string, string>();
  for (const e of edges) {
    if (e.sourceHandle !== "compensate") continue;
    const handler = handlers.get(e.source) ?? { entries: [], nodes: [] };
    handlers.set(e.source, handler);
    if (!handler.entries.includes(e.target)) handler.entries.push(e.target);
    const stack = [e.target];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (handler.nodes.includes(id)) continue;
      handler.nodes.push(id);
      if (!handlerOf.has(id)) handlerOf.set(id, e.source);
      stack.push(...(out.get(id) ?? []));
    }
  }
  return { handlers, handlerOf };
}
