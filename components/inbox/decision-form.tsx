"use client";
import { useMutation } from "@tanstack/react-query";
import { Check, X } from "lucide-react";
import { useEffect, useId, useRef, useState } from "react";
import type { InboxTask, TaskFormField } from "@/lib/run/inbox";
import { useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { toast } from "../ui/toaster";
import { notAShortcut } from "./keys";

type Values = Record<string, string | boolean>;
/** What the person typed, kept by the task view so a decision taken elsewhere does not wipe it. */
export interface Draft {
  comment: string;
  values: Values;
}
type Decision = "approve" | "reject";
type Problem = { message: string; field?: string };

/** The form values as the node expects them, or the first problem (required fields only to approve). */
function formValues(
  fields: TaskFormField[],
  values: Values,
  decision: Decision,
): { form: Record<string, unknown> } | { problem: Problem } {
  const form: Record<string, unknown> = {};
  for (const field of fields) {
    const raw = values[field.name];
    if (field.type === "boolean") {
      form[field.name] = raw === true;
      continue;
    }
    const text = typeof raw === "string" ? raw.trim() : "";
    if (text === "") {
      if (field.required && decision === "approve")
        return { problem: { message: `${field.label} is required to approve`, field: field.name } };
      continue;
    }
    if (field.type === "number") {
      const n = Number(text);
      if (!Number.isFinite(n)) return { problem: { message: `${field.label} must be a number`, field: field.name } };
      form[field.name] = n;
    } else form[field.name] = text;
  }
  return { form };
}

const inputClass =
  "h-9 rounded-md border border-slate-300 px-2.5 text-sm outline-none focus:border-accent-500 focus:ring-2 focus:ring-accent-100 aria-invalid:border-red-400";

/**
 * Approve or reject with a comment (required to reject) and the node's form fields. `a` and
 * `r` move to the buttons (Enter then decides), so a stray key never decides; one request key
 * per task, so a double submit decides once.
 */
export function DecisionForm({
  task,
  me,
  draft,
  onDraft,
  onDecided,
}: {
  task: InboxTask;
  me: string | undefined;
  draft: Draft;
  onDraft: (draft: Draft) => void;
  onDecided: (task: InboxTask, decision: Decision) => void;
}) {
  const trpc = useTRPC();
  const { comment, values } = draft;
  const [problem, setProblem] = useState<Problem | null>(null);
  const requestId = useRef(crypto.randomUUID());
  const commentRef = useRef<HTMLTextAreaElement>(null);
  const approveRef = useRef<HTMLButtonElement>(null);
  const rejectRef = useRef<HTMLButtonElement>(null);
  const errorId = useId();
  const decide = useMutation(
    trpc.inbox.decide.mutationOptions({
      onSuccess: (answer) => {
        toast(answer.decision === "approve" ? "Approved" : "Rejected", "success");
        onDecided(task, answer.decision);
      },
      onError: (e) => setProblem({ message: e.message }),
    }),
  );
  const requesterBlocked = !task.allowRequesterToApprove && task.requestedBy?.id === me;

  const show = (next: Problem) => {
    setProblem(next);
    const target = next.field ? document.getElementById(`${errorId}-${next.field}`) : null;
    target?.focus();
  };
  const submit = (decision: Decision) => {
    if (decide.isPending) return;
    if (decision === "reject" && comment.trim() === "") {
      setProblem({ message: "Say why you reject: a comment is required.", field: "comment" });
      commentRef.current?.focus();
      return;
    }
    if (decision === "approve" && requesterBlocked) {
      setProblem({ message: "You started this run, so someone else has to approve it." });
      return;
    }
    const parsed = formValues(task.form, values, decision);
    if ("problem" in parsed) return show(parsed.problem);
    setProblem(null);
    decide.mutate({ taskId: task.id, decision, comment, form: parsed.form, requestId: requestId.current });
  };

  const latest = useRef({ comment, requesterBlocked });
  latest.current = { comment, requesterBlocked };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (notAShortcut(e) || (e.key !== "a" && e.key !== "r")) return;
      e.preventDefault();
      if (e.key === "a") approveRef.current?.focus();
      else if (latest.current.comment.trim() === "") commentRef.current?.focus();
      else rejectRef.current?.focus();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const setValue = (name: string, value: string | boolean) => {
    onDraft({ comment, values: { ...values, [name]: value } });
    if (problem?.field === name) setProblem(null);
  };
  const invalid = (field: string) => problem?.field === field;
  const described = (field: string) => (invalid(field) ? errorId : undefined);

  return (
    <form
      className="flex flex-col gap-3 rounded-xl bg-white p-4 ring-1 ring-slate-200"
      aria-label="Your decision"
      onSubmit={(e) => e.preventDefault()} // Enter in a field must not decide
    >
      <h3 className="text-sm font-semibold text-slate-900">Your decision</h3>
      {task.form.map((field) =>
        field.type === "boolean" ? (
          <label key={field.name} className="flex items-center gap-2 text-sm">
            <input
              id={`${errorId}-${field.name}`}
              type="checkbox"
              checked={values[field.name] === true}
              onChange={(e) => setValue(field.name, e.target.checked)}
            />
            <span className="text-slate-700">{field.label}</span>
          </label>
        ) : (
          <label key={field.name} className="flex flex-col gap-1 text-sm">
            <span className="text-slate-700">
              {field.label}
              {field.required && <span className="text-slate-400"> (required to approve)</span>}
            </span>
            <input
              id={`${errorId}-${field.name}`}
              type={field.type === "number" ? "number" : "text"}
              value={(values[field.name] as string | undefined) ?? ""}
              onChange={(e) => setValue(field.name, e.target.value)}
              aria-invalid={invalid(field.name) || undefined}
              aria-describedby={described(field.name)}
              className={inputClass}
            />
          </label>
        ),
      )}
      <label className="flex flex-col gap-1 text-sm">
        <span className="text-slate-700">
          Comment <span className="text-slate-400">(required to reject)</span>
        </span>
        <textarea
          ref={commentRef}
          value={comment}
          onChange={(e) => {
            onDraft({ comment: e.target.value, values });
            if (problem?.field === "comment") setProblem(null);
          }}
          rows={3}
          maxLength={5_000}
          aria-invalid={invalid("comment") || undefined}
          aria-describedby={described("comment")}
          className="rounded-md border border-slate-300 px-2.5 py-2 text-sm outline-none focus:border-accent-500 focus:ring-2 focus:ring-accent-100 aria-invalid:border-red-400"
        />
      </label>
      {problem && (
        <p id={errorId} role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {problem.message}
        </p>
      )}
      <div className="flex flex-wrap items-center gap-2">
        <Button
          ref={approveRef}
          variant="primary"
          onClick={() => submit("approve")}
          disabled={decide.isPending || requesterBlocked}
          aria-keyshortcuts="a"
          title={requesterBlocked ? "You started this run, so someone else has to approve it." : "a, then Enter"}
        >
          <Check size={15} /> Approve
          <span aria-hidden="true" className="ml-1 rounded bg-white/20 px-1 font-mono text-[10px]">
            A
          </span>
        </Button>
        <Button
          ref={rejectRef}
          onClick={() => submit("reject")}
          disabled={decide.isPending}
          aria-keyshortcuts="r"
          title="r, then Enter"
        >
          <X size={15} /> Reject
          <span aria-hidden="true" className="ml-1 rounded bg-slate-100 px-1 font-mono text-[10px] text-slate-500">
            R
          </span>
        </Button>
        {requesterBlocked ? (
          <span className="text-xs text-slate-500">You started this run: you may only reject.</span>
        ) : (
          <span className="text-xs text-slate-400">a or r picks a button, Enter decides</span>
        )}
      </div>
    </form>
  );
}
