import type { z } from "zod";

/** One thing wrong with a flow, located precisely enough for the editor to select it. */
export interface FlowProblem {
  severity: "error" | "warning";
  /** Path into the flow document, e.g. ["nodes", 2, "data", "label"]. */
  path: (string | number)[];
  message: string;
  nodeId?: string;
  edgeId?: string;
}

export function formatPath(path: readonly (string | number | symbol)[]): string {
  return path
    .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
    .join("")
    .replace(/^\./, "");
}

/** "nodes[1].data.label: a label is required" — the message users see for the first problem. */
export function describeProblem(problem: FlowProblem): string {
  const where = problem.nodeId ? `node "${problem.nodeId}"` : problem.edgeId ? `edge "${problem.edgeId}"` : "";
  const path = formatPath(problem.path);
  return [where, path && `(${path})`].filter(Boolean).join(" ") + (where || path ? ": " : "") + problem.message;
}

export function problemsFromZod(
  error: z.ZodError,
  ids: { nodes: unknown[]; edges: unknown[] } | undefined,
): FlowProblem[] {
  return error.issues.map((issue) => {
    const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
    const problem: FlowProblem = { severity: "error", path, message: issue.message };
    const [list, index] = path;
    if (typeof index === "number" && (list === "nodes" || list === "edges")) {
      const item = ids?.[list]?.[index] as { id?: unknown } | undefined;
      if (typeof item?.id === "string") problem[list === "nodes" ? "nodeId" : "edgeId"] = item.id;
    }
    return problem;
  });
}
