"use client";
import { ChevronLeft, ChevronRight } from "lucide-react";
import { nodeKey } from "@/lib/run/state";
import { useRun, useRunStoreApi } from "../../runs/run-context";
import { shownIteration, shownPath } from "../../runs/run-store";

/** On a loop during a run: which iteration its body shows, k of n, with arrows to pick another. */
export function LoopIterationPicker({ loopId }: { loopId: string }) {
  const store = useRunStoreApi();
  // A string, so the card re-renders only when what it shows changes.
  const key = useRun((s) => {
    if (!s.runId) return "";
    const path = shownPath(s, loopId);
    const loop = s.run.nodes[nodeKey(loopId, path)]?.loop;
    if (!loop || loop.started === 0) return "";
    return `${shownIteration(s, loopId, path)}/${loop.started}/${loop.items?.length ?? ""}`;
  });
  const [shown = 0, started = 0, total] = key.split("/").map((v) => (v === "" ? undefined : Number(v)));
  const view = key ? { shown, started, total } : null;
  if (!view) return null;
  const pick = (index: number) => store.getState().pickIteration(loopId, index);
  return (
    <div
      className="nodrag absolute top-3 right-3 flex items-center gap-1 rounded-lg bg-white px-1.5 py-1 text-xs text-slate-600 shadow-sm ring-1 ring-orange-200"
      data-testid={`iterations-${loopId}`}
    >
      <button
        type="button"
        aria-label="Previous iteration"
        disabled={view.shown === 0}
        onClick={() => pick(view.shown - 1)}
        className="rounded p-0.5 hover:bg-slate-100 disabled:opacity-30"
      >
        <ChevronLeft size={14} />
      </button>
      <span className="tabular-nums">
        Iteration {view.shown + 1} of {view.total ?? view.started}
      </span>
      <button
        type="button"
        aria-label="Next iteration"
        disabled={view.shown >= view.started - 1}
        onClick={() => pick(view.shown + 1)}
        className="rounded p-0.5 hover:bg-slate-100 disabled:opacity-30"
      >
        <ChevronRight size={14} />
      </button>
    </div>
  );
}
