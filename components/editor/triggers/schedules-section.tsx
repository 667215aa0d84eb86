"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Trash2 } from "lucide-react";
import { useMemo, useState } from "react";
import { readCron } from "@/lib/schedule/cron";
import { useTRPC } from "../../trpc";
import { Button } from "../../ui/button";
import { formatWhen } from "../../ui/format";
import { toast } from "../../ui/toaster";

/** Every zone the browser knows, the browser's own first. */
function timeZones(): string[] {
  const own = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const all = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return [...new Set([own, "UTC", ...all])];
}

const cronInWords = (cron: string, timezone: string) => {
  const reading = readCron(cron, timezone, new Date());
  return "problem" in reading ? reading.problem : reading.description;
};

/** A flow's schedules: each with its cron in words and next fire; a form to add one that reads the cron as you type. */
export function SchedulesSection({ flowId, published }: { flowId: string; published: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const schedules = useQuery(trpc.schedules.list.queryOptions({ flowId }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.schedules.list.queryKey({ flowId }) });
  const onError = (e: { message: string }) => toast(e.message, "error");
  const create = useMutation(trpc.schedules.create.mutationOptions({ onSuccess: () => refresh(), onError }));
  const setEnabled = useMutation(trpc.schedules.setEnabled.mutationOptions({ onSuccess: () => refresh(), onError }));
  const remove = useMutation(trpc.schedules.remove.mutationOptions({ onSuccess: () => refresh(), onError }));

  const zones = useMemo(timeZones, []);
  const [cron, setCron] = useState("0 9 * * 1-5");
  const [timezone, setTimezone] = useState(zones[0] ?? "UTC");
  const [inputText, setInputText] = useState("{}");
  const [overlap, setOverlap] = useState<"skip" | "allow">("skip");
  const reading = useMemo(() => readCron(cron, timezone, new Date()), [cron, timezone]);
  const input = useMemo(() => {
    try {
      const value: unknown = JSON.parse(inputText || "{}");
      return typeof value === "object" && value !== null && !Array.isArray(value)
        ? { value: value as Record<string, unknown> }
        : { problem: "the input is a JSON object: its fields become the run input" };
    } catch (error) {
      return { problem: `the input is not valid JSON: ${(error as Error).message}` };
    }
  }, [inputText]);

  return (
    <section className="flex flex-col gap-3 text-sm" aria-label="Schedules">
      <h3 className="font-medium text-slate-900">Schedules</h3>
      <p className="text-slate-600">Run the newest published version on a schedule, with a fixed input.</p>
      {schedules.data?.length === 0 && <p className="text-xs text-slate-500">No schedule yet.</p>}
      <ul className="flex flex-col gap-2" aria-label="This flow's schedules">
        {schedules.data?.map((s) => (
          <li key={s.id} className="flex items-center gap-3 rounded-md bg-slate-50 px-3 py-2 ring-1 ring-slate-200">
            <div className="min-w-0 flex-1">
              <p className="truncate font-medium text-slate-800">{cronInWords(s.cron, s.timezone)}</p>
              <p className="truncate text-xs text-slate-500">
                <code className="font-mono">{s.cron}</code> · {s.timezone} ·{" "}
                {s.enabled && s.nextAt ? `next ${formatWhen(s.nextAt)}` : "off"}
                {s.overlap === "allow" ? " · overlapping runs allowed" : ""}
              </p>
            </div>
            <label className="flex items-center gap-1 text-xs text-slate-600">
              <input
                type="checkbox"
                checked={s.enabled}
                onChange={(e) => setEnabled.mutate({ id: s.id, enabled: e.target.checked })}
                aria-label={`Schedule ${s.cron} on`}
              />
              on
            </label>
            <button
              type="button"
              aria-label={`Delete schedule ${s.cron}`}
              onClick={() => remove.mutate({ id: s.id })}
              className="rounded p-1 text-slate-400 hover:bg-slate-100 hover:text-red-600"
            >
              <Trash2 size={14} />
            </button>
          </li>
        ))}
      </ul>

      <form
        className="flex flex-col gap-3 rounded-lg border border-slate-200 p-3"
        aria-label="New schedule"
        onSubmit={(e) => {
          e.preventDefault();
          if ("problem" in reading || !("value" in input)) return;
          create.mutate({ flowId, cron, timezone, input: input.value, overlap });
        }}
      >
        <div className="grid grid-cols-[1fr_auto] gap-2">
          <label className="flex flex-col gap-1">
            <span className="text-xs font-medium text-slate-700">Cron</span>
            <input
              value={cron}
              onChange={(e) => setCron(e.target.value)}
              aria-invalid={"problem" in reading}
              className="h-9 rounded-md border border-slate-300 px-2 font-mono aria-invalid:border-red-400"
              spellCheck={false}
            />
          </label>
          <label className="flex flex-col gap-1">
            <span className="text-xs font-medium text-slate-700">Time zone</span>
            <select
              value={timezone}
              onChange={(e) => setTimezone(e.target.value)}
              className="h-9 max-w-48 rounded-md border border-slate-300 px-2"
            >
              {zones.map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div data-testid="cron-reading" className="text-xs">
          {"problem" in reading ? (
            <p className="text-red-600" role="alert">
              {reading.problem}
            </p>
          ) : (
            <>
              <p className="font-medium text-slate-800">{reading.description}</p>
              <ol className="mt-1 grid grid-cols-1 gap-0.5 text-slate-500" aria-label="Next five times">
                {reading.next.map((at) => (
                  <li key={at} className="tabular-nums">
                    {new Date(at).toLocaleString(undefined, {
                      timeZone: timezone,
                      dateStyle: "medium",
                      timeStyle: "short",
                    })}
                  </li>
                ))}
              </ol>
            </>
          )}
          <p className="mt-1 text-slate-400">Five fields (minute first), or six with seconds first.</p>
        </div>
        <label className="flex flex-col gap-1">
          <span className="text-xs font-medium text-slate-700">Run input (JSON)</span>
          <textarea
            value={inputText}
            onChange={(e) => setInputText(e.target.value)}
            rows={2}
            aria-invalid={"problem" in input}
            className="rounded-md border border-slate-300 px-2 py-1 font-mono text-xs aria-invalid:border-red-400"
          />
          {"problem" in input && <span className="text-xs text-red-600">{input.problem}</span>}
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-xs font-medium text-slate-700">While the previous run is unfinished</span>
          <select
            value={overlap}
            onChange={(e) => setOverlap(e.target.value as "skip" | "allow")}
            className="h-9 rounded-md border border-slate-300 px-2"
          >
            <option value="skip">Skip the fire</option>
            <option value="allow">Start another run anyway</option>
          </select>
        </label>
        {!published && (
          <p className="rounded-md bg-amber-50 p-2 text-xs text-amber-800 ring-1 ring-amber-200" role="note">
            Schedules run the published version: publish the flow first.
          </p>
        )}
        <Button
          type="submit"
          variant="primary"
          disabled={!published || create.isPending || "problem" in reading || !("value" in input)}
        >
          Add schedule
        </Button>
      </form>
    </section>
  );
}
