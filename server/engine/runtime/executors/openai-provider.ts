import { z } from "zod";
import type { AgentData, AgentTool } from "../../../../lib/flow/kinds/agent";
import { formatPath } from "../../../../lib/flow/problems";
import type { TokenUsage } from "../../../../lib/run/events";
import { NonRetryableError, RetryableError } from "../errors";
import type { ExecutionContext } from "../ports";

const toolCallShape = z.object({
  id: z.string().optional(),
  function: z.object({ name: z.string().min(1, "a tool call names no function"), arguments: z.string().default("") }),
});

/** The part of an OpenAI chat completion we read; anything else in it is ignored. */
const chatCompletion = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullish(), tool_calls: z.array(toolCallShape).nullish() }),
      }),
    )
    .min(1, "no choices"),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number(), total_tokens: z.number() }).optional(),
});

/** One chunk of a streamed chat completion (server-sent events); tool calls arrive in pieces, by index. */
const chatChunk = z.object({
  choices: z.array(
    z.object({
      delta: z
        .object({
          content: z.string().nullish(),
          tool_calls: z
            .array(
              z.object({
                index: z.number().int().min(0).max(127),
                id: z.string().nullish(),
                function: z.object({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
              }),
            )
            .nullish(),
        })
        .optional(),
    }),
  ),
  usage: chatCompletion.shape.usage.nullable(),
});

/** A message of the chat completions protocol, as the agent sends the conversation. */
export type ChatMessage =
  | { role: "system" | "user"; content: string }
  | {
      role: "assistant";
      content: string | null;
      tool_calls?: { id: string; type: "function"; function: { name: string; arguments: string } }[];
    }
  | { role: "tool"; tool_call_id: string; content: string };

/** What the model answered in one turn: text, and the tools it calls (arguments as sent, unparsed). */
export interface ModelAnswer {
  text: string;
  toolCalls: { id: string; name: string; arguments: string }[];
  usage?: TokenUsage;
}

const usageOf = (u: { prompt_tokens: number; completion_tokens: number; total_tokens: number }): TokenUsage => ({
  promptTokens: u.prompt_tokens,
  completionTokens: u.completion_tokens,
  totalTokens: u.total_tokens,
});

/**
 * Any OpenAI-compatible chat completions API (OpenAI, Ollama, vLLM, LM Studio), through the
 * outbound client, speaking its `tools` / `tool_calls` protocol when the agent has tools. The
 * API key comes from a workspace credential; `idempotencyKey` (one per turn) is sent along so
 * a provider that supports it never bills a repeat twice.
 */
export async function askOpenAiCompatible(
  ctx: ExecutionContext,
  data: AgentData,
  turn: { messages: ChatMessage[]; tools: AgentTool[]; idempotencyKey: string },
): Promise<ModelAnswer> {
  const key = data.credentialId ? await ctx.credential(data.credentialId) : undefined;
  const stream = streamedAnswer((text) => ctx.progress(text));
  const json = data.responseFormat === "json";
  const body = {
    model: data.model,
    messages: turn.messages,
    ...(turn.tools.length > 0 && {
      tools: turn.tools.map((t) => ({
        type: "function",
        function: { name: t.name, description: t.description, parameters: t.parameters },
      })),
    }),
    // Streamed, so the run view shows the answer as it is written.
    stream: true,
    stream_options: { include_usage: true },
    ...(json && {
      response_format: data.jsonSchema
        ? { type: "json_schema", json_schema: { name: "answer", schema: data.jsonSchema } }
        : { type: "json_object" },
    }),
  };
  const res = await ctx.http({
    method: "POST",
    url: `${data.baseUrl.replace(/\/+$/, "")}/chat/completions`,
    headers: {
      "content-type": "application/json",
      "idempotency-key": turn.idempotencyKey,
      ...(key && { authorization: `Bearer ${key}` }),
    },
    body: JSON.stringify(body),
    signal: ctx.signal,
    onText: stream.feed,
  });
  const excerpt = res.body.slice(0, 300);
  if (res.status === 429 || res.status >= 500)
    throw new RetryableError(`the model API answered ${res.status}: ${excerpt}`);
  if (res.status >= 400) throw new NonRetryableError(`the model API refused the request (${res.status}): ${excerpt}`);
  // A server that does not stream answers with one JSON completion instead.
  if (res.headers["content-type"]?.includes("text/event-stream")) return stream.answer();
  let parsed: unknown;
  try {
    parsed = JSON.parse(res.body);
  } catch {
    throw new NonRetryableError(`the model API did not answer with JSON: ${excerpt}`);
  }
  const completion = chatCompletion.safeParse(parsed);
  if (!completion.success) {
    const issue = completion.error.issues[0]!;
    throw new NonRetryableError(
      `the model API's answer is not a chat completion (${formatPath(issue.path as (string | number)[])}: ${issue.message})`,
    );
  }
  const usage = completion.data.usage;
  const message = completion.data.choices[0]!.message;
  return {
    text: message.content ?? "",
    toolCalls: (message.tool_calls ?? []).map((c, i) => ({
      id: c.id ?? `call_${i + 1}`,
      name: c.function.name,
      arguments: c.function.arguments,
    })),
    ...(usage && { usage: usageOf(usage) }),
  };
}

/**
 * Reads a streamed chat completion as it arrives: each `data:` line is one JSON chunk whose
 * delta is passed on at once; `[DONE]` ends it. A chunk that is not a completion chunk fails
 * the answer (reported once the response is complete, never thrown mid-stream).
 */
function streamedAnswer(onDelta: (text: string) => void) {
  let buffer = "";
  let text = "";
  let usage: ModelAnswer["usage"];
  const calls: { id?: string; name: string; arguments: string }[] = [];
  let problem: string | undefined;
  const line = (raw: string) => {
    if (!raw.startsWith("data:") || problem) return;
    const payload = raw.slice(5).trim();
    if (payload === "[DONE]") return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      problem = `a streamed chunk is not JSON: ${payload.slice(0, 120)}`;
      return;
    }
    const chunk = chatChunk.safeParse(parsed);
    if (!chunk.success) {
      const issue = chunk.error.issues[0]!;
      problem = `a streamed chunk is not a completion chunk (${formatPath(issue.path as (string | number)[])}: ${issue.message})`;
      return;
    }
    const delta = chunk.data.choices[0]?.delta;
    if (delta?.content) {
      text += delta.content;
      onDelta(delta.content);
    }
    for (const piece of delta?.tool_calls ?? []) {
      calls[piece.index] ??= { name: "", arguments: "" };
      const call = calls[piece.index]!;
      if (piece.id) call.id = piece.id;
      call.name += piece.function?.name ?? "";
      call.arguments += piece.function?.arguments ?? "";
    }
    const u = chunk.data.usage;
    if (u) usage = usageOf(u);
  };
  return {
    feed(received: string) {
      buffer += received;
      const lines = buffer.split(/\r?\n/);
      buffer = lines.pop() ?? "";
      for (const l of lines) line(l);
    },
    answer(): ModelAnswer {
      line(buffer);
      const unnamed = calls.findIndex((c) => c === undefined || c.name === "");
      if (!problem && unnamed >= 0) problem = `tool call ${unnamed} names no function`;
      if (problem) throw new NonRetryableError(`the model API sent a broken stream: ${problem}`);
      const toolCalls = calls.map((c, i) => ({ id: c.id ?? `call_${i + 1}`, name: c.name, arguments: c.arguments }));
      return { text, toolCalls, ...(usage && { usage }) };
    },
  };
}
