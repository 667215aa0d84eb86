"use client";
import { CheckCircle2, CircleDashed, Loader2, WifiOff, XCircle } from "lucide-react";
import type { RunStatus } from "@/lib/run/events";
import { useRun } from "./run-context";

const looks: Record<RunStatus, { text: string; tone: string; icon: typeof Loader2; spin?: boolean }> = {
  queued: { text: "Queued", tone: "bg-slate-100 text-slate-700", icon: CircleDashed },
  running: { text: "Running", tone: "bg-sky-50 text-sky-800 ring-sky-200", icon: Loader2, spin: true },
  waiting: { text: "Waiting", tone: "bg-amber-50 text-amber-800 ring-amber-200", icon: CircleDashed },
  succeeded: { text: "Run succeeded", tone: "bg-emerald-50 text-emerald-800 ring-emerald-200", icon: CheckCircle2 },
  failed: { text: "Run failed", tone: "bg-red-50 text-red-800 ring-red-200", icon: XCircle },
  cancelled: { text: "Run cancelled", tone: "bg-slate-100 text-slate-700", icon: XCircle },
};

/** The watched run in one line: status, steps done, and the error if it failed. */
export function RunStatusPill() {
  const runId = useRun((s) => s.runId);
  const run = useRun((s) => s.run);
  const connection = useRun((s) => s.connection);
  if (!runId) return null;
  const look = looks[run.status];
  const Icon = look.icon;
  const done = Object.values(run.nodes).filter((n) => n.status === "succeeded").length;
  return (
    <div
      data-testid="run-status"
      data-status={run.status}
      className={`pointer-events-auto flex max-w-md items-start gap-2.5 rounded-xl px-4 py-3 text-sm shadow-lg ring-1 ${look.tone}`}
    >
      <Icon size={18} className={`mt-0.5 shrink-0 ${look.spin ? "animate-spin" : ""}`} />
      <div className="min-w-0">
        <p className="font-medium">{look.text}</p>
        <p className="text-xs opacity-80">
          {done} step{done === 1 ? "" : "s"} done · {run.lastSeq} event{run.lastSeq === 1 ? "" : "s"}
        </p>
        {run.error && <p className="mt-1 text-xs">{run.error.message}</p>}
      </div>
      {connection === "offline" && (
        <span
          className="ml-2 flex items-center gap-1 text-xs text-amber-700"
          title="Reconnecting; no event will be missed"
        >
          <WifiOff size={14} /> reconnecting
        </span>
      )}
    </div>
  );
}
