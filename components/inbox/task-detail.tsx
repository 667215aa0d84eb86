"use client";
import { ArrowUpRight, CircleCheck, CircleX, Copy, TrendingUp } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { describeAssignees, type InboxTask } from "@/lib/run/inbox";
import { Button } from "../ui/button";
import { formatWhen } from "../ui/format";
import { toast } from "../ui/toaster";
import { Deadline } from "./deadline";
import { DecisionForm, type Draft } from "./decision-form";
import { ReviewData } from "./review-data";
import { TaskStatusChip } from "./task-status-chip";
import { ToolCallReview } from "./tool-call-review";

/** One task whole: what to decide, on what data, by when, who decided so far, and the decision form. */
export function TaskDetail({
  task,
  me,
  onDecided,
}: {
  task: InboxTask;
  me: string | undefined;
  onDecided: (task: InboxTask, decision: "approve" | "reject") => void;
}) {
  // Kept here, not in the form: a decision taken elsewhere closes the form, never what was typed.
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const runLink = `/runs/${task.runId}?node=${encodeURIComponent(task.nodeId)}${task.path.length ? `&path=${task.path.join(".")}` : ""}`;
  return (
    <article
      className="@container mx-auto flex max-w-3xl flex-col gap-5 p-6"
      aria-label={task.title}
      data-testid="task-detail"
    >
      <header className="flex flex-col gap-2">
        <div className="flex items-start gap-3">
          <h2 className="min-w-0 flex-1 text-xl font-semibold text-slate-900">{task.title}</h2>
          <TaskStatusChip status={task.status} />
        </div>
        <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm text-slate-500">
          <span>
            <Link href={`/flows/${task.flowId}`} className="font-medium text-slate-700 hover:underline">
              {task.flowName}
            </Link>
          </span>
          <span aria-hidden="true">·</span>
          <Link href={runLink} className="inline-flex items-center gap-0.5 text-accent-700 hover:underline">
            View the run at this step <ArrowUpRight size={13} />
          </Link>
        </p>
      </header>

      <dl className="grid grid-cols-2 gap-x-6 gap-y-3 rounded-xl bg-slate-50 p-4 text-sm @xl:grid-cols-4">
        <Fact term="Requested by">{task.requestedBy?.name ?? "a webhook"}</Fact>
        <Fact term="Requested">{formatWhen(new Date(task.createdAt))}</Fact>
        {task.status === "open" ? (
          <Fact term="Deadline">
            <Deadline dueAt={task.dueAt} />
          </Fact>
        ) : (
          <Fact term="Closed">{task.closedAt ? formatWhen(new Date(task.closedAt)) : "—"}</Fact>
        )}
        <Fact term="Approvals">
          <span data-testid="approvals-count">
            {task.approvals} of {task.requiredApprovals}
          </span>
          <span className="mt-1 flex gap-0.5" aria-hidden="true">
            {Array.from({ length: Math.min(task.requiredApprovals, 10) }, (_, i) => (
              <span
                key={i}
                className={`h-1.5 flex-1 rounded-full ${i < task.approvals ? "bg-emerald-500" : "bg-slate-200"}`}
              />
            ))}
          </span>
        </Fact>
        <Fact term="Assigned to" wide>
          <span data-testid="assignees">{describeAssignees(task.assignees, (id) => task.people[id] ?? id)}</span>
        </Fact>
      </dl>

      {task.instructions.trim() !== "" && (
        <section>
          <h3 className="mb-1.5 text-sm font-semibold text-slate-900">Instructions</h3>
          <p className="text-sm whitespace-pre-wrap text-slate-700">{task.instructions}</p>
        </section>
      )}

      {task.tool ? (
        <ToolCallReview tool={task.tool} show={task.show} />
      ) : (
        <section>
          <h3 className="mb-1.5 text-sm font-semibold text-slate-900">To review</h3>
          <ReviewData value={task.show} />
        </section>
      )}

      {task.escalations.length > 0 && (
        <section>
          <h3 className="mb-1.5 text-sm font-semibold text-slate-900">Escalations</h3>
          <ol className="flex flex-col gap-1.5 text-sm" data-testid="escalations">
            {task.escalations.map((e) => (
              <li key={e.level} className="flex items-center gap-2 text-slate-700">
                <TrendingUp size={14} className="text-amber-600" />
                Nobody decided in time: escalated to <b>{describeAssignees(e.assignees)}</b> at{" "}
                {formatWhen(new Date(e.at))}, new deadline {formatWhen(new Date(e.timeoutAt))}
              </li>
            ))}
          </ol>
        </section>
      )}

      {task.decisions.length > 0 && (
        <section>
          <h3 className="mb-1.5 text-sm font-semibold text-slate-900">Decisions</h3>
          <ol className="flex flex-col gap-2" data-testid="decisions">
            {task.decisions.map((d) => (
              <li key={`${d.by.id}-${d.at}`} className="rounded-lg p-3 text-sm ring-1 ring-slate-200">
                <p className="flex items-center gap-1.5">
                  {d.decision === "approve" ? (
                    <CircleCheck size={15} className="text-emerald-600" />
                  ) : (
                    <CircleX size={15} className="text-red-600" />
                  )}
                  <b className="text-slate-900">{d.by.name}</b>
                  <span className="text-slate-600">{d.decision === "approve" ? "approved" : "rejected"}</span>
                  <span className="ml-auto text-xs text-slate-500">{formatWhen(new Date(d.at))}</span>
                </p>
                {d.comment && <p className="mt-1 whitespace-pre-wrap text-slate-700">“{d.comment}”</p>}
                {Object.keys(d.form).length > 0 && (
                  <p className="mt-1 text-xs text-slate-500">
                    {Object.entries(d.form)
                      .map(([k, v]) => `${task.form.find((f) => f.name === k)?.label ?? k}: ${String(v)}`)
                      .join(" · ")}
                  </p>
                )}
              </li>
            ))}
          </ol>
        </section>
      )}

      {task.canDecide ? (
        <DecisionForm
          key={task.id}
          task={task}
          me={me}
          draft={draft}
          onDraft={setDraft}
          onDecided={(decided, decision) => {
            setDraft(emptyDraft);
            onDecided(decided, decision);
          }}
        />
      ) : hasContent(draft) && !task.decisions.some((d) => d.by.id === me) ? (
        <DraftNotSent task={task} draft={draft} />
      ) : (
        task.status === "open" && (
          <p className="rounded-lg bg-slate-50 px-4 py-3 text-sm text-slate-600" data-testid="cannot-decide">
            {task.decisions.some((d) => d.by.id === me)
              ? "You decided on this task; it waits for the others."
              : "This task is not assigned to you."}
          </p>
        )
      )}
    </article>
  );
}

