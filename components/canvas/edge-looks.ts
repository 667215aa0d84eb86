import type { Edge } from "@xyflow/react";
import type { EdgePaint } from "@/lib/run/edges";

/** How each paint of lib/run/edges.ts is drawn: taken green, active animated blue, dead dashed. */
const looks: Record<EdgePaint, Pick<Edge, "animated" | "style">> = {
  idle: { animated: false, style: { stroke: "#cbd5e1", strokeWidth: 1.5 } },
  taken: { animated: false, style: { stroke: "#10b981", strokeWidth: 2.5 } },
  active: { animated: true, style: { stroke: "#0ea5e9", strokeWidth: 2.5 } },
  dead: { animated: false, style: { stroke: "#cbd5e1", strokeWidth: 1.5, strokeDasharray: "4 4", opacity: 0.6 } },
};

export const edgeLook = (paint: EdgePaint) => looks[paint];
