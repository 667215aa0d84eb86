"use client";
import { useMutation } from "@tanstack/react-query";
import { Check, X } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import type { InboxTask, TaskFormField } from "@/lib/run/inbox";
import { useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { toast } from "../ui/toaster";
import { notAShortcut } from "./keys";

type Values = Record<string, string | boolean>;

/** The form values as the node expects them, or the first problem in words. */
function formValues(fields: TaskFormField[], values: Values): { form: Record<string, unknown> } | { problem: string } {
  const form: Record<string, unknown> = {};
  for (const field of fields) {
    const raw = values[field.name];
    if (field.type === "boolean") {
      form[field.name] = raw === true;
      continue;
    }
    const text = typeof raw === "string" ? raw.trim() : "";
    if (text === "") {
      if (field.required) return { problem: `${field.label} is required` };
      continue;
    }
    if (field.type === "number") {
      const n = Number(text);
      if (!Number.isFinite(n)) return { problem: `${field.label} must be a number` };
      form[field.name] = n;
    } else form[field.name] = text;
  }
  return { form };
}

/**
 * Approve or reject with a comment (required to reject) and the node's form fields. `a` and
 * `r` decide from the keyboard; one request key per task, so a double submit decides once.
 */
export function DecisionForm({
  task,
  me,
  onDecided,
}: {
  task: InboxTask;
  me: string | undefined;
  onDecided: (task: InboxTask, decision: "approve" | "reject") => void;
}) {
  const trpc = useTRPC();
  const [comment, setComment] = useState("");
  const [values, setValues] = useState<Values>({});
  const [problem, setProblem] = useState<string | null>(null);
  const requestId = useRef(crypto.randomUUID());
  const commentRef = useRef<HTMLTextAreaElement>(null);
  const decide = useMutation(
    trpc.inbox.decide.mutationOptions({
      onSuccess: (answer) => {
        toast(answer.decision === "approve" ? "Approved" : "Rejected", "success");
        onDecided(task, answer.decision);
      },
      onError: (e) => setProblem(e.message),
    }),
  );
  const requesterBlocked = !task.allowRequesterToApprove && task.requestedBy?.id === me;

  const submit = (decision: "approve" | "reject") => {
    if (decide.isPending) return;
    if (decision === "reject" && comment.trim() === "") {
      setProblem("Say why you reject: a comment is required.");
      commentRef.current?.focus();
      return;
    }
    if (decision === "approve" && requesterBlocked) {
      setProblem("You started this run, so someone else has to approve it.");
      return;
    }
    const parsed = formValues(task.form, values);
    if ("problem" in parsed) {
      setProblem(parsed.problem);
      return;
    }
    setProblem(null);
    decide.mutate({ taskId: task.id, decision, comment, form: parsed.form, requestId: requestId.current });
  };

  const latest = useRef(submit);
  latest.current = submit;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (notAShortcut(e)) return;
      if (e.key === "a") latest.current("approve");
      else if (e.key === "r") latest.current("reject");
      else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  return (
    <form
      className="flex flex-col gap-3 rounded-xl bg-white p-4 ring-1 ring-slate-200"
      aria-label="Your decision"
      onSubmit={(e) => {
        e.preventDefault();
        submit("approve");
      }}
    >
      <h3 className="text-sm font-semibold text-slate-900">Your decision</h3>
      {task.form.map((field) =>
        field.type === "boolean" ? (
          <label key={field.name} className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              checked={values[field.name] === true}
              onChange={(e) => setValues((v) => ({ ...v, [field.name]: e.target.checked }))}
            />
            <span className="text-slate-700">{field.label}</span>
          </label>
        ) : (
          <label key={field.name} className="flex flex-col gap-1 text-sm">
            <span className="text-slate-700">
              {field.label}
              {field.required && <span className="text-red-600"> *</span>}
            </span>
            <input
              type={field.type === "number" ? "number" : "text"}
              value={(values[field.name] as string | undefined) ?? ""}
              onChange={(e) => setValues((v) => ({ ...v, [field.name]: e.target.value }))}
              className="h-9 rounded-md border border-slate-300 px-2.5 text-sm outline-none focus:border-accent-500 focus:ring-2 focus:ring-accent-100"
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
          onChange={(e) => setComment(e.target.value)}
          rows={3}
          maxLength={5_000}
          className="rounded-md border border-slate-300 px-2.5 py-2 text-sm outline-none focus:border-accent-500 focus:ring-2 focus:ring-accent-100"
        />
      </label>
      {problem && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {problem}
        </p>
      )}
      <div className="flex items-center gap-2">
        <Button
          variant="primary"
          onClick={() => submit("approve")}
          disabled={decide.isPending || requesterBlocked}
          title={requesterBlocked ? "You started this run, so someone else has to approve it." : "Approve (a)"}
        >
          <Check size={15} /> Approve <kbd className="ml-1 rounded bg-white/20 px-1 text-[10px]">A</kbd>
        </Button>
        <Button onClick={() => submit("reject")} disabled={decide.isPending} title="Reject (r)">
          <X size={15} /> Reject <kbd className="ml-1 rounded bg-slate-100 px-1 text-[10px] text-slate-500">R</kbd>
        </Button>
        {requesterBlocked && <span className="text-xs text-slate-500">You started this run: you may only reject.</span>}
      </div>
    </form>
  );
}
