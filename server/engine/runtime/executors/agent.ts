import { type AgentData, agentDataSchema } from "../../../../lib/flow/kinds/agent";
import { schemaProblem } from "../../../../lib/json/schema-check";
import type { TokenUsage } from "../../../../lib/run/events";
import { expressionContext } from "../../core/prev";
import { NonRetryableError } from "../errors";
import type { ExecutionContext, NodeExecutor, NodeOutcome } from "../ports";
import { runAgentLoop } from "./agent-loop";
import { askMock } from "./mock-model";
import { askOpenAiCompatible, type ChatMessage, type ModelAnswer } from "./openai-provider";

/**
 * Agents: the system and prompt templates are rendered, then the provider answers. An agent
 * with tools (or a mock script) runs a loop of model turns and tool calls (agent-loop.ts).
 */
export const executeAgent: NodeExecutor = async (ctx) => {
  const data = agentDataSchema.parse(ctx.node.data);
  const context = expressionContext(ctx.graph, ctx.state, ctx.node.id, ctx.runId, ctx.path);
  const system = await ctx.expressions.render("system", data.system, context);
  const prompt = await ctx.expressions.render("prompt", data.prompt, context);
  const messages: ChatMessage[] = [
    ...(system ? [{ role: "system" as const, content: system }] : []),
    { role: "user", content: prompt },
  ];
  if (data.tools.length > 0 || data.script) return runAgentLoop(ctx, data, messages, context);
  ctx.describe({
    provider: data.provider,
    ...(data.provider === "openai" && { model: data.model, baseUrl: data.baseUrl }),
    ...(system && { system }),
    prompt,
  });
  const { value: answer, hit } = await askModel(ctx, data, messages, () =>
    data.provider === "openai"
      ? askOpenAiCompatible(ctx, data, { messages, tools: [], idempotencyKey: ctx.idempotencyKey })
      : askMock(ctx, data, 1, { ...context, prompt }),
  );
  return { ...agentAnswer(data, answer.text, hit ? undefined : answer.usage), ...(hit && { cached: true }) };
};

/**
 * One model turn, through the step cache when the agent has `cache { ttlMs }`: the same
 * conversation to the same model (and, for the mock, the same script) gets the stored answer,
 * shown at once and spending no tokens.
 */
export async function askModel(
  ctx: ExecutionContext,
  data: AgentData,
  messages: ChatMessage[],
  ask: () => Promise<ModelAnswer>,
): Promise<{ value: ModelAnswer; hit: boolean }> {
  if (!data.cache) return { value: await ask(), hit: false };
  const request = {
    provider: data.provider,
    ...(data.provider === "openai"
      ? { baseUrl: data.baseUrl, model: data.model, credentialId: data.credentialId ?? null }
      : { response: data.response, script: data.script ?? null }),
    messages,
    tools: data.tools.map((t) => ({ name: t.name, description: t.description, parameters: t.parameters })),
    responseFormat: data.responseFormat,
    jsonSchema: data.jsonSchema ?? null,
  };
  const result = await ctx.cached(request, data.cache.ttlMs, ask);
  if (result.hit && result.value.text) ctx.progress(result.value.text);
  return result;
}

/** The step's output from the model's final answer: the text, or the JSON it must be (matching the schema). */
export function agentAnswer(data: AgentData, text: string, usage: TokenUsage | undefined): NodeOutcome {
  const used = usage && { usage: { ...usage, model: data.provider === "openai" ? data.model : "mock" } };
  if (data.responseFormat === "text") return { output: text, handles: ["out"], ...used };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new NonRetryableError(`the answer is not JSON: ${text.slice(0, 120)}`);
  }
  const problem = data.jsonSchema && schemaProblem(data.jsonSchema, value);
  if (problem) throw new NonRetryableError(`the answer does not match the JSON schema: ${problem}`);
  return { output: value, handles: ["out"], ...used };
}
