import type { AgentData } from "../../../../lib/flow/kinds/agent";
import { RetryableError } from "../errors";
import type { ExecutionContext } from "../ports";
import type { ModelAnswer } from "./openai-provider";

/**
 * The deterministic stand-in for an LLM, so flows can be designed, demonstrated and tested with
 * no provider. Turn `step` follows `script[step - 1]`: tool calls to make, or an answer; past
 * the script (or without one) it answers `response`. An answer is a template, rendered with
 * `tools.<name>` (the latest result of each tool) in scope, and streamed word by word over
 * `latencyMs`; so are the strings in a scripted call's arguments. The first `failTimes`
 * attempts fail.
 */
export async function askMock(
  ctx: ExecutionContext,
  data: AgentData,
  step: number,
  context: Record<string, unknown>,
): Promise<ModelAnswer> {
  if (ctx.attempt <= data.failTimes) {
    await sleep(data.latencyMs, ctx.signal);
    throw new RetryableError(`mock provider failed on purpose (attempt ${ctx.attempt} of the first ${data.failTimes})`);
  }
  const entry = data.script?.[step - 1];
  if (entry && "toolCalls" in entry) {
    await sleep(data.latencyMs, ctx.signal);
    const toolCalls = [];
    for (const [i, call] of entry.toolCalls.entries()) {
      const at = `script.${step - 1}.toolCalls.${i}.args`;
      const args =
        typeof call.args === "string" ? call.args : JSON.stringify(await rendered(ctx, at, call.args ?? {}, context));
      toolCalls.push({ id: `mock_${step}_${i + 1}`, name: call.name, arguments: args });
    }
    return { text: "", toolCalls };
  }
  const text = await ctx.expressions.render("response", entry?.response ?? data.response, context);
  await stream(ctx, text, data.latencyMs);
  return { text, toolCalls: [] };
}

/** A script's arguments with each string in them rendered as a template (`"{{ input.topic }}"`). */
async function rendered(ctx: ExecutionContext, at: string, value: unknown, context: object): Promise<unknown> {
  if (typeof value === "string") return ctx.expressions.render(at, value, context);
  if (Array.isArray(value)) return Promise.all(value.map((v, i) => rendered(ctx, `${at}.${i}`, v, context)));
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = await rendered(ctx, `${at}.${k}`, v, context);
  return out;
}

/** Streams `text` in up to 20 pieces over `ms`, like a model writing its answer. */
async function stream(ctx: ExecutionContext, text: string, ms: number) {
  if (ms === 0) return;
  const words = text.match(/\S+\s*|\s+/g) ?? [];
  const pieces = Math.min(words.length, 20);
  for (let i = 0; i < pieces; i++) {
    await sleep(ms / pieces, ctx.signal);
    const from = Math.floor((i * words.length) / pieces);
    ctx.progress(words.slice(from, Math.floor(((i + 1) * words.length) / pieces)).join(""));
  }
  if (pieces === 0) await sleep(ms, ctx.signal);
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
