"use client";
import { useMemo, useState } from "react";
import { eventLabel, eventSummary } from "@/lib/run/event-label";
import { pathOf } from "@/lib/run/state";
import { useRun } from "../run-context";
import { VirtualRows } from "./virtual-rows";

/** The run's raw events as stored, newest at the bottom, filterable; follows the run live. */
export function EventLog({ onPick }: { onPick: (nodeId: string, path: number[]) => void }) {
  const events = useRun((s) => s.events);
  const [filter, setFilter] = useState("");
  const shown = useMemo(() => {
    const q = filter.trim().toLowerCase();
    return q ? events.filter((e) => eventLabel(e).toLowerCase().includes(q)) : events;
  }, [events, filter]);
  return (
    <div className="flex h-full flex-col">
      <div className="flex items-center gap-3 border-b border-slate-100 px-3 py-1.5">
        <input
          aria-label="Filter events"
          placeholder="Filter: node id or event type, e.g. failed"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          className="h-7 w-80 rounded-md border border-slate-300 px-2 text-xs outline-none focus:border-accent-500"
        />
        <span className="text-xs text-slate-500 tabular-nums" data-testid="event-count">
          {shown.length === events.length ? `${events.length} events` : `${shown.length} of ${events.length} events`}
        </span>
      </div>
      <div className="min-h-0 flex-1 font-mono text-[11px]">
        <VirtualRows
          label="Events"
          count={shown.length}
          rowHeight={22}
          follow
          row={(i) => {
            const e = shown[i]!;
            const node = "nodeId" in e ? e.nodeId : undefined;
            return (
              <button
                type="button"
                onClick={() => node && onPick(node, pathOf(e as { path?: number[] }))}
                className="flex h-full w-full items-center gap-3 px-3 text-left hover:bg-slate-50"
                title={JSON.stringify(e.data)}
              >
                <span className="w-10 shrink-0 text-right text-slate-400">{e.seq}</span>
                <span className="w-24 shrink-0 text-slate-400">{e.at.slice(11, 23)}</span>
                <span className={`shrink-0 ${e.type.endsWith("failed") ? "text-red-600" : "text-slate-800"}`}>
                  {eventLabel(e)}
                </span>
                <span className="min-w-0 truncate text-slate-500">{eventSummary(e)}</span>
              </button>
            );
          }}
        />
      </div>
    </div>
  );
}
