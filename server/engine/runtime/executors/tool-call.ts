import type { AgentData, AgentTool } from "../../../../lib/flow/kinds/agent";
import { describeJsonLimit, jsonLimitProblem } from "../../../../lib/json/limits";
import { schemaProblem } from "../../../../lib/json/schema-check";
import { type AgentTurn, approvalVerdict, type ToolCallState } from "../../../../lib/run/agent-progress";
import type { ApprovalRequest, EngineEvent } from "../../../../lib/run/events";
import { nodeRef } from "../../../../lib/run/node-ref";
import { toolCallKey } from "../../core/commands";
import { AbortReason } from "../attempt";
import type { ExecutionContext } from "../ports";
import { sendRequest } from "./http";
import type { ChatMessage } from "./openai-provider";

/** A tool's result is cut to this many characters (of its JSON) before the model reads it. */
export const TOOL_RESULT_MAX_CHARS = 16_000;
/** What the approver sees of the conversation: its latest messages, each cut to a readable length. */
const SHOWN_MESSAGES = 20;
const SHOWN_CHARS = 2_000;

/** What a tool call needs from its agent's loop. */
export interface ToolCallEnv {
  ctx: ExecutionContext;
  data: AgentData;
  /** The node's expression context; a tool's templates also see `args`. */
  context: Record<string, unknown>;
  /** The calls recorded before this run of the attempt, by callId. */
  recorded: Record<string, ToolCallState>;
  /** The conversation so far (shown to an approver). */
  messages: readonly ChatMessage[];
  /** The latest result of each tool, by name (filled in here). */
  results: Record<string, unknown>;
}

/** A call's result as the model will read it, or: it waits (for people, or for a child run). */
export type CallOutcome = { parked: true } | { parked?: false; content: string };

type TurnCall = AgentTurn["toolCalls"][number];

/**
 * One tool call of a turn, taken up where the record leaves it: called (arguments parsed and
 * checked against the tool's schema; a bad or unknown call gets an error result, the model may
 * try again), asked for approval, decided, running a child run, returned. Each step is recorded
 * before the next, so a run of the attempt after a crash never repeats one. Outside calls carry
 * the call's own idempotency key.
 */
export async function runToolCall(env: ToolCallEnv, turnCall: TurnCall): Promise<CallOutcome> {
  const { ctx, data } = env;
  const where = nodeRef(ctx.node.id, ctx.path);
  const record = (event: EngineEvent) => ctx.record(event);
  const { callId } = turnCall;
  const known = env.recorded[callId];
  if (known?.returned) return returned(env, known.name, known.returned);
  const tool = data.tools.find((t) => t.name === turnCall.name);
  const parsed = parseArgs(turnCall.arguments);
  if (!known)
    await record({
      type: "tool.called",
      ...where,
      data: {
        attempt: ctx.attempt,
        callId,
        name: turnCall.name,
        args: "value" in parsed ? parsed.value : turnCall.arguments,
      },
    });
  const finish = async (result: { result?: unknown; error?: string }, startedAt?: number) => {
    const capped = cap(result);
    const durationMs = startedAt === undefined ? undefined : Date.now() - startedAt;
    await record({
      type: "tool.returned",
      ...where,
      data: { attempt: ctx.attempt, callId, ...capped, ...(durationMs !== undefined && { durationMs }) },
    });
    return returned(env, turnCall.name, capped);
  };
  const problem = !tool
    ? `there is no tool named "${turnCall.name}"; the tools are: ${data.tools.map((t) => t.name).join(", ")}`
    : "error" in parsed
      ? `the arguments are not JSON (${parsed.error}); send them as a JSON object`
      : argumentsProblem(tool, parsed.value);
  if (problem || !tool || !("value" in parsed)) return finish({ error: problem ?? "the call cannot be made" });
  let args = parsed.value;
  if (tool.approval) {
    if (!known?.approval) {
      await record({ type: "approval.requested", ...where, data: await approvalRequest(env, tool, callId, args) });
      return { parked: true };
    }
    if (known.expired === "reject")
      return finish({ result: { rejected: true, comment: "nobody decided before the deadline" } });
    if (known.expired !== "approve") {
      const verdict = approvalVerdict(known.approval);
      if (!verdict) return { parked: true };
      const last = known.approval.decisions.at(-1)!;
      if (verdict === "rejected")
        return finish({ result: { rejected: true, by: last.by.name, comment: last.comment } });
      args = known.approval.decisions.findLast((d) => d.args !== undefined)?.args ?? args;
    }
  }
  const startedAt = Date.now();
  const use = tool.use;
  if (use.kind === "subflow") {
    if (known?.ended)
      return finish("output" in known.ended ? { result: known.ended.output } : { error: known.ended.error.message });
    const child = await ctx.callFlow({ flowId: use.flowId, version: use.version, input: args, callId });
    if (!child.ended) {
      if (known?.runId !== child.runId)
        await record({ type: "subflow.started", ...where, data: { attempt: ctx.attempt, runId: child.runId, callId } });
      return { parked: true };
    }
    const { status, output, error } = child.ended;
    return finish(
      status === "succeeded" ? { result: output ?? null } : { error: error?.message ?? `the called run was ${status}` },
      startedAt,
    );
  }
  try {
    const callCtx = { ...ctx, idempotencyKey: toolCallKey(ctx.idempotencyKey, callId), describe() {} };
    const response = await sendRequest(callCtx, use, { ...env.context, args }, `tools.${tool.name}.`);
    return finish({ result: response }, startedAt);
  } catch (error) {
    if (ctx.signal.aborted || error instanceof AbortReason) throw error; // the attempt stops; the call is not over
    return finish({ error: error instanceof Error ? error.message : String(error) }, startedAt);
  }
}