const emptyDraft: Draft = { comment: "", values: {} };
const hasContent = (d: Draft) =>
  d.comment.trim() !== "" || Object.values(d.values).some((v) => v !== "" && v !== false);

/** The task closed while the person was writing: say who decided, and keep what they wrote. */
function DraftNotSent({ task, draft }: { task: InboxTask; draft: Draft }) {
  const last = task.decisions.at(-1);
  const why =
    task.status === "open"
      ? "It is no longer yours to decide."
      : last
        ? `${last.by.name} ${last.decision === "approve" ? "approved" : "rejected"} it at ${formatWhen(new Date(last.at))}.`
        : `It closed (${task.status}).`;
  const text = [
    draft.comment,
    ...Object.entries(draft.values).map(([k, v]) => `${task.form.find((f) => f.name === k)?.label ?? k}: ${String(v)}`),
  ]
    .filter((line) => line.trim() !== "")
    .join("\n");
  return (
    <div
      className="rounded-xl bg-amber-50 p-4 text-sm ring-1 ring-amber-200"
      role="status"
      data-testid="draft-not-sent"
    >
      <p className="font-medium text-amber-900">Your decision was not sent. {why}</p>
      <p className="mt-1 text-amber-800">What you wrote is kept here:</p>
      <pre className="mt-2 max-h-40 overflow-auto rounded-md bg-white p-2.5 font-sans whitespace-pre-wrap text-slate-800 ring-1 ring-amber-200">
        {text}
      </pre>
      <Button
        size="sm"
        className="mt-2"
        onClick={() => {
          void navigator.clipboard?.writeText(text);
          toast("Copied what you wrote");
        }}
      >
        <Copy size={14} /> Copy
      </Button>
    </div>
  );
}

function Fact({ term, children, wide = false }: { term: string; children: React.ReactNode; wide?: boolean }) {
  return (
    <div className={wide ? "col-span-2 @xl:col-span-4" : ""}>
      <dt className="text-xs font-medium text-slate-500">{term}</dt>
      <dd className="mt-0.5 text-slate-900">{children}</dd>
    </div>
  );
}
