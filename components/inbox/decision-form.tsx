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
  /** A tool call's arguments as the approver edits them: per field for a flat object, else JSON text. */
  args?: Values | string;
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
    const args = decision === "approve" && task.tool?.editableArgs ? editedArgs(task.tool.args, draft.args) : {};
    if ("problem" in args) return show(args.problem);
    setProblem(null);
    decide.mutate({
      taskId: task.id,
      decision,
      comment,
      form: parsed.form,
      requestId: requestId.current,
      ...("args" in args && { args: args.args }),
    });
  };

  const latest = useRef({ comment, requesterBlocked });
  latest.current = { comment, requesterBlocked };
  /** The decision `a` or `r` picked: Ctrl/Cmd+Enter in the comment sends it. */
  const intent = useRef<Decision | null>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (notAShortcut(e) || (e.key !== "a" && e.key !== "r")) return;
      e.preventDefault();
      intent.current = e.key === "a" ? "approve" : "reject";
      if (e.key === "a") approveRef.current?.focus();
      else if (latest.current.comment.trim() === "") commentRef.current?.focus();
      else rejectRef.current?.focus();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const setValue = (name: string, value: string | boolean) => {
    onDraft({ ...draft, values: { ...values, [name]: value } });
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
      {task.tool?.editableArgs && (
        <ArgsEditor
          args={task.tool.args}
          draft={draft.args}
          invalid={problem?.field === "args"}
          errorId={errorId}
          onChange={(next) => {
            onDraft({ ...draft, args: next });
            if (problem?.field === "args") setProblem(null);
          }}
        />
      )}
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
            onDraft({ ...draft, comment: e.target.value });
            if (problem?.field === "comment") setProblem(null);
          }}
          onKeyDown={(e) => {
            // Ctrl/Cmd+Enter sends the decision picked with a or r (reject when none was: a
            // comment is what rejecting needs); Esc leaves the box for the buttons.
            if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              submit(intent.current ?? "reject");
            } else if (e.key === "Escape") {
              e.preventDefault();
              (intent.current === "approve" ? approveRef : rejectRef).current?.focus();
            }
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
          <span className="text-xs text-slate-400">
            a or r picks a button, Enter decides; in the comment, Ctrl+Enter sends it, Esc leaves it
          </span>
        )}
      </div>
    </form>
  );
}

const isFlat = (v: unknown): v is Record<string, string | number | boolean | null> =>
  typeof v === "object" &&
  v !== null &&
  !Array.isArray(v) &&
  Object.values(v).every((x) => x === null || ["string", "number", "boolean"].includes(typeof x));

/**
 * The arguments to approve the call with: unchanged ({}), or edited ({ args }), or why the edit
 * cannot be read. A flat object is edited per field (each keeps its type); anything else as JSON.
 */
function editedArgs(original: unknown, draft: Values | string | undefined): { args?: unknown } | { problem: Problem } {
  if (draft === undefined) return {};
  if (typeof draft === "string") {
    try {
      return { args: JSON.parse(draft) };
    } catch {
      return { problem: { message: "The arguments are not valid JSON.", field: "args" } };
    }
  }
  const base = original as Record<string, unknown>;
  const args: Record<string, unknown> = { ...base };
  for (const [key, raw] of Object.entries(draft)) {
    if (typeof base[key] === "number") {
      const n = Number(raw);
      if (!Number.isFinite(n)) return { problem: { message: `${key} must be a number`, field: "args" } };
      args[key] = n;
    } else args[key] = raw;
  }
  return { args };
}

/** The tool call's arguments, for the approver to change before approving. */
function ArgsEditor(props: {
  args: unknown;
  draft: Values | string | undefined;
  invalid: boolean;
  errorId: string;
  onChange: (next: Values | string) => void;
}) {
  const { args, draft } = props;
  if (!isFlat(args)) {
    const text = typeof draft === "string" ? draft : JSON.stringify(args, null, 2);
    return (
      <label className="flex flex-col gap-1 text-sm">
        <span className="text-slate-700">Arguments (JSON)</span>
        <textarea
          id={`${props.errorId}-args`}
          value={text}
          rows={Math.min(12, text.split("\n").length + 1)}
          onChange={(e) => props.onChange(e.target.value)}
          aria-invalid={props.invalid || undefined}
          className="rounded-md border border-slate-300 px-2.5 py-2 font-mono text-xs outline-none focus:border-accent-500 focus:ring-2 focus:ring-accent-100 aria-invalid:border-red-400"
        />
      </label>
    );
  }
  const fields = typeof draft === "object" ? draft : {};
  return (
    <fieldset className="flex flex-col gap-2" data-testid="args-editor">
      <legend className="mb-1 text-sm text-slate-700">Arguments</legend>
      {Object.entries(args).map(([key, value]) =>
        typeof value === "boolean" ? (
          <label key={key} className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              checked={(fields[key] ?? value) === true}
              onChange={(e) => props.onChange({ ...fields, [key]: e.target.checked })}
            />
            <span className="font-mono text-slate-700">{key}</span>
          </label>
        ) : (
          <label key={key} className="grid grid-cols-[8rem_1fr] items-center gap-2 text-sm">
            <span className="truncate font-mono text-slate-600">{key}</span>
            <input
              id={key === Object.keys(args)[0] ? `${props.errorId}-args` : undefined}
              aria-label={`Argument ${key}`}
              type={typeof value === "number" ? "number" : "text"}
              value={String(fields[key] ?? value ?? "")}
              onChange={(e) => props.onChange({ ...fields, [key]: e.target.value })}
              aria-invalid={props.invalid || undefined}
              className={inputClass}
            />
          </label>
        ),
      )}
    </fieldset>
  );
}
