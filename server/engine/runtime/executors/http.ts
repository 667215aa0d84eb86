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
  if (!data.cache) return { output: await sendRequest(ctx, data, context), handles: ["out"] };
  const request = await renderRequest(ctx, data, context);
  // The key is the request as rendered, with the credential named, never its secret; the
  // idempotency key differs per attempt by design, so it is left out.
  const { authorization: _secret, "idempotency-key": _attempt, ...headers } = request.headers;
  const { value, hit } = await ctx.cached(
    { ...request, headers, credentialId: data.credentialId ?? null },
    data.cache.ttlMs,
    () => send(ctx, request),
  );
  return { output: value, handles: ["out"], ...(hit && { cached: true }) };
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
): Promise<HttpResult> {
  return send(ctx, await renderRequest(ctx, data, context, at));
}

type HttpResult = { status: number; headers: Record<string, string>; body: unknown };
interface RenderedRequest {
  method: RequestConfig["method"];
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** `data`'s templates rendered in `context` (fields named under `at`), with the attempt's idempotency key; recorded for the inspector. */
async function renderRequest(
  ctx: ExecutionContext,
  data: RequestConfig,
  context: Record<string, unknown>,
  at = "",
): Promise<RenderedRequest> {
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
  return { method: data.method, url: target.toString(), headers, ...(body !== undefined && { body }) };
}

/** Sends a rendered request through the outbound client; 5xx and 429 may pass on a retry, other 4xx will not. */
async function send(ctx: ExecutionContext, request: RenderedRequest): Promise<HttpResult> {
  const target = new URL(request.url);
  const res = await ctx.http({ ...request, signal: ctx.signal });
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
