"use client";
import { Clock } from "lucide-react";
import { formatDuration, formatWhen } from "../ui/format";
import { useNow } from "../ui/use-now";

/** A task's deadline with the time left, ticking; red in the last hour, "overdue" after. */
export function Deadline({ dueAt, compact = false }: { dueAt: string | null; compact?: boolean }) {
  const now = useNow(dueAt ? 1_000 : null);
  if (!dueAt) return compact ? null : <span className="text-slate-500">No deadline</span>;
  const left = Date.parse(dueAt) - now;
  const tone = left <= 0 ? "text-red-700" : left < 3_600_000 ? "text-amber-700" : "text-slate-600";
  const words = left <= 0 ? "overdue" : `${formatDuration(left)} left`;
  return (
    <span
      className={`inline-flex gap-1 ${compact ? "items-center" : "items-start"} ${tone}`}
      data-testid="deadline"
      title={new Date(dueAt).toLocaleString()}
    >
      <Clock size={12} />
      {compact ? (
        words
      ) : (
        <span className="flex flex-col leading-tight">
          <span>{formatWhen(new Date(dueAt))}</span>
          <span className="text-xs">{words}</span>
        </span>
      )}
    </span>
  );
}
