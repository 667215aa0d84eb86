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
  const json = data.responseFormat === "json";
  const body = {
    model: data.model,
    messages: [...(system ? [{ role: "system", content: system }] : []), { role: "user", content: prompt }],
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
  });
  const excerpt = res.body.slice(0, 300);
  if (res.status === 429 || res.status >= 500)
    throw new RetryableError(`the model API answered ${res.status}: ${excerpt}`);
  if (res.status >= 400) throw new NonRetryableError(`the model API refused the request (${res.status}): ${excerpt}`);
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
