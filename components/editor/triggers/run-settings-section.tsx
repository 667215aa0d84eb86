"use client";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../trpc";
import { useEditor, useEditorStoreApi } from "../editor-context";

const inputClass = "h-8 rounded-md border border-slate-300 bg-white px-2 text-sm";

/**
 * When runs go wrong (the flow settings): fail a run that takes too long, and start another
 * flow with what failed (a notification, a ticket). Saved with the draft.
 */
export function RunSettingsSection({ flowId }: { flowId: string }) {
  const trpc = useTRPC();
  const store = useEditorStoreApi();
  const settings = useEditor((s) => s.settings) ?? {};
  const targets = useQuery(trpc.flows.callTargets.queryOptions());
  const set = (patch: Partial<NonNullable<typeof settings>>) => {
    const next = { ...settings, ...patch };
    for (const key of Object.keys(next) as (keyof typeof next)[]) if (next[key] === undefined) delete next[key];
    store.getState().setSettings(next);
  };
  const minutes = settings.maxDurationMs === undefined ? "" : String(settings.maxDurationMs / 60_000);
  return (
    <section className="flex flex-col gap-3" aria-label="When runs go wrong">
      <h3 className="text-sm font-semibold text-slate-900">When runs go wrong</h3>
      <label className="flex flex-wrap items-center gap-2 text-sm text-slate-700">
        Fail a run still going after
        <input
          aria-label="Maximum run duration in minutes"
          type="number"
          min={1}
          step={1}
          value={minutes}
          placeholder="no limit"
          onChange={(e) =>
            set({ maxDurationMs: e.target.value === "" ? undefined : Math.max(1, Number(e.target.value)) * 60_000 })
          }
          className={`${inputClass} w-28`}
        />
        minutes
      </label>
      <label className="flex flex-wrap items-center gap-2 text-sm text-slate-700">
        When a run fails, start
        <select
          aria-label="Flow to start when a run fails"
          value={settings.onFailure?.flowId ?? ""}
          onChange={(e) => set({ onFailure: e.target.value ? { flowId: e.target.value } : undefined })}
          className={inputClass}
        >
          <option value="">nothing</option>
          {(targets.data ?? [])
            .filter((t) => t.id !== flowId)
            .map((t) => (
              <option key={t.id} value={t.id} disabled={t.publishedVersion === null}>
                {t.name}
                {t.publishedVersion === null ? " (not published)" : ""}
              </option>
            ))}
        </select>
      </label>
      <p className="text-xs text-slate-500">
        The flow started on failure runs its published version with <code>input.failedRun</code>: the run&apos;s id, the
        flow&apos;s name and the error. Saved with the draft; published runs use what their version says.
      </p>
    </section>
  );
}
