"use client";
import { AlertCircle, AlertTriangle, CheckCircle2, ChevronUp } from "lucide-react";
import { useState } from "react";
import type { FlowCheck } from "@/lib/flow/check";
import { terminalRunStatuses } from "@/lib/run/events";
import { useRun } from "../runs/run-context";
import { useEditorStoreApi } from "./editor-context";

/** Every problem of the flow, naming node and field; clicking one selects its node. */
export function ProblemsPanel({ check }: { check: FlowCheck }) {
  const store = useEditorStoreApi();
  const [open, setOpen] = useState(false);
  const errors = check.problems.filter((p) => p.severity === "error").length;
  const warnings = check.problems.length - errors;
  // While a run is shown on the canvas, "ready to run" would speak past it.
  const running = useRun((s) => s.runId !== null && !terminalRunStatuses.includes(s.run.status));
  const ran = useRun((s) => s.runId !== null && terminalRunStatuses.includes(s.run.status));
  if (check.problems.length === 0) {
    return (
      <div
        className="flex items-center gap-1.5 rounded-lg bg-white px-3 py-2 text-xs text-emerald-700 shadow ring-1 ring-slate-200"
        data-testid="problems"
      >
        <CheckCircle2 size={14} />{" "}
        {running ? "No problems · a run is under way" : ran ? "No problems · ready to run again" : "Ready to run"}
      </div>
    );
  }
  return (
    <div
      className="w-96 overflow-hidden rounded-lg bg-white text-sm shadow-lg ring-1 ring-slate-200"
      data-testid="problems"
    >
      <button
        type="button"
        onClick={() => setOpen((o) => !o)}
        className="flex w-full items-center gap-3 px-3 py-2 text-xs hover:bg-slate-50"
        aria-expanded={open}
      >
        {errors > 0 && (
          <span className="flex items-center gap-1 font-medium text-red-600">
            <AlertCircle size={14} /> {errors} error{errors === 1 ? "" : "s"}
          </span>
        )}
        {warnings > 0 && (
          <span className="flex items-center gap-1 font-medium text-amber-600">
            <AlertTriangle size={14} /> {warnings} warning{warnings === 1 ? "" : "s"}
          </span>
        )}
        <ChevronUp size={14} className={`ml-auto text-slate-400 transition-transform ${open ? "" : "rotate-180"}`} />
      </button>
      {open && (
        <ul className="max-h-60 overflow-y-auto border-t border-slate-100">
          {check.problems.map((p, i) => (
            <li key={i}>
              <button
                type="button"
                disabled={!p.nodeId}
                onClick={() => p.nodeId && store.getState().select(p.nodeId)}
                className="flex w-full items-start gap-2 px-3 py-2 text-left text-xs hover:bg-slate-50 disabled:cursor-default"
              >
                {p.severity === "error" ? (
                  <AlertCircle size={13} className="mt-0.5 shrink-0 text-red-500" />
                ) : (
                  <AlertTriangle size={13} className="mt-0.5 shrink-0 text-amber-500" />
                )}
                <span>
                  {p.nodeId && <span className="font-mono font-medium text-slate-700">{p.nodeId}: </span>}
                  <span className="text-slate-600">{p.message}</span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
