"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { History } from "lucide-react";
import { useTRPC } from "../trpc";
import { toast } from "../ui/toaster";
import { Card } from "./card";

const choices: { days: number | null; label: string }[] = [
  { days: null, label: "forever" },
  { days: 7, label: "7 days" },
  { days: 30, label: "30 days" },
  { days: 90, label: "90 days" },
  { days: 365, label: "a year" },
];

/** Settings → Runs: how long finished runs keep their steps; afterwards a summary stays (owners choose). */
export function RunRetentionSettings({ isOwner }: { isOwner: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const days = useQuery(trpc.settings.runRetention.queryOptions());
  const save = useMutation(
    trpc.settings.setRunRetention.mutationOptions({
      onSuccess: (saved) => {
        toast(
          saved === null ? "Finished runs are kept forever" : `Finished runs keep their steps ${saved} days`,
          "success",
        );
        void queryClient.invalidateQueries({ queryKey: trpc.settings.runRetention.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() });
      },
      onError: (e) => toast(e.message, "error"),
    }),
  );
  const current = days.data === undefined ? "" : String(days.data ?? "");
  const known = choices.some((c) => String(c.days ?? "") === current);
  return (
    <Card title="Runs" icon={<History size={16} />}>
      <label className="flex flex-wrap items-center gap-2 text-sm text-slate-700">
        Keep the steps of finished runs
        <select
          aria-label="Keep finished runs"
          value={current}
          disabled={!isOwner || save.isPending || days.isPending}
          onChange={(e) => save.mutate({ days: e.target.value === "" ? null : Number(e.target.value) })}
          className="h-8 rounded-md border border-slate-300 bg-white px-2 text-sm disabled:bg-slate-50"
        >
          {!known && <option value={current}>{current} days</option>}
          {choices.map((c) => (
            <option key={c.label} value={String(c.days ?? "")}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
      <p className="mt-2 text-xs text-slate-500">
        Once a day, runs that finished longer ago lose their events, approval tasks and timers; each keeps a summary
        (status, times, duration, tokens). The audit log is never purged.
      </p>
    </Card>
  );
}
