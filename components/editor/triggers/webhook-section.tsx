"use client";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../../trpc";
import { Button } from "../../ui/button";
import { CopyButton } from "../../ui/copy-button";
import { toast } from "../../ui/toaster";
import { useFlowVersions } from "../versions/use-versions";

export type Hook = { token: string; mode: "sync" | "async" } | null;

/** Turns the flow's webhook on or off and shows its secret address. */
export function WebhookSection({
  flowId,
  hook,
  setHook,
}: {
  flowId: string;
  hook: Hook;
  setHook: (hook: Hook) => void;
}) {
  const trpc = useTRPC();
  const [mode, setMode] = useState<"sync" | "async">(hook?.mode ?? "sync");
  const set = useMutation(
    trpc.flows.setWebhook.mutationOptions({
      onSuccess: (result) => setHook(result && { token: result.token, mode: result.mode }),
      onError: (e) => toast(e.message, "error"),
    }),
  );
  const url = hook && typeof window !== "undefined" ? `${window.location.origin}/api/hooks/${hook.token}` : "";
  const versions = useFlowVersions(flowId);
  const latest = versions.data?.[0]?.version;
  return (
    <section className="flex flex-col gap-4 text-sm" aria-label="Webhook">
      <h3 className="font-medium text-slate-900">Webhook</h3>
      <p className="text-slate-600">
        Other systems start a run with <code className="font-mono">POST</code> (JSON body) or{" "}
        <code className="font-mono">GET</code> (query string); the fields become the run input. It runs the newest
        published version{latest ? ` (now v${latest})` : ""}, not the draft.
      </p>
      {versions.data?.length === 0 && (
        <p className="rounded-md bg-amber-50 p-2 text-xs text-amber-800 ring-1 ring-amber-200" role="note">
          Nothing is published yet: calls are answered 409 until you publish the flow.
        </p>
      )}
      <label className="flex flex-col gap-1">
        <span className="text-xs font-medium text-slate-700">Answer</span>
        <select
          aria-label="Answer"
          value={mode}
          onChange={(e) => setMode(e.target.value as "sync" | "async")}
          className="h-9 rounded-md border border-slate-300 px-2"
        >
          <option value="sync">With the run's output when it ends (sync)</option>
          <option value="async">At once, with the run id (async)</option>
        </select>
      </label>
      {hook && (
        <div className="flex items-center gap-2 rounded-md bg-slate-50 p-2 ring-1 ring-slate-200">
          <code className="min-w-0 flex-1 truncate font-mono text-xs" data-testid="webhook-url">
            {url}
          </code>
          <CopyButton text={url} what="address" />
        </div>
      )}
      <div className="flex justify-between gap-2">
        {hook ? (
          <Button variant="danger" disabled={set.isPending} onClick={() => set.mutate({ id: flowId, enabled: false })}>
            Turn off
          </Button>
        ) : (
          <span />
        )}
        <Button
          variant="primary"
          disabled={set.isPending}
          onClick={() => set.mutate({ id: flowId, enabled: true, mode })}
        >
          {hook ? "New address" : "Turn on"}
        </Button>
      </div>
      {hook && (
        <p className="text-xs text-slate-500">
          A new address revokes the old one. Anyone with the address can start runs.
        </p>
      )}
    </section>
  );
}
