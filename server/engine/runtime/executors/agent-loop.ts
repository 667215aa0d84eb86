import type { AgentData } from "../../../../lib/flow/kinds/agent";
import { type AgentTurn, emptyAgentProgress, totalUsage } from "../../../../lib/run/agent-progress";
import { nodeRef } from "../../../../lib/run/node-ref";
import { nodeKey } from "../../../../lib/run/state";
import { NonRetryableError } from "../errors";
import type { ExecutionContext, NodeOutcome } from "../ports";
import { agentAnswer, askModel } from "./agent";
import { askMock } from "./mock-model";
import { askOpenAiCompatible, type ChatMessage } from "./openai-provider";
import { type CallOutcome, runToolCall, type ToolCallEnv } from "./tool-call";

/**
 * An agent's loop (flow-format.md, "Agent tools"): the model answers, the tools it calls run
 * (several at once, up to `toolConcurrency`), their results go back to it, until it answers
 * without calling any or `maxSteps` turns are used. Every turn and every call is recorded as it
 * happens; run again (after a restart, or when a call it waited for may go on), the loop
 * replays what the run's state holds and only asks or calls for what is not there yet.
 */
export async function runAgentLoop(
  ctx: ExecutionContext,
  data: AgentData,
  messages: ChatMessage[],
  context: Record<string, unknown>,
): Promise<NodeOutcome> {
  const where = nodeRef(ctx.node.id, ctx.path);
  const recorded = ctx.state.nodes[nodeKey(ctx.node.id, ctx.path)]?.agent ?? emptyAgentProgress();
  const turns = [...recorded.turns];
  if (turns.length === 0)
    ctx.describe({
      provider: data.provider,
      ...(data.provider === "openai" && { model: data.model, baseUrl: data.baseUrl }),
      messages,
      tools: data.tools.map((t) => t.name),
    });
  /** The latest result of each tool, for the mock's answer templates. */
  const results: Record<string, unknown> = {};
  const env: ToolCallEnv = { ctx, data, context, recorded: recorded.calls, messages, results };
  /** Whether every turn asked in this run of the attempt came from the step cache. */
  let allCached = data.cache !== undefined;
  for (let step = 1; ; step++) {
    let turn = turns.find((t) => t.step === step);
    if (!turn) {
      const { value: answer, hit } = await askModel(ctx, data, [...messages], () =>
        data.provider === "openai"
          ? askOpenAiCompatible(ctx, data, {
              messages,
              tools: data.tools,
              idempotencyKey: `${ctx.idempotencyKey}:t${step}`,
            })
          : askMock(ctx, data, step, { ...context, prompt: messages.at(-1)?.content, tools: results }),
      );
      if (!hit) allCached = false;
      if (hit) answer.usage = undefined; // nothing was spent
      const toolCalls = answer.toolCalls.map((c, i) => ({ ...c, callId: `c${step}_${i + 1}` }));
      const data_ = { attempt: ctx.attempt, step, content: answer.text, toolCalls };
      await ctx.record({
        type: "agent.turn",
        ...where,
        data: { ...data_, ...(answer.usage && { usage: answer.usage }) },
      });
      turn = { ...data_, ...(answer.usage && { usage: answer.usage }), at: ctx.now.toISOString() };
      turns.push(turn);
    }
    messages.push(assistantMessage(turn));
    if (turn.toolCalls.length === 0) {
      const outcome = agentAnswer(data, turn.content, totalUsage(turns));
      return allCached && recorded.turns.length === 0 ? { ...outcome, cached: true } : outcome;
    }
    if (step >= data.maxSteps)
      throw new NonRetryableError(
        `the agent reached maxSteps (${data.maxSteps}) and the model still calls tools (${turn.toolCalls.map((c) => c.name).join(", ")})`,
      );
    const outcomes = await inBatches(turn.toolCalls, data.toolConcurrency, (call) => runToolCall(env, call));
    const parked = turn.toolCalls.filter((_, i) => outcomes[i]!.parked).map((c) => c.callId);
    if (parked.length > 0) return { park: { toolCalls: parked } };
    turn.toolCalls.forEach((call, i) => {
      messages.push({
        role: "tool",
        tool_call_id: call.id,
        content: (outcomes[i] as Extract<CallOutcome, { content: string }>).content,
      });
    });
  }
}

/** The turn as the model said it, to send back with the conversation. */
function assistantMessage(turn: AgentTurn): ChatMessage {
  return {
    role: "assistant",
    content: turn.content || null,
    ...(turn.toolCalls.length > 0 && {
      tool_calls: turn.toolCalls.map((c) => ({
        id: c.id,
        type: "function" as const,
        function: { name: c.name, arguments: c.arguments },
      })),
    }),
  };
}

/** `work` on every item, at most `limit` at a time, results in the items' order. */
async function inBatches<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
