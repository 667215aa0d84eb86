"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { ChevronLeft, ChevronRight, PlayCircle } from "lucide-react";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { type RunStatus, runStatuses } from "@/lib/run/events";
import { startedByLabel } from "@/lib/run/trigger";
import { useTRPC } from "../../trpc";
import { Button } from "../../ui/button";
import { FlowVersionChip } from "../../ui/flow-version-chip";
import { formatDayAndTime, formatDuration } from "../../ui/format";
import { useNow } from "../../ui/use-now";
import { Cost, NoPricesHint, useModelPrices } from "../cost";
import { runStatusChipClass, runStatusLooks } from "../run-status-looks";
import { useRunsChanged } from "./use-runs-changed";

const PAGE_SIZE = 25;

/** Every run of the workspace, newest first: filter by status and flow, page through, live. */
/** `?version=` as the list filter takes it: a published version's number, or "draft". */
function versionParam(value: string | null): number | "draft" | undefined {
  if (value === "draft") return "draft";
  const n = Number(value);
  return value && Number.isInteger(n) && n > 0 ? n : undefined;
}

export function RunsPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  // The filters live here and are mirrored to the URL (shareable, kept on reload); reading
  // them back from the URL would lose a click made before the URL caught up.
  const [filters, setFilters] = useState(() => ({
    statuses: (params.get("status")?.split(",") ?? []).filter((s): s is RunStatus =>
      (runStatuses as readonly string[]).includes(s),
    ),
    flowId: params.get("flow") ?? undefined,
    version: versionParam(params.get("version")),
    page: Math.max(0, Number(params.get("page") ?? 0) || 0),
  }));
  const { statuses, flowId, version, page } = filters;
  const setParams = (next: {
    status?: RunStatus[];
    flow?: string | null;
    version?: number | "draft" | null;
    page?: number;
  }) => {
    const nextFlow = next.flow === undefined ? flowId : (next.flow ?? undefined);
    const updated = {
      statuses: next.status ?? statuses,
      flowId: nextFlow,
      // A version belongs to one flow: another flow (or all) drops it.
      version: nextFlow !== flowId ? undefined : next.version === undefined ? version : (next.version ?? undefined),
      page: next.page ?? 0, // a new filter starts at the first page
    };
    setFilters(updated);
    const q = new URLSearchParams();
    if (updated.statuses.length) q.set("status", updated.statuses.join(","));
    if (updated.flowId) q.set("flow", updated.flowId);
    if (updated.version !== undefined) q.set("version", String(updated.version));
    if (updated.page > 0) q.set("page", String(updated.page));
    router.replace(`${pathname}${q.size ? `?${q}` : ""}`, { scroll: false });
  };

  const input = { statuses, flowId, version, page, pageSize: PAGE_SIZE };
  const runs = useQuery({ ...trpc.runs.list.queryOptions(input), placeholderData: (previous) => previous });
  const flows = useQuery(trpc.flows.list.queryOptions());
  useRunsChanged(() => void queryClient.invalidateQueries({ queryKey: trpc.runs.list.queryKey() }));
  const now = useNow(runs.data?.items.some((r) => !r.finishedAt) ? 1_000 : null);

  const total = runs.data?.total ?? 0;
  const first = page * PAGE_SIZE;
  const filtered = statuses.length > 0 || flowId !== undefined;
  const versions = useQuery({ ...trpc.flows.versions.queryOptions({ id: flowId ?? "" }), enabled: Boolean(flowId) });
  const prices = useModelPrices();
  const stalled = useQuery({ ...trpc.runs.stalled.queryOptions(), refetchInterval: 60_000 });
  const stallOf = new Map((stalled.data ?? []).map((s) => [s.runId, s.reason]));
  const flowUsage = useQuery({
    ...trpc.runs.flowUsage.queryOptions({ flowId: flowId ?? "" }),
    enabled: Boolean(flowId),
  });
  return (
    <div className="mx-auto max-w-6xl p-8">
      <h1 className="text-2xl font-semibold text-slate-900">Runs</h1>
      <div className="flex items-end justify-between gap-4">
        <p className="mt-1 text-sm text-slate-500">
          Every run of every flow, newest first. The list updates as runs go.
        </p>
        <Link href="/runs/failed" className="text-sm font-medium text-accent-700 hover:underline">
          Failed runs to retry or dismiss →
        </Link>
      </div>

      <fieldset className="mt-6 flex flex-wrap items-center gap-2" aria-label="Filter by status">
        {runStatuses.map((status) => {
          const on = statuses.includes(status);
          return (
            <button
              key={status}
              type="button"
              aria-pressed={on}
              onClick={() => setParams({ status: on ? statuses.filter((s) => s !== status) : [...statuses, status] })}
              className={`rounded-full px-3 py-1 text-xs font-medium ring-1 transition-colors ${
                on
                  ? "bg-accent-600 text-white ring-accent-600"
                  : "bg-white text-slate-600 ring-slate-300 hover:bg-slate-50"
              }`}
            >
              {runStatusLooks[status].word}
            </button>
          );
        })}
        <select
          aria-label="Filter by flow"
          value={flowId ?? ""}
          onChange={(e) => setParams({ flow: e.target.value || null })}
          className="ml-auto h-8 rounded-md border border-slate-300 bg-white px-2 text-sm"
        >
          <option value="">All flows</option>
          {flows.data?.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </select>
        {flowId && (
          <select
            aria-label="Filter by version"
            value={version === undefined ? "" : String(version)}
            onChange={(e) =>
              setParams({
                version: e.target.value === "" ? null : e.target.value === "draft" ? "draft" : Number(e.target.value),
              })
            }
            className="h-8 rounded-md border border-slate-300 bg-white px-2 text-sm"
          >
            <option value="">All versions</option>
            <option value="draft">Draft runs</option>
            {versions.data?.map((v) => (
              <option key={v.version} value={v.version}>
                v{v.version}
              </option>
            ))}
          </select>
        )}
      </fieldset>

      {flowId && flowUsage.data && flowUsage.data.runs > 0 && (
        <p className="mt-3 flex items-center gap-2 text-sm text-slate-600" data-testid="flow-cost">
          This flow&apos;s runs cost{" "}
          <b className="text-slate-900">
            <Cost usage={flowUsage.data.usage} prices={prices} />
          </b>
          <span className="text-xs text-slate-400">
            ({flowUsage.data.capped ? "latest " : ""}
            {flowUsage.data.runs} runs, at current prices)
          </span>
          {prices.length === 0 && <NoPricesHint />}
        </p>
      )}
      {runs.isPending && <div className="mt-4 h-48 animate-pulse rounded-xl bg-slate-100" role="status" />}
      {runs.isError && (
        <p role="alert" className="mt-4 rounded-md bg-red-50 p-4 text-sm text-red-700">
          Could not load the runs: {runs.error.message}
        </p>
      )}
      {runs.isSuccess && total === 0 && (
        <div className="mt-4 flex flex-col items-center rounded-xl border border-dashed border-slate-300 bg-white px-6 py-16 text-center">
          <div className="flex h-12 w-12 items-center justify-center rounded-full bg-accent-50 text-accent-600">
            <PlayCircle />
          </div>
          <h2 className="mt-4 text-lg font-semibold text-slate-900">{filtered ? "No run matches" : "No runs yet"}</h2>
          <p className="mt-1 max-w-sm text-sm text-slate-500">
            {filtered
              ? "Try other filters."
              : "Open a flow and press Run, or call its webhook; each run shows up here as it starts."}
          </p>
          {!filtered && (
            <Link href="/flows" className="mt-5 text-sm font-medium text-accent-700 hover:underline">
              Go to your flows
            </Link>
          )}
        </div>
      )}
      {runs.data && total > 0 && (
        <div className="mt-4 overflow-hidden rounded-xl border border-slate-200 bg-white">
          <table className="w-full text-sm" aria-label="Runs">
            <thead className="bg-slate-50 text-left text-xs font-medium text-slate-500">
              <tr>
                <th className="px-4 py-2.5">Status</th>
                <th className="px-4 py-2.5">Flow</th>
                <th className="px-4 py-2.5">Started by</th>
                <th className="px-4 py-2.5">Started</th>
                <th className="px-4 py-2.5 text-right">Duration</th>
                <th className="px-4 py-2.5 text-right">Cost</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {runs.data.items.map((run) => {
                const Icon = runStatusLooks[run.status].icon;
                const end = run.finishedAt?.getTime() ?? now;
                return (
                  <tr
                    key={run.id}
                    data-testid={`run-row-${run.id}`}
                    data-status={run.status}
                    className="cursor-pointer hover:bg-slate-50"
                    onClick={() => router.push(`/runs/${run.id}`)}
                  >
                    <td className="px-4 py-3">
                      <span className={runStatusChipClass(run.status)}>
                        <Icon size={12} className={runStatusLooks[run.status].spin ? "animate-spin" : ""} />
                        {runStatusLooks[run.status].word}
                      </span>
                      {stallOf.has(run.id) && (
                        <span
                          className="ml-1.5 rounded-full bg-red-50 px-2 py-0.5 text-xs font-medium text-red-700 ring-1 ring-red-200"
                          title={stallOf.get(run.id)}
                          data-testid="stalled"
                        >
                          Stalled
                        </span>
                      )}
                    </td>
                    <td className="px-4 py-3">
                      <Link
                        href={`/runs/${run.id}`}
                        className="font-medium text-slate-900 hover:text-accent-700"
                        onClick={(e) => e.stopPropagation()}
                      >
                        {run.flowName}
                      </Link>
                      <FlowVersionChip flowId={run.flowId} version={run.flowVersion} className="ml-2" />
                    </td>
                    <td className="px-4 py-3 text-slate-600">
                      {startedByLabel(run)}
                      {run.retryOfId && <span className="ml-1 text-xs text-slate-400">(retry)</span>}
                    </td>
                    <td className="px-4 py-3 text-slate-600" title={run.createdAt.toISOString()}>
                      {formatDayAndTime(run.createdAt)}
                    </td>
                    <td className="px-4 py-3 text-right text-slate-600 tabular-nums">
                      {formatDuration(end - run.createdAt.getTime())}
                    </td>
                    <td className="px-4 py-3 text-right text-slate-600 tabular-nums">
                      <Cost usage={run.usage} prices={prices} testId="run-cost" />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <div className="flex items-center justify-between border-t border-slate-100 px-4 py-2 text-xs text-slate-500">
            <span>
              {first + 1}–{Math.min(first + PAGE_SIZE, total)} of {total}
            </span>
            <div className="flex gap-1">
              <Button size="sm" variant="ghost" disabled={page === 0} onClick={() => setParams({ page: page - 1 })}>
                <ChevronLeft size={14} /> Newer
              </Button>
              <Button
                size="sm"
                variant="ghost"
                disabled={first + PAGE_SIZE >= total}
                onClick={() => setParams({ page: page + 1 })}
              >
                Older <ChevronRight size={14} />
              </Button>
            </div>
          </div>
        </div>
      )}
    </div>
  );
}
