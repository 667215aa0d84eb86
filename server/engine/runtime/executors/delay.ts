import { delayDataSchema, MAX_DELAY_MS } from "../../../../lib/flow/kinds/delay";
import { nodeData } from "../../../../lib/flow/kinds/parsed";
import { expressionContext } from "../../core/prev";
import { NonRetryableError } from "../errors";
import type { NodeExecutor } from "../ports";

/** Works out when the wait is over; the core parks the path on a durable timer until then. */
export const executeDelay: NodeExecutor = async ({ runId, graph, node, path, state, now, expressions }) => {
  const data = nodeData(delayDataSchema, node.data);
  const context = expressionContext(graph, state, node.id, runId, path);
  let due: number;
  if (data.ms?.trim()) {
    const ms = await expressions.evaluate("ms", data.ms, context);
    if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0)
      throw new NonRetryableError(`ms: expected a number of milliseconds (0 or more), got ${JSON.stringify(ms)}`);
    if (ms > MAX_DELAY_MS) throw new NonRetryableError(`ms: ${ms} is longer than a delay may last (366 days)`);
    due = now.getTime() + ms;
  } else {
    const until = await expressions.evaluate("until", data.until ?? "", context);
    due = typeof until === "string" || typeof until === "number" ? new Date(until).getTime() : Number.NaN;
    if (Number.isNaN(due)) throw new NonRetryableError(`until: expected an ISO time, got ${JSON.stringify(until)}`);
    if (due - now.getTime() > MAX_DELAY_MS)
      throw new NonRetryableError(
        `until: ${new Date(due).toISOString()} is further away than a delay may last (366 days)`,
      );
  }
  if (due <= now.getTime()) return { output: context.prev, handles: ["out"] };
  return { park: { until: new Date(due).toISOString() } };
};
