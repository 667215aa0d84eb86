import { describe, expect, it } from "vitest";
import { addUsage, costOf, formatCost, modelPricesSchema, sumUsage } from "./cost";

describe("costs", () => {
  const prices = [{ model: "gpt-x", inputPerMillion: 2.5, outputPerMillion: 10 }];

  it("adds usage up by model and prices it per million tokens", () => {
    let usage = addUsage(undefined, { model: "gpt-x", promptTokens: 1_000, completionTokens: 200, totalTokens: 1_200 });
    usage = addUsage(usage, { model: "gpt-x", promptTokens: 3_000, completionTokens: 800, totalTokens: 3_800 });
    expect(usage).toEqual({ "gpt-x": { promptTokens: 4_000, completionTokens: 1_000 } });
    // 4,000 × $2.5/M + 1,000 × $10/M = $0.01 + $0.01
    expect(costOf(usage, prices)).toEqual({ dollars: 0.02, unpriced: [], tokens: 5_000 });
  });

  it("leaves models without a price out of the sum and names them", () => {
    const usage = sumUsage([
      { "gpt-x": { promptTokens: 1_000_000, completionTokens: 0 } },
      { llama: { promptTokens: 50, completionTokens: 50 } },
      null,
    ]);
    expect(costOf(usage, prices)).toEqual({ dollars: 2.5, unpriced: ["llama"], tokens: 1_000_100 });
  });

  it("reads small and large sums", () => {
    expect(formatCost(0)).toBe("$0");
    expect(formatCost(0.000036)).toBe("$0.000036");
    expect(formatCost(1.5)).toBe("$1.50");
    expect(formatCost(1204.2)).toBe("$1,204.20");
  });

  it("refuses a model priced twice, a negative price and an unnamed model", () => {
    expect(modelPricesSchema.safeParse([...prices, ...prices]).success).toBe(false);
    expect(modelPricesSchema.safeParse([{ model: "a", inputPerMillion: -1, outputPerMillion: 0 }]).success).toBe(false);
    expect(modelPricesSchema.safeParse([{ model: " ", inputPerMillion: 1, outputPerMillion: 1 }]).success).toBe(false);
  });
});
