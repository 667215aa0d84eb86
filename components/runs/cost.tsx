"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { costOf, formatCost, type ModelPrice, type UsageByModel } from "@/lib/run/cost";
import { useTRPC } from "../trpc";

/** The workspace's model prices (Settings → Models). */
export function useModelPrices(): ModelPrice[] {
  const trpc = useTRPC();
  return useQuery({ ...trpc.settings.modelPrices.queryOptions(), staleTime: 60_000 }).data ?? [];
}

const tokensText = (n: number) => (n >= 10_000 ? `${Math.round(n / 1_000)}k` : n.toLocaleString("en-US"));

/**
 * What some usage cost, as people read it: "$0.0042", or the tokens when a model has no price
 * (with a pointer to where prices are set), or "—" when nothing was spent.
 */
export function Cost({
  usage,
  prices,
  testId,
}: {
  usage: UsageByModel | null | undefined;
  prices: ModelPrice[];
  testId?: string;
}) {
  const { dollars, unpriced, tokens } = costOf(usage, prices);
  if (tokens === 0)
    return (
      <span className="text-slate-400" data-testid={testId}>
        —
      </span>
    );
  const title = `${tokens.toLocaleString("en-US")} tokens${unpriced.length ? ` · no price for ${unpriced.join(", ")} (Settings → Models)` : ""}`;
  if (unpriced.length > 0 && dollars === 0)
    return (
      <span title={title} data-testid={testId} className="text-slate-500">
        {tokensText(tokens)} tokens
      </span>
    );
  return (
    <span title={title} data-testid={testId}>
      {formatCost(dollars)}
      {unpriced.length > 0 && <span className="text-slate-400"> +</span>}
    </span>
  );
}

/** A hint shown where costs appear and no price is set yet. */
export function NoPricesHint() {
  return (
    <Link href="/settings#models" className="text-xs text-accent-700 hover:underline">
      Set model prices to see costs
    </Link>
  );
}
