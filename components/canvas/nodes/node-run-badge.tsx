"use client";
import { Loader2 } from "lucide-react";
import { terminalRunStatuses } from "@/lib/run/events";
import { useNodeInstance, useRun } from "../../runs/run-context";
import { formatDuration } from "../../ui/format";
import { useNow } from "../../ui/use-now";
import { statusStyle } from "./status-style";

/**
 * A node's status on its card during a run: running with a spinner and the time so far,
 * retrying with the attempt, a loop with how many iterations are done.
 */
export function NodeRunBadge({ nodeId, maxAttempts }: { nodeId: string; maxAttempts?: number }) {
  const instance = useNodeInstance(nodeId);
  const status = instance?.status ?? "pending";
  // On a run that has ended, a step that never started is not waiting for anything.
  const ended = useRun((s) => terminalRunStatuses.includes(s.run.status));
  const now = useNow(status === "running" ? 200 : null);
  const style = statusStyle[status];
  let detail = "";
  if (status === "running" && instance?.loop) {
    const total = instance.loop.items?.length;
    const done = Object.keys(instance.loop.outputs).length;
    detail = total !== undefined ? `${done} of ${total}` : `pass ${instance.loop.started}`;
  } else if (status === "running" && instance?.startedAt) {
    detail = formatDuration(now - new Date(instance.startedAt).getTime());
  } else if (status === "waiting" && instance?.throttled && !instance.throttled.passed) {
    detail = `throttled (${instance.throttled.key})`;
  } else if (status === "retrying" && instance) {
    detail = `attempt ${instance.attempt + 1}${maxAttempts ? ` of ${maxAttempts}` : ""}`;
  } else if (status === "succeeded" && instance?.startedAt && instance.finishedAt) {
    detail = formatDuration(new Date(instance.finishedAt).getTime() - new Date(instance.startedAt).getTime());
  }
  return (
    <span
      className={`flex shrink-0 items-center gap-1 rounded-full px-2 py-0.5 text-[11px] font-medium tabular-nums shadow-sm ring-1 ring-white ${style.badge}`}
      data-testid={`status-${nodeId}`}
      data-status={status}
      title={instance?.error?.message}
    >
      {status === "running" && <Loader2 size={11} className="animate-spin" />}
      {status === "pending" && ended ? "Not run" : style.label}
      {detail && <span className="font-normal opacity-80">· {detail}</span>}
    </span>
  );
}
