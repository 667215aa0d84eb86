import { z } from "zod";
import type { TokenUsage } from "./events";

/** What a model costs, in dollars per million tokens (Settings → Models). */
export const modelPriceSchema = z.strictObject({
  model: z.string().trim().min(1, "name the model").max(200),
  inputPerMillion: z.number().min(0).max(100_000),
  outputPerMillion: z.number().min(0).max(100_000),
});
export type ModelPrice = z.infer<typeof modelPriceSchema>;

export const modelPricesSchema = z
  .array(modelPriceSchema)
  .max(200)
  .superRefine((prices, ctx) => {
    const seen = new Set<string>();
    prices.forEach((p, i) => {
      if (seen.has(p.model)) ctx.addIssue({ code: "custom", path: [i, "model"], message: `${p.model} has two prices` });
      seen.add(p.model);
    });
  });

/** Tokens used, by model: what a run (or a flow's runs) spent. */
export type UsageByModel = Record<string, { promptTokens: number; completionTokens: number }>;

/** The model a node's usage is billed to: the agent's model, or "mock". */
export const usageModel = (usage: TokenUsage) => usage.model ?? "unknown model";

/** `total` plus one step's usage. */
export function addUsage(total: UsageByModel | undefined, usage: TokenUsage): UsageByModel {
  const model = usageModel(usage);
  const before = total?.[model] ?? { promptTokens: 0, completionTokens: 0 };
  return {
    ...total,
    [model]: {
      promptTokens: before.promptTokens + usage.promptTokens,
      completionTokens: before.completionTokens + usage.completionTokens,
    },
  };
}

/** Several usages together (a flow's runs). */
export function sumUsage(all: readonly (UsageByModel | null | undefined)[]): UsageByModel {
  let total: UsageByModel = {};
  for (const usage of all)
    for (const [model, u] of Object.entries(usage ?? {}))
      total = addUsage(total, { model, ...u, totalTokens: u.promptTokens + u.completionTokens });
  return total;
}

/**
 * What `usage` costs at `prices`: dollars, and the models used that have no price (their tokens
 * are left out of the sum, and said so rather than counted as free).
 */
export function costOf(usage: UsageByModel | null | undefined, prices: readonly ModelPrice[]) {
  let dollars = 0;
  const unpriced: string[] = [];
  let tokens = 0;
  for (const [model, u] of Object.entries(usage ?? {})) {
    tokens += u.promptTokens + u.completionTokens;
    const price = prices.find((p) => p.model === model);
    if (!price) {
      unpriced.push(model);
      continue;
    }
    dollars += (u.promptTokens * price.inputPerMillion + u.completionTokens * price.outputPerMillion) / 1_000_000;
  }
  return { dollars, unpriced, tokens };
}

/** "$0.0042", "$1.27", "$1,204": a cost as people read it (small sums keep two significant digits). */
export function formatCost(dollars: number): string {
  if (dollars === 0) return "$0";
  if (dollars < 0.01) return `$${dollars.toPrecision(2)}`;
  return `$${dollars.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}
