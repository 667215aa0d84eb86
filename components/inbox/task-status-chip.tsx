import type { TaskStatus } from "@/lib/run/inbox";

const looks: Record<TaskStatus, { word: string; className: string }> = {
  open: { word: "Waiting", className: "bg-amber-100 text-amber-800" },
  approved: { word: "Approved", className: "bg-emerald-100 text-emerald-800" },
  rejected: { word: "Rejected", className: "bg-red-100 text-red-800" },
  timeout: { word: "Timed out", className: "bg-slate-200 text-slate-700" },
  cancelled: { word: "Cancelled", className: "bg-slate-200 text-slate-700" },
  failed: { word: "Failed", className: "bg-red-100 text-red-800" },
};

export function TaskStatusChip({ status }: { status: TaskStatus }) {
  const look = looks[status];
  return (
    <span
      className={`shrink-0 rounded-full px-2 py-0.5 text-xs font-medium ${look.className}`}
      data-testid="task-status"
    >
      {look.word}
    </span>
  );
}
