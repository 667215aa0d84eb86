"use client";
import type { InboxTask } from "@/lib/run/inbox";
import { formatWhen } from "../ui/format";
import { Deadline } from "./deadline";
import { TaskStatusChip } from "./task-status-chip";

/** The tasks of a tab, one row each; the selected one is shown beside. j/k move through them. */
export function TaskList({
  tasks,
  selectedId,
  onSelect,
}: {
  tasks: InboxTask[];
  selectedId: string | undefined;
  onSelect: (id: string) => void;
}) {
  return (
    <ul className="flex flex-col" aria-label="Tasks">
      {tasks.map((task) => {
        const selected = task.id === selectedId;
        return (
          <li key={task.id}>
            <button
              type="button"
              onClick={() => onSelect(task.id)}
              aria-current={selected ? "true" : undefined}
              data-testid="task-row"
              data-task-id={task.id}
              className={`flex w-full flex-col gap-1 border-b border-l-2 border-b-slate-100 px-4 py-3 text-left transition-colors ${
                selected ? "border-l-accent-600 bg-accent-50" : "border-l-transparent hover:bg-slate-50"
              }`}
            >
              <span className="flex items-start gap-2">
                <span className="line-clamp-2 min-w-0 flex-1 text-sm font-medium text-slate-900">{task.title}</span>
                {task.status !== "open" && <TaskStatusChip status={task.status} />}
              </span>
              <span className="flex flex-wrap items-center gap-x-2 gap-y-0.5 text-xs text-slate-500">
                <span className="truncate">{task.flowName}</span>
                <span aria-hidden="true">·</span>
                <span>{formatWhen(new Date(task.createdAt))}</span>
                {task.status === "open" && task.requiredApprovals > 1 && (
                  <>
                    <span aria-hidden="true">·</span>
                    <span>
                      {task.approvals}/{task.requiredApprovals} approvals
                    </span>
                  </>
                )}
                {task.escalations.length > 0 && task.status === "open" && (
                  <span className="rounded bg-amber-100 px-1 text-amber-800">escalated</span>
                )}
                {task.status === "open" && task.dueAt && (
                  <span className="ml-auto">
                    <Deadline dueAt={task.dueAt} compact />
                  </span>
                )}
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
