"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ArrowLeft, EyeOff, RotateCcw, ShieldCheck } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "../../trpc";
import { Button } from "../../ui/button";
import { formatWhen } from "../../ui/format";
import { toast } from "../../ui/toaster";

const inputClass = "h-8 rounded-md border border-slate-300 bg-white px-2 text-sm";

/**
 * Dead letters: failed runs nobody retried or dismissed yet, and forEach items that failed while
 * their run went on. Filter by flow, error and time; select several to retry (on their version
 * or the newest) or to dismiss.
 */
export function FailedPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [flowId, setFlowId] = useState("");
  const [error, setError] = useState("");
  const [since, setSince] = useState("");
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const flows = useQuery(trpc.flows.list.queryOptions());
  const input = {
    ...(flowId && { flowId }),
    ...(error.trim() && { error: error.trim() }),
    ...(since && { since: new Date(since) }),
  };
  const failures = useQuery({ ...trpc.runs.failures.queryOptions(input), placeholderData: (p) => p });
  const done = (what: string) => {
    toast(what, "success");
    setChosen(new Set());
    void queryClient.invalidateQueries({ queryKey: trpc.runs.failures.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.runs.list.queryKey() });
  };
  const retry = useMutation(
    trpc.runs.retryMany.mutationOptions({
      onSuccess: (results) => {
        const refused = results.filter((r) => r.error);
        done(
          `${results.length - refused.length} retried${refused.length ? `, ${refused.length} could not be: ${refused[0]!.error}` : ""}`,
        );
      },
      onError: (e) => toast(e.message, "error"),
    }),
  );
  const dismiss = useMutation(
    trpc.runs.dismiss.mutationOptions({
      onSuccess: ({ dismissed }) => done(`${dismissed} dismissed`),
      onError: (e) => toast(e.message, "error"),
    }),
  );
  const runs = failures.data?.runs ?? [];
  const ids = [...chosen];
  const toggle = (id: string, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(id);
    else next.delete(id);
    setChosen(next);
  };
  return (
    <div className="mx-auto max-w-6xl p-8">
      <Link href="/runs" className="mb-2 inline-flex items-center gap-1 text-sm text-slate-500 hover:text-slate-800">
        <ArrowLeft size={14} /> All runs
      </Link>
      <h1 className="text-2xl font-semibold text-slate-900">Failed</h1>
      <p className="mt-1 text-sm text-slate-500">
        Runs that failed after their retries, and items of a list that failed while their run went on. Retry them once
        the cause is fixed, or dismiss what needs nothing more.
      </p>
      <fieldset className="mt-5 flex flex-wrap items-center gap-2" aria-label="Filters">
        <select aria-label="Flow" value={flowId} onChange={(e) => setFlowId(e.target.value)} className={inputClass}>
          <option value="">All flows</option>
          {flows.data?.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </select>
        <input
          aria-label="Error contains"
          placeholder="Error contains…"
          value={error}
          onChange={(e) => setError(e.target.value)}
          className={`${inputClass} w-64`}
        />
        <label className="flex items-center gap-1.5 text-sm text-slate-600">
          Since
          <input
            aria-label="Since"
            type="date"
            value={since}
            onChange={(e) => setSince(e.target.value)}
            className={inputClass}
          />
        </label>
        <div className="ml-auto flex gap-2">
          <Button
            size="sm"
            disabled={ids.length === 0 || retry.isPending}
            onClick={() => retry.mutate({ ids, version: "same" })}
          >
            <RotateCcw size={14} /> Retry {ids.length || ""}
          </Button>
          <Button
            size="sm"
            disabled={ids.length === 0 || retry.isPending}
            onClick={() => retry.mutate({ ids, version: "latest" })}
          >
            <RotateCcw size={14} /> Retry on latest version
          </Button>
          <Button size="sm" disabled={ids.length === 0 || dismiss.isPending} onClick={() => dismiss.mutate({ ids })}>
            <EyeOff size={14} /> Dismiss
          </Button>
        </div>
      </fieldset>

      {failures.isSuccess && runs.length === 0 && failures.data.items.length === 0 && (
        <div className="mt-4 flex flex-col items-center rounded-xl border border-dashed border-slate-300 bg-white px-6 py-14 text-center">
          <ShieldCheck className="text-emerald-600" />
          <h2 className="mt-3 text-lg font-semibold text-slate-900">Nothing failed</h2>
          <p className="mt-1 text-sm text-slate-500">
            No failed run waits to be retried or dismissed{input.flowId || input.error ? " with these filters" : ""}.
          </p>
        </div>
      )}
      {runs.length > 0 && (
        <div className="mt-4 overflow-hidden rounded-xl border border-slate-200 bg-white">
          <table className="w-full text-sm" aria-label="Failed runs">
            <thead className="bg-slate-50 text-left text-xs font-medium text-slate-500">
              <tr>
                <th className="w-10 px-4 py-2.5">
                  <input
                    type="checkbox"
                    aria-label="Select all"
                    checked={runs.length > 0 && runs.every((r) => chosen.has(r.id))}
                    onChange={(e) => setChosen(e.target.checked ? new Set(runs.map((r) => r.id)) : new Set())}
                  />
                </th>
                <th className="px-4 py-2.5">Flow</th>
                <th className="px-4 py-2.5">Error</th>
                <th className="px-4 py-2.5">Failed</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {runs.map((r) => (
                <tr key={r.id} data-testid={`failed-${r.id}`}>
                  <td className="px-4 py-3">
                    <input
                      type="checkbox"
                      aria-label={`Select ${r.flowName} run`}
                      checked={chosen.has(r.id)}
                      onChange={(e) => toggle(r.id, e.target.checked)}
                    />
                  </td>
                  <td className="px-4 py-3">
                    <Link href={`/runs/${r.id}`} className="font-medium text-slate-900 hover:text-accent-700">
                      {r.flowName}
                    </Link>
                    <span className="ml-2 text-xs text-slate-400">{r.flowVersion ? `v${r.flowVersion}` : "draft"}</span>
                  </td>
                  <td className="max-w-md truncate px-4 py-3 text-red-700" title={r.error?.message}>
                    {r.error?.message ?? "—"}
                  </td>
                  <td className="px-4 py-3 text-slate-600">{formatWhen(r.finishedAt ?? r.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(failures.data?.items.length ?? 0) > 0 && (
        <section className="mt-6">
          <h2 className="text-sm font-semibold text-slate-900">Failed items of runs that went on</h2>
          <ul className="mt-2 divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white text-sm">
            {failures.data!.items.map((i) => (
              <li key={`${i.runId}-${i.nodeId}-${i.path.join(".")}`} className="flex gap-3 px-4 py-2.5">
                <Link
                  href={`/runs/${i.runId}?node=${i.nodeId}&path=${i.path.join(".")}`}
                  className="font-medium text-slate-900 hover:text-accent-700"
                >
                  {i.flowName} · {i.nodeId} #{i.path.map((p) => p + 1).join(".")}
                </Link>
                <span className="min-w-0 flex-1 truncate text-red-700" title={i.error?.message}>
                  {i.error?.message}
                </span>
                <span className="text-slate-500">{formatWhen(i.at)}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
