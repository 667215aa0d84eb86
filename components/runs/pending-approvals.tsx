"use client";
import { useMutation } from "@tanstack/react-query";
import { Check, X } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { toast } from "../ui/toaster";
import { useRun } from "./run-context";

/** Approvals the watched run waits on, decided right here (the inbox lists them all). */
export function PendingApprovals() {
  const trpc = useTRPC();
  const runId = useRun((s) => s.runId);
  const nodes = useRun((s) => s.run.nodes);
  const decide = useMutation(trpc.runs.decide.mutationOptions({ onError: (e) => toast(e.message, "error") }));
  const [comments, setComments] = useState<Record<string, string>>({});
  const waiting = Object.entries(nodes).filter(([, n]) => n.status === "waiting" && n.approval);
  if (!runId || waiting.length === 0) return null;
  return (
    <div className="pointer-events-auto flex w-80 flex-col gap-2">
      {waiting.map(([nodeId, node]) => {
        const request = node.approval!.request;
        const approvals = node.approval!.decisions.filter((d) => d.decision === "approve").length;
        return (
          <div
            key={nodeId}
            className="rounded-xl bg-white p-4 text-sm shadow-lg ring-1 ring-amber-200"
            data-testid={`approval-${nodeId}`}
          >
            <p className="font-medium text-slate-900">{request.title}</p>
            {request.instructions && <p className="mt-1 text-xs text-slate-600">{request.instructions}</p>}
            <p className="mt-1 text-xs text-slate-500">
              {approvals} of {request.requiredApprovals} approval{request.requiredApprovals === 1 ? "" : "s"}
              {request.timeoutAt && ` · due ${new Date(request.timeoutAt).toLocaleString()}`}
            </p>
            <input
              aria-label="Comment"
              placeholder="Comment (required to reject)"
              value={comments[nodeId] ?? ""}
              onChange={(e) => setComments((c) => ({ ...c, [nodeId]: e.target.value }))}
              className="mt-3 h-8 w-full rounded-md border border-slate-300 px-2 text-xs outline-none focus:border-accent-500"
            />
            <div className="mt-2 flex items-center gap-2">
              <Button
                size="sm"
                variant="primary"
                disabled={decide.isPending}
                onClick={() =>
                  decide.mutate({
                    runId,
                    nodeId: node.nodeId,
                    path: node.path,
                    decision: "approve",
                    comment: comments[nodeId] ?? "",
                  })
                }
              >
                <Check size={14} /> Approve
              </Button>
              <Button
                size="sm"
                disabled={decide.isPending}
                onClick={() =>
                  decide.mutate({
                    runId,
                    nodeId: node.nodeId,
                    path: node.path,
                    decision: "reject",
                    comment: comments[nodeId] ?? "",
                  })
                }
              >
                <X size={14} /> Reject
              </Button>
              <Link
                href={`/inbox?run=${runId}&node=${encodeURIComponent(node.nodeId)}${node.path.length ? `&path=${node.path.join(".")}` : ""}`}
                className="ml-auto text-xs text-accent-700 hover:underline"
              >
                Open in inbox
              </Link>
            </div>
          </div>
        );
      })}
    </div>
  );
}
