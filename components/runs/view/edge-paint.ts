import type { Edge } from "@xyflow/react";
import { nodeKey, type RunState } from "@/lib/run/state";

export type EdgePaint = "idle" | "taken" | "active" | "dead";

/**
 * How an edge looks in a run: `taken` once its source finished through its handle, `active`
 * while its target runs, `dead` when its source skipped it (or was skipped, or cancelled).
 */
export function edgePaint(
  run: RunState,
  edge: { source: string; sourceHandle?: string | null; target: string },
  path: number[],
): EdgePaint {
  const source = run.nodes[nodeKey(edge.source, path)];
  if (!source) return "idle";
  if (source.status === "skipped" || source.status === "cancelled") return "dead";
  const handle = edge.sourceHandle ?? "out";
  const through =
    source.status === "succeeded"
      ? (source.handles ?? []).includes(handle)
      : source.status === "failed" && handle === "error"
        ? true // routed on error
        : undefined;
  if (through === false) return "dead";
  if (through === undefined) return "idle";
  const target = run.nodes[nodeKey(edge.target, path)]?.status;
  return target === "running" || target === "waiting" || target === "retrying" ? "active" : "taken";
}

const looks: Record<EdgePaint, Pick<Edge, "animated" | "style">> = {
  idle: { animated: false, style: { stroke: "#cbd5e1", strokeWidth: 1.5 } },
  taken: { animated: false, style: { stroke: "#10b981", strokeWidth: 2.5 } },
  active: { animated: true, style: { stroke: "#0ea5e9", strokeWidth: 2.5 } },
  dead: { animated: false, style: { stroke: "#cbd5e1", strokeWidth: 1.5, strokeDasharray: "4 4", opacity: 0.6 } },
};

export const edgeLook = (paint: EdgePaint) => looks[paint];