/** Why `args` may not be passed to `tool` (its JSON schema), or undefined. */
function argumentsProblem(tool: AgentTool, args: unknown): string | undefined {
  const problem = schemaProblem(tool.parameters, args);
  return problem && `the arguments do not match the tool's schema: ${problem}`;
}

function parseArgs(text: string): { value: unknown } | { error: string } {
  if (text.trim() === "") return { value: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
  const limit = jsonLimitProblem(value);
  return limit ? { error: describeJsonLimit("arguments", limit) } : { value };
}

/** A result whose JSON is longer than TOOL_RESULT_MAX_CHARS becomes that JSON, cut, and says so. */
function cap(result: { result?: unknown; error?: string }): { result?: unknown; error?: string; truncated?: boolean } {
  if (result.error !== undefined) return { error: result.error.slice(0, TOOL_RESULT_MAX_CHARS) };
  const text = JSON.stringify(result.result ?? null);
  // A result that could be stored but not read back (lib/json/limits) is kept as its JSON text.
  if (jsonLimitProblem(result.result) && text.length <= TOOL_RESULT_MAX_CHARS) return { result: text };
  if (text.length <= TOOL_RESULT_MAX_CHARS) return { result: result.result ?? null };
  return {
    result: `${text.slice(0, TOOL_RESULT_MAX_CHARS)}… (cut at ${TOOL_RESULT_MAX_CHARS} characters)`,
    truncated: true,
  };
}

/** What the model reads back: the result (text as is, anything else as JSON), or `{ "error": … }`. */
function returned(env: ToolCallEnv, name: string, r: { result?: unknown; error?: string }): CallOutcome {
  if (r.error !== undefined) return { content: JSON.stringify({ error: r.error }) };
  env.results[name] = r.result;
  return { content: typeof r.result === "string" ? r.result : JSON.stringify(r.result ?? null) };
}

/** The inbox task of a call that needs approval: the tool, its arguments, the conversation so far. */
async function approvalRequest(
  env: ToolCallEnv,
  tool: AgentTool,
  callId: string,
  args: unknown,
): Promise<ApprovalRequest> {
  const { ctx } = env;
  const approval = tool.approval!;
  const scope = { ...env.context, args, tool: tool.name };
  const title = approval.title
    ? await ctx.expressions.render(`tools.${tool.name}.approval.title`, approval.title, scope)
    : `Approve ${tool.name}`;
  const conversation = env.messages.slice(-SHOWN_MESSAGES).map((m) => ({
    ...m,
    content: typeof m.content === "string" ? m.content.slice(0, SHOWN_CHARS) : m.content,
  }));
  return {
    title,
    instructions: await ctx.expressions.render(
      `tools.${tool.name}.approval.instructions`,
      approval.instructions,
      scope,
    ),
    show: { conversation },
    assignees: approval.assignees,
    requiredApprovals: 1,
    allowRequesterToApprove: approval.allowRequesterToApprove,
    form: [],
    ...(approval.timeout && { timeoutAt: new Date(ctx.now.getTime() + approval.timeout.afterMs).toISOString() }),
    callId,
    tool: { name: tool.name, args, editableArgs: approval.editableArgs, parameters: tool.parameters },
  };
}
