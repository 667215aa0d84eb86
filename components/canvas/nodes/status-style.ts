import type { NodeStatus } from "@/lib/run/events";

/** How each run status looks on a node card: ring colour and badge. */
export const statusStyle: Record<NodeStatus, { ring: string; badge: string; label: string }> = {
  pending: { ring: "ring-1 ring-slate-200", badge: "bg-slate-100 text-slate-500", label: "Pending" },
  running: { ring: "ring-sky-500 ring-2 animate-pulse", badge: "bg-sky-100 text-sky-700", label: "Running" },
  waiting: { ring: "ring-amber-400 ring-2", badge: "bg-amber-100 text-amber-700", label: "Waiting" },
  retrying: { ring: "ring-orange-400 ring-2", badge: "bg-orange-100 text-orange-700", label: "Retrying" },
  succeeded: { ring: "ring-emerald-500 ring-2", badge: "bg-emerald-100 text-emerald-700", label: "Succeeded" },
  failed: { ring: "ring-red-500 ring-2", badge: "bg-red-100 text-red-700", label: "Failed" },
  skipped: { ring: "ring-1 ring-slate-300 opacity-60", badge: "bg-slate-100 text-slate-500", label: "Skipped" },
  cancelled: { ring: "ring-slate-400 ring-2", badge: "bg-slate-200 text-slate-600", label: "Cancelled" },
};
