import { CheckCircle2, CircleDashed, Clock, Loader2, PauseCircle, XCircle } from "lucide-react";
import type { RunStatus } from "@/lib/run/events";

/** How a run's status looks wherever it is shown: words, colours, icon. */
export const runStatusLooks: Record<
  RunStatus,
  { text: string; tone: string; icon: typeof Loader2; spin?: boolean; word: string }
> = {
  queued: { word: "Queued", text: "Queued", tone: "bg-slate-100 text-slate-700 ring-slate-200", icon: CircleDashed },
  running: {
    word: "Running",
    text: "Running",
    tone: "bg-sky-50 text-sky-800 ring-sky-200",
    icon: Loader2,
    spin: true,
  },
  waiting: { word: "Waiting", text: "Waiting", tone: "bg-amber-50 text-amber-800 ring-amber-200", icon: Clock },
  paused: {
    word: "Paused",
    text: "Run paused",
    tone: "bg-violet-50 text-violet-800 ring-violet-200",
    icon: PauseCircle,
  },
  succeeded: {
    word: "Succeeded",
    text: "Run succeeded",
    tone: "bg-emerald-50 text-emerald-800 ring-emerald-200",
    icon: CheckCircle2,
  },
  failed: { word: "Failed", text: "Run failed", tone: "bg-red-50 text-red-800 ring-red-200", icon: XCircle },
  cancelled: {
    word: "Cancelled",
    text: "Run cancelled",
    tone: "bg-slate-100 text-slate-700 ring-slate-200",
    icon: XCircle,
  },
};

/** A compact status chip: icon and word. */
export function runStatusChipClass(status: RunStatus) {
  return `inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${runStatusLooks[status].tone}`;
}
