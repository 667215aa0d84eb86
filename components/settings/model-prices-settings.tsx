"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CircleDollarSign, Plus, Trash2 } from "lucide-react";
import { useEffect, useState } from "react";
import { type ModelPrice, modelPricesSchema } from "@/lib/run/cost";
import { useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { toast } from "../ui/toaster";
import { Card } from "./card";

type Row = { model: string; input: string; output: string };
const toRows = (prices: ModelPrice[]): Row[] =>
  prices.map((p) => ({ model: p.model, input: String(p.inputPerMillion), output: String(p.outputPerMillion) }));
const inputClass = "h-8 rounded-md border border-slate-300 px-2 text-sm disabled:bg-slate-50";

/**
 * Settings → Models: what each model costs per million input and output tokens. Agents' token
 * usage becomes cost per step, per run and per flow with these prices (owners set them).
 */
export function ModelPricesSettings({ isOwner }: { isOwner: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const saved = useQuery(trpc.settings.modelPrices.queryOptions());
  const [rows, setRows] = useState<Row[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    if (saved.data) setRows(toRows(saved.data));
  }, [saved.data]);
  const save = useMutation(
    trpc.settings.setModelPrices.mutationOptions({
      onSuccess: () => {
        setProblem(null);
        toast("Model prices saved", "success");
        void queryClient.invalidateQueries({ queryKey: trpc.settings.modelPrices.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() });
      },
      onError: (e) => setProblem(e.message),
    }),
  );
  const submit = () => {
    const prices = rows
      .filter((r) => r.model.trim() !== "")
      .map((r) => ({ model: r.model.trim(), inputPerMillion: Number(r.input), outputPerMillion: Number(r.output) }));
    const parsed = modelPricesSchema.safeParse(prices);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const row = typeof issue.path[0] === "number" ? prices[issue.path[0]]?.model : undefined;
      setProblem(
        `${row ? `${row}: ` : ""}${issue.path.includes("model") ? issue.message : "a price is a number of dollars, 0 or more"}`,
      );
      return;
    }
    save.mutate({ prices: parsed.data });
  };
  const set = (i: number, patch: Partial<Row>) => {
    setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
    setProblem(null);
  };
  return (
    <div id="models">
      <Card title="Models" icon={<CircleDollarSign size={16} />}>
        <p className="mb-3 text-sm text-slate-600">
          What each model costs, in dollars per million tokens. Runs show what their agents spent at these prices; the
          mock provider is free.
        </p>
        {rows.length > 0 && (
          <table className="mb-2 w-full text-sm" aria-label="Model prices">
            <thead className="text-left text-xs text-slate-500">
              <tr>
                <th className="pb-1 font-medium">Model (as the agent names it)</th>
                <th className="pb-1 font-medium">Input $ / 1M</th>
                <th className="pb-1 font-medium">Output $ / 1M</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={i}>
                  <td className="pr-2 pb-1.5">
                    <input
                      aria-label={`Model ${i + 1}`}
                      value={r.model}
                      onChange={(e) => set(i, { model: e.target.value })}
                      disabled={!isOwner}
                      className={`${inputClass} w-full`}
                      placeholder="gpt-4o-mini"
                    />
                  </td>
                  <td className="pr-2 pb-1.5">
                    <input
                      aria-label={`Input price of model ${i + 1}`}
                      inputMode="decimal"
                      value={r.input}
                      onChange={(e) => set(i, { input: e.target.value })}
                      disabled={!isOwner}
                      className={`${inputClass} w-28`}
                    />
                  </td>
                  <td className="pr-2 pb-1.5">
                    <input
                      aria-label={`Output price of model ${i + 1}`}
                      inputMode="decimal"
                      value={r.output}
                      onChange={(e) => set(i, { output: e.target.value })}
                      disabled={!isOwner}
                      className={`${inputClass} w-28`}
                    />
                  </td>
                  <td className="pb-1.5">
                    {isOwner && (
                      <button
                        type="button"
                        aria-label={`Remove model ${i + 1}`}
                        onClick={() => setRows(rows.filter((_, j) => j !== i))}
                        className="rounded p-1 text-slate-400 hover:bg-slate-100 hover:text-red-600"
                      >
                        <Trash2 size={14} />
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {rows.length === 0 && saved.isSuccess && (
          <p className="mb-2 text-sm text-slate-500">No prices yet: runs show tokens only.</p>
        )}
        {problem && (
          <p role="alert" className="mb-2 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
            {problem}
          </p>
        )}
        {isOwner ? (
          <div className="flex gap-2">
            <Button size="sm" onClick={() => setRows([...rows, { model: "", input: "0", output: "0" }])}>
              <Plus size={14} /> Add model
            </Button>
            <Button size="sm" variant="primary" onClick={submit} disabled={save.isPending}>
              Save prices
            </Button>
          </div>
        ) : (
          <p className="text-xs text-slate-500">Owners set the prices.</p>
        )}
      </Card>
    </div>
  );
}
