"use client";
import { AlertCircle } from "lucide-react";
import { useMemo } from "react";
import { nodeKey } from "@/lib/run/state";
import { useEditor } from "../../editor/editor-context";
import { useRun } from "../run-context";
import { JsonView } from "./json-view";

/**
 * The run's result at a glance (Dify's Result and Detail): what it got and gave, its error and
 * where it came from, and per step what went in and what came out, side by side.
 */
export function ResultsPanel({ onPick }: { onPick: (nodeId: string, path: number[]) => void }) {
  const run = useRun((s) => s.run);
  const nodes = useEditor((s) => s.nodes);
  const edges = useEditor((s) => s.edges);
  const label = (id: string) => {
    const l = nodes.find((n) => n.id === id)?.data.label;
    return typeof l === "string" && l ? l : id;
  };
  // Top-level steps that ran, in flow order: what they received (or sent out) and their output.
  const steps = useMemo(
    () =>
      nodes
        .filter((n) => !n.parentId && run.nodes[nodeKey(n.id)] && n.type !== "start" && n.type !== "end")
        .map((n) => {
          const instance = run.nodes[nodeKey(n.id)]!;
          const received = edges
            .filter((e) => e.target === n.id && run.nodes[nodeKey(e.source)]?.status === "succeeded")
            .map((e) => [e.source, run.nodes[nodeKey(e.source)]!.output ?? null] as const);
          const input = instance.input ?? (received.length === 1 ? received[0]![1] : Object.fromEntries(received));
          return { id: n.id, status: instance.status, input, output: instance.output, error: instance.error };
        }),
    [nodes, edges, run],
  );
  return (
    <div className="h-full overflow-y-auto p-3" data-testid="results">
      <div className="grid grid-cols-2 gap-3">
        <section>
          <h4 className="mb-1 text-[11px] font-semibold tracking-wide text-slate-400 uppercase">Run input</h4>
          <JsonView value={run.input ?? {}} label="run input" />
        </section>
        <section>
          <h4 className="mb-1 text-[11px] font-semibold tracking-wide text-slate-400 uppercase">
            {run.error ? "Error" : "Run output"}
          </h4>
          {run.error ? (
            <div role="alert" className="rounded-lg bg-red-50 p-2.5 text-sm text-red-800 ring-1 ring-red-200">
              <p className="flex items-start gap-1.5 break-words">
                <AlertCircle size={14} className="mt-0.5 shrink-0" /> {run.error.message}
              </p>
              {run.error.nodeId && (
                <button
                  type="button"
                  className="mt-1 text-xs font-medium text-red-700 underline"
                  onClick={() => onPick(run.error!.nodeId!, [])}
                >
                  From {label(run.error.nodeId)}: open it
                </button>
              )}
            </div>
          ) : run.status === "succeeded" ? (
            <JsonView value={run.output ?? null} label="run output" />
          ) : (
            <p className="text-sm text-slate-500">Not finished yet.</p>
          )}
        </section>
      </div>
      {steps.length > 0 && (
        <table className="mt-4 w-full table-fixed text-xs" aria-label="Steps">
          <thead className="text-left text-[11px] text-slate-400 uppercase">
            <tr>
              <th className="w-40 pb-1 font-semibold">Step</th>
              <th className="pb-1 font-semibold">In</th>
              <th className="pb-1 font-semibold">Out</th>
            </tr>
          </thead>
          <tbody className="align-top">
            {steps.map((step) => (
              <tr key={step.id} data-testid={`result-${step.id}`} className="border-t border-slate-100">
                <td className="py-2 pr-2">
                  <button
                    type="button"
                    className="text-left font-medium text-slate-800 hover:text-accent-700"
                    onClick={() => onPick(step.id, [])}
                  >
                    {label(step.id)}
                  </button>
                  <p className="text-slate-400">{step.status}</p>
                </td>
                <td className="py-2 pr-2">
                  <JsonView value={step.input ?? null} label={`input of ${step.id}`} />
                </td>
                <td className="py-2">
                  {step.error ? (
                    <p className="rounded bg-red-50 px-2 py-1 text-red-800">{step.error.message}</p>
                  ) : (
                    <JsonView value={step.output ?? null} label={`output of ${step.id}`} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
