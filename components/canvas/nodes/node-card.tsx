"use client";
import { Handle, Position } from "@xyflow/react";
import type { LucideIcon } from "lucide-react";
import { memo, type ReactNode } from "react";
import type { OutputHandle } from "@/lib/flow/kinds";
import { useEditor } from "../../editor/editor-context";
import { useNodeProblems } from "../../editor/problems-context";
import { useNodeRunStatus } from "../../runs/run-context";
import { undoesStep } from "../handler-nodes";
import { NodeRunBadge } from "./node-run-badge";
import { statusStyle } from "./status-style";

export interface NodeCardProps {
  id: string;
  label: string;
  kindTitle: string;
  icon: LucideIcon;
  /** Tailwind classes for the icon tile, e.g. "bg-emerald-50 text-emerald-600". */
  tone: string;
  inputs: readonly string[];
  /** As the kind declares them: an `error` handle is drawn in red, an idle one muted. */
  outputs: readonly OutputHandle[];
  selected: boolean;
  summary?: ReactNode;
  /** Attempts the node's retry setting allows, shown while it retries. */
  maxAttempts?: number;
}

/**
 * The common card every node kind renders: icon, label, id, key config, run status, and its
 * handles. One output sits on the card's edge; several are listed with their labels.
 */
export const NodeCard = memo(function NodeCard(props: NodeCardProps) {
  const status = useNodeRunStatus(props.id);
  // A compensation handler's node is drawn apart: amber, saying which step it undoes.
  const undoes = useEditor((s) => undoesStep(s.edges, props.id));
  const problems = useNodeProblems(props.id);
  const errors = problems.filter((p) => p.severity === "error");
  const style = status ? statusStyle[status] : null;
  const Icon = props.icon;
  const single = props.outputs.length === 1 ? props.outputs[0] : undefined;
  return (
    <div
      data-testid={`node-${props.id}`}
      data-status={status ?? "none"}
      data-undoes={undoes}
      className={`relative w-60 rounded-xl shadow-sm transition-shadow ${undoes ? "bg-amber-50/60" : "bg-white"} ${style ? style.ring : undoes ? "ring-1 ring-amber-300 ring-dashed" : "ring-1 ring-slate-200"} ${
        props.selected ? "shadow-md outline-2 outline-offset-2 outline-accent-500" : ""
      }`}
    >
      {props.inputs.map((handle) => (
        <Handle
          key={handle}
          id={handle}
          type="target"
          position={Position.Left}
          aria-label={`${props.label} input ${handle}`}
        />
      ))}
      <div className="flex items-center gap-3 px-3 py-3">
        <div className={`flex h-9 w-9 shrink-0 items-center justify-center rounded-lg ${props.tone}`}>
          <Icon size={18} strokeWidth={1.8} />
        </div>
        <div className="min-w-0 flex-1">
          <p className="truncate text-sm font-medium text-slate-900">{props.label}</p>
          <p className="truncate text-xs text-slate-500">
            {undoes ? (
              <span className="text-amber-700">undoes {undoes}</span>
            ) : (
              <>
                {props.label !== props.kindTitle && `${props.kindTitle} · `}
                <span className="font-mono">{props.id}</span>
              </>
            )}
          </p>
        </div>
        {!style && problems.length > 0 && (
          <span
            data-testid={`problems-${props.id}`}
            title={problems.map((p) => p.message).join("\n")}
            className={`flex h-5 min-w-5 items-center justify-center rounded-full px-1 text-[11px] font-semibold text-white ${
              errors.length > 0 ? "bg-red-500" : "bg-amber-500"
            }`}
          >
            {problems.length}
          </span>
        )}
      </div>
      {/* On the card's top edge, so the label keeps its room. */}
      {style && (
        <div className="absolute -top-2.5 right-3">
          <NodeRunBadge nodeId={props.id} maxAttempts={props.maxAttempts} />
        </div>
      )}
      {props.summary && (
        <div className="border-t border-slate-100 px-3 py-2 text-xs text-slate-600">{props.summary}</div>
      )}
      {single && (
        <Handle
          id={single.id}
          type="source"
          position={Position.Right}
          aria-label={`${props.label} output ${single.id}`}
        />
      )}
      {props.outputs.length > 1 && (
        <ul className="border-t border-slate-100 py-1">
          {props.outputs.map((out) => (
            <li
              key={out.id}
              title={out.idle}
              data-idle={out.idle ? "true" : undefined}
              className="relative flex h-6 items-center justify-end pr-4 text-[11px]"
            >
              <span
                className={
                  out.idle
                    ? "text-slate-300"
                    : out.error
                      ? "text-red-500"
                      : out.compensation
                        ? "text-amber-600"
                        : "text-slate-500"
                }
              >
                {out.label}
              </span>
              <Handle
                id={out.id}
                type="source"
                position={Position.Right}
                aria-label={`${props.label} output ${out.id}`}
                className={
                  out.idle
                    ? "!bg-slate-300"
                    : out.error
                      ? "!bg-red-400"
                      : out.compensation
                        ? "!bg-amber-400"
                        : undefined
                }
              />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
});
