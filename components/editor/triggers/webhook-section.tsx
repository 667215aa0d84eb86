"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { defaultWebhookOptions, type WebhookOptions } from "@/lib/webhook/options";
import { useTRPC } from "../../trpc";
import { Button } from "../../ui/button";
import { CopyButton } from "../../ui/copy-button";
import { toast } from "../../ui/toaster";
import { useFlowVersions } from "../versions/use-versions";

export type Hook = { token: string; mode: "sync" | "async"; options: WebhookOptions } | null;

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
  const [options, setOptions] = useState<WebhookOptions>(hook?.options ?? defaultWebhookOptions);
  const credentials = useQuery(trpc.credentials.list.queryOptions());
  const onSuccess = (result: Hook) =>
    setHook(result && { token: result.token, mode: result.mode, options: result.options });
  const onError = (e: { message: string }) => toast(e.message, "error");
  const set = useMutation(trpc.flows.setWebhook.mutationOptions({ onSuccess, onError }));
  const save = useMutation(
    trpc.flows.setWebhookOptions.mutationOptions({
      onSuccess: (result) => {
        onSuccess(result);
        toast("Webhook settings saved; the address stays");
      },
      onError,
    }),
  );
  const changed = hook !== null && (mode !== hook.mode || JSON.stringify(options) !== JSON.stringify(hook.options));
  const signature = options.signature;
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
      {mode === "sync" && (
        <label className="flex flex-col gap-1">
          <span className="text-xs font-medium text-slate-700">Body of the answer</span>
          <select
            aria-label="Body of the answer"
            value={options.answer}
            onChange={(e) => setOptions({ ...options, answer: e.target.value as WebhookOptions["answer"] })}
            className="h-9 rounded-md border border-slate-300 px-2"
          >
            <option value="envelope">{"{ runId, status, output }"}</option>
            <option value="output">The bare output, with the status and headers the End node sets</option>
          </select>
        </label>
      )}
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={signature !== null}
          onChange={(e) =>
            setOptions({
              ...options,
              signature: e.target.checked
                ? { header: "x-hub-signature-256", credentialId: credentials.data?.[0]?.id ?? "" }
                : null,
            })
          }
        />
        Require a signature (HMAC-SHA256 of the body, as GitHub and Stripe-style senders send)
      </label>
      {signature && (
        <div className="grid grid-cols-2 gap-2">
          <label className="flex flex-col gap-1">
            <span className="text-xs font-medium text-slate-700">Header</span>
            <input
              aria-label="Signature header"
              value={signature.header}
              onChange={(e) => setOptions({ ...options, signature: { ...signature, header: e.target.value } })}
              className="h-9 rounded-md border border-slate-300 px-2 font-mono text-xs"
            />
          </label>
          <label className="flex flex-col gap-1">
            <span className="text-xs font-medium text-slate-700">Secret (a credential)</span>
            <select
              aria-label="Signing secret"
              value={signature.credentialId}
              onChange={(e) => setOptions({ ...options, signature: { ...signature, credentialId: e.target.value } })}
              className="h-9 rounded-md border border-slate-300 px-2"
            >
              <option value="">Pick one…</option>
              {credentials.data?.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
        </div>
      )}
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
        <div className="flex gap-2">
          {changed && (
            <Button
              variant="primary"
              disabled={save.isPending}
              onClick={() => save.mutate({ id: flowId, mode, options })}
            >
              Save settings
            </Button>
          )}
          <Button
            variant={changed ? "secondary" : "primary"}
            disabled={set.isPending}
            onClick={() => set.mutate({ id: flowId, enabled: true, mode, options })}
          >
            {hook ? "New address" : "Turn on"}
          </Button>
        </div>
      </div>
      {hook && (
        <p className="text-xs text-slate-500">
          A new address revokes the old one. Anyone with the address can start runs.
        </p>
      )}
    </section>
  );
}
