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

/** An edge from a `compensate` handle leads into an undo handler: drawn apart, amber and dashed, never part of the forward path. */
export const compensationLook: Pick<Edge, "style" | "className"> = {
  style: { stroke: "#f59e0b", strokeWidth: 1.5, strokeDasharray: "6 4" },
  className: "compensation-edge",
};

/** `edges` with the compensation look on those leaving a compensate handle (the same objects otherwise). */
export function withCompensationLook<E extends Pick<Edge, "sourceHandle" | "style">>(edges: E[]): E[] {
  return edges.map((e) =>
    e.sourceHandle === "compensate"
      ? { ...e, ...compensationLook, style: { ...e.style, ...compensationLook.style } }
      : e,
  );
}
