"use client";
import { WifiOff } from "lucide-react";
import Link from "next/link";
import { useRun } from "./run-context";
import { runStatusLooks } from "./run-status-looks";

/** The watched run in one line: status, steps done, and the error if it failed. */
export function RunStatusPill() {
  const runId = useRun((s) => s.runId);
  const run = useRun((s) => s.run);
  const connection = useRun((s) => s.connection);
  if (!runId) return null;
  const look = runStatusLooks[run.status];
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
        <Link href={`/runs/${runId}`} className="mt-1 inline-block text-xs font-medium underline underline-offset-2">
          Open the run view
        </Link>
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
