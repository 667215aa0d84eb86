import { renderTemplate } from "../../../../lib/flow/expressions";
import { type AgentData, agentDataSchema } from "../../../../lib/flow/kinds/agent";
import { expressionContext } from "../../core/prev";
import { NonRetryableError, RetryableError } from "../errors";
import type { ExecutionContext, NodeExecutor } from "../ports";

/** Agents: the prompt is rendered, then the provider answers. Only `mock` exists so far. */
export const executeAgent: NodeExecutor = async (ctx) => {
  const data = agentDataSchema.parse(ctx.node.data);
  const context = expressionContext(ctx.graph, ctx.state, ctx.node.id, ctx.runId, ctx.path);
  const prompt = await renderTemplate("prompt", data.prompt, context);
  const text = await mockProvider(ctx, data, { ...context, prompt });
  if (data.responseFormat === "text") return { output: text, handles: ["out"] };
  try {
    return { output: JSON.parse(text), handles: ["out"] };
  } catch {
    throw new NonRetryableError(`the answer is not JSON: ${text.slice(0, 120)}`);
  }
};

/** Deterministic stand-in for an LLM: renders `response` after `latencyMs`; fails the first `failTimes` attempts. */
async function mockProvider(ctx: ExecutionContext, data: AgentData, context: object): Promise<string> {
  await sleep(data.latencyMs, ctx.signal);
  if (ctx.attempt <= data.failTimes) {
    throw new RetryableError(`mock provider failed on purpose (attempt ${ctx.attempt} of the first ${data.failTimes})`);
  }
  return renderTemplate("response", data.response, context);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
