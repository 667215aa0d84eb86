import { type HttpData, httpDataSchema } from "../../../../lib/flow/kinds/http";
import { expressionContext } from "../../core/prev";
import { NonRetryableError, RetryableError } from "../errors";
import type { ExecutionContext, NodeExecutor } from "../ports";

/** What an outside request is made of (an HTTP step, a wait node's notify). */
export type RequestConfig = Pick<HttpData, "method" | "url" | "headers" | "body" | "credentialId">;

/**
 * Calls a web API through the outbound client. Output: `{ status, headers, body }`, the body
 * parsed when it is JSON. 5xx and 429 may pass on a retry; other 4xx will not.
 */
export const executeHttp: NodeExecutor = async (ctx) => {
  const data = httpDataSchema.parse(ctx.node.data);
  const context = expressionContext(ctx.graph, ctx.state, ctx.node.id, ctx.runId, ctx.path);
  return { output: await sendRequest(ctx, data, context), handles: ["out"] };
};

/**
 * Renders `data`'s templates in `context` (fields named under `at`, e.g. "notify.") and sends
 * the request through the outbound client, with the attempt's idempotency key.
 */
export async function sendRequest(
  ctx: ExecutionContext,
  data: RequestConfig,
  context: Record<string, unknown>,
  at = "",
): Promise<{ status: number; headers: Record<string, string>; body: unknown }> {
  const url = await ctx.expressions.render(`${at}url`, data.url, context);
  const headers: Record<string, string> = { "idempotency-key": ctx.idempotencyKey };
  for (const [name, value] of Object.entries(data.headers))
    headers[name.toLowerCase()] = await ctx.expressions.render(`${at}headers.${name}`, value, context);
  if (data.credentialId) headers.authorization = `Bearer ${await ctx.credential(data.credentialId)}`;
  const body = data.method === "GET" ? undefined : await ctx.expressions.render(`${at}body`, data.body, context);
  if (body !== undefined && !headers["content-type"]) headers["content-type"] = "application/json";
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new NonRetryableError(`${at}url: "${url}" is not a valid URL`);
  }
  const { authorization: _secret, ...shown } = headers; // a credential never leaves the server
  ctx.describe({ method: data.method, url: target.toString(), headers: shown, ...(body !== undefined && { body }) });
  const res = await ctx.http({ method: data.method, url: target.toString(), headers, body, signal: ctx.signal });
  const parsed = res.headers["content-type"]?.includes("json") ? safeJson(res.body) : res.body;
  const output = { status: res.status, headers: res.headers, body: parsed };
  if (res.status === 429 || res.status >= 500) throw new RetryableError(`${target.host} answered ${res.status}`);
  if (res.status >= 400)
    throw new NonRetryableError(`${target.host} answered ${res.status}: ${res.body.slice(0, 200)}`);
  return output;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
