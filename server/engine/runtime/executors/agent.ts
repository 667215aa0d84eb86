import { Validator } from "@cfworker/json-schema";
import { type AgentData, agentDataSchema } from "../../../../lib/flow/kinds/agent";
import { expressionContext } from "../../core/prev";
import { NonRetryableError, RetryableError } from "../errors";
import type { ExecutionContext, NodeExecutor } from "../ports";
import { askOpenAiCompatible, type ModelAnswer } from "./openai-provider";

// The schema is user input: it is interpreted, never compiled to code (no eval, no Function).

/** Agents: the system and prompt templates are rendered, then the provider answers. */
export const executeAgent: NodeExecutor = async (ctx) => {
  const data = agentDataSchema.parse(ctx.node.data);
  const context = expressionContext(ctx.graph, ctx.state, ctx.node.id, ctx.runId, ctx.path);
  const system = await ctx.expressions.render("system", data.system, context);
  const prompt = await ctx.expressions.render("prompt", data.prompt, context);
  ctx.describe({
    provider: data.provider,
    ...(data.provider === "openai" && { model: data.model, baseUrl: data.baseUrl }),
    ...(system && { system }),
    prompt,
  });
  const answer =
    data.provider === "openai"
      ? await askOpenAiCompatible(ctx, data, system, prompt)
      : await mockProvider(ctx, data, { ...context, prompt });
  const usage = answer.usage && { usage: answer.usage };
  if (data.responseFormat === "text") return { output: answer.text, handles: ["out"], ...usage };
  let value: unknown;
  try {
    value = JSON.parse(answer.text);
  } catch {
    throw new NonRetryableError(`the answer is not JSON: ${answer.text.slice(0, 120)}`);
  }
  if (data.jsonSchema) {
    const result = new Validator(data.jsonSchema as object, "2020-12", false).validate(value);
    if (!result.valid) {
      const first = result.errors.at(-1);
      throw new NonRetryableError(
        `the answer does not match the JSON schema: ${first?.instanceLocation ?? "#"} ${first?.error ?? ""}`.trim(),
      );
    }
  }
  return { output: value, handles: ["out"], ...usage };
};

/**
 * Deterministic stand-in for an LLM: renders `response` and streams it word by word over
 * `latencyMs`, like a model would; fails the first `failTimes` attempts.
 */
async function mockProvider(ctx: ExecutionContext, data: AgentData, context: object): Promise<ModelAnswer> {
  if (ctx.attempt <= data.failTimes) {
    await sleep(data.latencyMs, ctx.signal);
    throw new RetryableError(`mock provider failed on purpose (attempt ${ctx.attempt} of the first ${data.failTimes})`);
  }
  const text = await ctx.expressions.render("response", data.response, context);
  if (data.latencyMs === 0) return { text };
  const words = text.match(/\S+\s*|\s+/g) ?? [];
  const pieces = Math.min(words.length, 20);
  for (let i = 0; i < pieces; i++) {
    await sleep(data.latencyMs / pieces, ctx.signal);
    const from = Math.floor((i * words.length) / pieces);
    ctx.progress(words.slice(from, Math.floor(((i + 1) * words.length) / pieces)).join(""));
  }
  if (pieces === 0) await sleep(data.latencyMs, ctx.signal);
  return { text };
}

/** Waits `ms` unless `signal` aborts first; the listener goes when the wait ends (a streamed answer waits many times). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
