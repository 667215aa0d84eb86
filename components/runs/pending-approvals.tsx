"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { Check, X } from "lucide-react";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import type { InboxTask } from "@/lib/run/inbox";
import type { NodeRunState } from "@/lib/run/state";
import { useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { formatWhen } from "../ui/format";
import { toast } from "../ui/toaster";
import { useRun } from "./run-context";

/**
 * Approvals the watched run waits on. Someone who may decide a simple one (no required form
 * field) decides it right here; everyone else gets the way to its task in the inbox.
 */
export function PendingApprovals() {
  const trpc = useTRPC();
  const runId = useRun((s) => s.runId);
  const nodes = useRun((s) => s.run.nodes);
  const waiting = Object.entries(nodes).filter(([, n]) => n.status === "waiting" && n.approval);
  const waitingKey = waiting.map(([key, n]) => `${key}:${n.approval!.decisions.length}`).join(",");
  const tasks = useQuery({
    ...trpc.inbox.ofRun.queryOptions({ runId: runId ?? "" }),
    enabled: !!runId && waiting.length > 0,
  });
  const { refetch } = tasks;
  // Refetched when what waits changes: a new approval, a decision taken.
  useEffect(() => {
    if (waitingKey) void refetch();
  }, [waitingKey, refetch]);
  if (!runId || waiting.length === 0) return null;
  return (
    <div className="pointer-events-auto flex w-80 flex-col gap-2">
      {waiting.map(([key, node]) => (
        <ApprovalCard
          key={key}
          runId={runId}
          instance={key}
          node={node}
          task={tasks.data?.find((t) => t.nodeId === node.nodeId && t.path.join(".") === node.path.join("."))}
        />
      ))}
    </div>
  );
}

function ApprovalCard({
  runId,
  instance,
  node,
  task,
}: {
  runId: string;
  instance: string;
  node: NodeRunState;
  task: InboxTask | undefined;
}) {
  const trpc = useTRPC();
  const [comment, setComment] = useState("");
  // One key for this person's decision on this approval: a retry or a second click gets the
  // first answer instead of a conflict (once it is in, the card no longer offers to decide).
  const requestId = useRef(crypto.randomUUID());
  const decide = useMutation(
    trpc.runs.decide.mutationOptions({
      // The answer says what was recorded: a repeat of an earlier request may have decided otherwise.
      onSuccess: (answer) => toast(answer.decision === "approve" ? "Approved" : "Rejected", "success"),
      onError: (e) => toast(e.message, "error"),
    }),
  );
  const request = node.approval!.request;
  const approvals = node.approval!.decisions.filter((d) => d.decision === "approve").length;
  const quick = task?.canDecide && !task.form.some((f) => f.required);
  const inboxLink = `/inbox?run=${runId}&node=${encodeURIComponent(node.nodeId)}${node.path.length ? `&path=${node.path.join(".")}` : ""}`;
  const send = (decision: "approve" | "reject") =>
    decide.mutate({ runId, nodeId: node.nodeId, path: node.path, decision, comment, requestId: requestId.current });
  return (
    <div
      className="rounded-xl bg-white p-4 text-sm shadow-lg ring-1 ring-amber-200"
      data-testid={`approval-${instance}`}
    >
      <p className="font-medium text-slate-900">{request.title}</p>
      {request.instructions && <p className="mt-1 line-clamp-3 text-xs text-slate-600">{request.instructions}</p>}
      <p className="mt-1 text-xs text-slate-500">
        {approvals} of {request.requiredApprovals} approval{request.requiredApprovals === 1 ? "" : "s"}
        {request.timeoutAt && ` · due ${formatWhen(new Date(request.timeoutAt))}`}
      </p>
      {quick && (
        <>
          <input
            aria-label="Comment"
            placeholder="Comment (required to reject)"
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            className="mt-3 h-8 w-full rounded-md border border-slate-300 px-2 text-xs outline-none focus:border-accent-500"
          />
          <div className="mt-2 flex gap-2">
            <Button size="sm" variant="primary" disabled={decide.isPending} onClick={() => send("approve")}>
              <Check size={14} /> Approve
            </Button>
            <Button size="sm" disabled={decide.isPending} onClick={() => send("reject")}>
              <X size={14} /> Reject
            </Button>
          </div>
        </>
      )}
      <Link href={inboxLink} className="mt-2 inline-block text-xs font-medium text-accent-700 hover:underline">
        {quick ? "Open in inbox" : task?.canDecide ? "Decide in the inbox (form to fill)" : "Open in inbox"}
      </Link>
    </div>
  );
}
