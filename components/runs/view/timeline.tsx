"use client";
import { useMemo } from "react";
import { terminalRunStatuses } from "@/lib/run/events";
import { runHistory } from "@/lib/run/timeline";
import { useEditor } from "../../editor/editor-context";
import { formatDuration } from "../../ui/format";
import { useNow } from "../../ui/use-now";
import { useRun } from "../run-context";
import { VirtualRows } from "./virtual-rows";

const outcomeTone = {
  running: "bg-sky-500 animate-pulse",
  succeeded: "bg-emerald-500",
  failed: "bg-red-500",
  cancelled: "bg-slate-400",
} as const;

/**
 * Every attempt of every node over time, one row per node instance: parallel branches sit
 * side by side, retries show as a gap (striped) before the next attempt, approvals as a wait.
 */
export function Timeline({ onPick }: { onPick: (nodeId: string, path: number[]) => void }) {
  const events = useRun((s) => s.events);
  const status = useRun((s) => s.run.status);
  const selected = useEditor((s) => s.nodes.find((n) => n.selected)?.id);
  const labels = useEditor((s) => s.nodes);
  const live = !terminalRunStatuses.includes(status);
  const now = useNow(live ? 250 : null);
  const rows = useMemo(() => runHistory(events), [events]);
  const start = events[0] ? Date.parse(events[0].at) : now;
  const end = live ? Math.max(now, start + 1) : events.length ? Date.parse(events.at(-1)!.at) : now;
  const span = Math.max(1, end - start);
  const x = (at: string | undefined) => `${(((at ? Date.parse(at) : end) - start) / span) * 100}%`;
  const width = (from: string, to: string | undefined) =>
    `max(2px, ${(((to ? Date.parse(to) : end) - Date.parse(from)) / span) * 100}%)`;
  const labelOf = (id: string) => {
    const d = labels.find((n) => n.id === id)?.data.label;
    return typeof d === "string" && d ? d : id;
  };
  if (rows.length === 0) return <p className="p-4 text-sm text-slate-500">Nothing has run yet.</p>;
  return (
    <div className="flex h-full flex-col">
      <div className="flex justify-between border-b border-slate-100 px-3 py-1 pl-52 text-[10px] text-slate-400 tabular-nums">
        <span>0</span>
        <span>{formatDuration(span / 2)}</span>
        <span>{formatDuration(span)}</span>
      </div>
      <div className="min-h-0 flex-1">
        <VirtualRows
          label="Timeline"
          count={rows.length}
          rowHeight={24}
          row={(i) => {
            const row = rows[i]!;
            return (
              <button
                type="button"
                onClick={() => onPick(row.nodeId, row.path)}
                data-testid={`timeline-${row.key}`}
                className={`flex h-full w-full items-center text-left text-xs hover:bg-slate-50 ${row.nodeId === selected ? "bg-accent-50" : ""}`}
              >
                <span className="w-52 shrink-0 truncate px-3 text-slate-700">
                  {labelOf(row.nodeId)}
                  {row.path.length > 0 && (
                    <span className="text-slate-400"> #{row.path.map((p) => p + 1).join(".")}</span>
                  )}
                </span>
                <span className="relative mr-3 h-3 flex-1 rounded bg-slate-50">
                  {row.waits.map((w) => (
                    <span
                      key={`${w.kind}-${w.from}`}
                      title={w.kind === "retry" ? "waiting to retry" : "waiting for a decision"}
                      className={`absolute top-0.5 h-2 rounded-sm ${w.kind === "retry" ? "bg-[repeating-linear-gradient(45deg,#fdba74_0_3px,transparent_3px_6px)]" : "bg-amber-300"}`}
                      style={{ left: x(w.from), width: width(w.from, w.to) }}
                    />
                  ))}
                  {row.attempts.map((a) => (
                    <span
                      key={a.attempt}
                      title={`attempt ${a.attempt}: ${a.outcome}${a.error ? ` (${a.error})` : ""}`}
                      className={`absolute top-0 h-3 rounded-sm ${outcomeTone[a.outcome]} ${row.calls.length > 0 ? "opacity-60" : ""}`}
                      style={{ left: x(a.startedAt), width: width(a.startedAt, a.endedAt) }}
                    />
                  ))}
                  {/* An agent's tool calls, nested in its attempt: one thin bar each, in the lower half. */}
                  {row.calls.map((c) => (
                    <span
                      key={c.callId}
                      data-testid={`call-bar-${c.callId}`}
                      title={`${c.name}${c.to ? (c.failed ? " (error)" : "") : " (running)"}`}
                      className={`absolute top-1.5 h-1.5 rounded-sm ring-1 ring-white ${c.failed ? "bg-red-600" : c.to ? "bg-violet-600" : "animate-pulse bg-violet-400"}`}
                      style={{ left: x(c.from), width: width(c.from, c.to) }}
                    />
                  ))}
                </span>
              </button>
            );
          }}
        />
      </div>
    </div>
  );
}
