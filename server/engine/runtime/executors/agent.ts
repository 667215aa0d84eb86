import { type AgentData, agentDataSchema } from "../../../../lib/flow/kinds/agent";
import { schemaProblem } from "../../../../lib/json/schema-check";
import type { TokenUsage } from "../../../../lib/run/events";
import { expressionContext } from "../../core/prev";
import { NonRetryableError } from "../errors";
import type { NodeExecutor, NodeOutcome } from "../ports";
import { runAgentLoop } from "./agent-loop";
import { askMock } from "./mock-model";
import { askOpenAiCompatible, type ChatMessage } from "./openai-provider";

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
  const answer =
    data.provider === "openai"
      ? await askOpenAiCompatible(ctx, data, { messages, tools: [], idempotencyKey: ctx.idempotencyKey })
      : await askMock(ctx, data, 1, { ...context, prompt });
  return agentAnswer(data, answer.text, answer.usage);
};

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
