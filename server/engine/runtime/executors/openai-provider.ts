import { z } from "zod";
import type { AgentData } from "../../../../lib/flow/kinds/agent";
import { formatPath } from "../../../../lib/flow/problems";
import { NonRetryableError, RetryableError } from "../errors";
import type { ExecutionContext } from "../ports";

/** The part of an OpenAI chat completion we read; anything else in it is ignored. */
const chatCompletion = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable() }) })).min(1, "no choices"),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number(), total_tokens: z.number() }).optional(),
});

/** One chunk of a streamed chat completion (server-sent events). */
const chatChunk = z.object({
  choices: z.array(z.object({ delta: z.object({ content: z.string().nullish() }).optional() })),
  usage: chatCompletion.shape.usage.nullable(),
});

export interface ModelAnswer {
  text: string;
  usage?: { promptTokens: number; completionTokens: number; totalTokens: number };
}

/**
 * Any OpenAI-compatible chat completions API (OpenAI, Ollama, vLLM, LM Studio), through the
 * outbound client. The API key comes from a workspace credential; the attempt's idempotency
 * key is sent along so a provider that supports it never bills a repeat twice.
 */
export async function askOpenAiCompatible(
  ctx: ExecutionContext,
  data: AgentData,
  system: string,
  prompt: string,
): Promise<ModelAnswer> {
  const key = data.credentialId ? await ctx.credential(data.credentialId) : undefined;
  const stream = streamedAnswer((text) => ctx.progress(text));
  const json = data.responseFormat === "json";
  const body = {
    model: data.model,
    messages: [...(system ? [{ role: "system", content: system }] : []), { role: "user", content: prompt }],
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
      "idempotency-key": ctx.idempotencyKey,
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
  return {
    text: completion.data.choices[0]!.message.content ?? "",
    ...(usage && {
      usage: {
        promptTokens: usage.prompt_tokens,
        completionTokens: usage.completion_tokens,
        totalTokens: usage.total_tokens,
      },
    }),
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
    const delta = chunk.data.choices[0]?.delta?.content;
    if (delta) {
      text += delta;
      onDelta(delta);
    }
    const u = chunk.data.usage;
    if (u)
      usage = { promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens, totalTokens: u.total_tokens };
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
      if (problem) throw new NonRetryableError(`the model API sent a broken stream: ${problem}`);
      return { text, ...(usage && { usage }) };
    },
  };
}
