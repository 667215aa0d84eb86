"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Activity, RotateCcw } from "lucide-react";
import { useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { formatWhen } from "../ui/format";
import { toast } from "../ui/toaster";
import { Card } from "./card";

const stateLooks = {
  closed: { word: "Closed", tone: "bg-emerald-50 text-emerald-800 ring-emerald-200" },
  open: { word: "Open", tone: "bg-red-50 text-red-800 ring-red-200" },
  half_open: { word: "Probing", tone: "bg-amber-50 text-amber-800 ring-amber-200" },
} as const;

/**
 * Settings → Health: the circuit breakers of this workspace's steps, one per host (or key), as
 * every run and process sees them; an owner may close one by hand.
 */
export function HealthSettings({ isOwner }: { isOwner: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const breakers = useQuery({ ...trpc.health.breakers.queryOptions(), refetchInterval: 5_000 });
  const stalled = useQuery({ ...trpc.runs.stalled.queryOptions(), refetchInterval: 60_000 });
  const reset = useMutation(
    trpc.health.resetBreaker.mutationOptions({
      onSuccess: ({ key }) => {
        toast(`The breaker for ${key} is closed`, "success");
        void queryClient.invalidateQueries({ queryKey: trpc.health.breakers.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() });
      },
      onError: (e) => toast(e.message, "error"),
    }),
  );
  return (
    <div id="health">
      <Card title="Health" icon={<Activity size={16} />}>
        <p className="mb-3 text-sm text-slate-600">
          Steps with a circuit breaker stop calling a service that keeps failing, so their fallback answers at once.
          Each breaker is shared by every run of the workspace.
        </p>
        {breakers.data?.length === 0 && (
          <p className="text-sm text-slate-500" data-testid="no-breakers">
            No breaker has tripped or counted a failure yet.
          </p>
        )}
        {breakers.data && breakers.data.length > 0 && (
          <table className="w-full text-sm" aria-label="Circuit breakers">
            <thead className="text-left text-xs text-slate-500">
              <tr>
                <th className="pb-1.5 font-medium">Service</th>
                <th className="pb-1.5 font-medium">State</th>
                <th className="pb-1.5 font-medium">Failures</th>
                <th className="pb-1.5 font-medium">Opened</th>
                <th className="pb-1.5 font-medium">Next probe</th>
                <th />
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {breakers.data.map((b) => (
                <tr key={b.key} data-testid={`breaker-${b.key}`}>
                  <td className="py-2 font-mono text-xs text-slate-800">{b.key}</td>
                  <td className="py-2">
                    <span className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${stateLooks[b.state].tone}`}>
                      {stateLooks[b.state].word}
                    </span>
                  </td>
                  <td
                    className="py-2 text-slate-600 tabular-nums"
                    title={b.lastFailureAt ? `last at ${b.lastFailureAt.toISOString()}` : undefined}
                  >
                    {b.failures}
                  </td>
                  <td className="py-2 text-slate-600">
                    {b.openedAt && b.state !== "closed" ? formatWhen(b.openedAt) : "—"}
                  </td>
                  <td className="py-2 text-slate-600">{b.nextProbeAt ? formatWhen(b.nextProbeAt) : "—"}</td>
                  <td className="py-2 text-right">
                    {isOwner && b.state !== "closed" && (
                      <Button size="sm" onClick={() => reset.mutate({ key: b.key })} disabled={reset.isPending}>
                        <RotateCcw size={13} /> Reset
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <h3 className="mt-5 mb-2 text-sm font-semibold text-slate-900">Stalled runs</h3>
        {stalled.data?.length === 0 && (
          <p className="text-sm text-slate-500">
            None: every running run has something under way, or moved within the last 10 minutes.
          </p>
        )}
        <ul className="flex flex-col gap-1.5" data-testid="stalled-runs">
          {stalled.data?.map((s) => (
            <li key={s.runId} className="text-sm">
              <a href={`/runs/${s.runId}`} className="font-medium text-accent-700 hover:underline">
                {s.flowName}
              </a>{" "}
              <span className="text-slate-600">— {s.reason}</span>
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}
