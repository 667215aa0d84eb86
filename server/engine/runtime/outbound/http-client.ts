import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { NonRetryableError, RetryableError } from "../errors";
import type { AddressPolicy } from "./address-policy";

export interface OutboundRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /**
   * The headers a credential was put in (an API-key header). Like Authorization,
   * Proxy-Authorization and Cookie, they go only to the origin they were meant for: a
   * redirect to another origin is followed without them.
   */
  credentialHeaders?: readonly string[];
  body?: string;
  signal?: AbortSignal;
  /** Sees the body's text as it arrives (a streamed answer); the whole body is still returned. */
  onText?: (text: string) => void;
}

export interface OutboundResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface OutboundOptions {
  policy: AddressPolicy;
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
}

/** A request a flow made that policy refuses: never retried. */
export class OutboundBlocked extends NonRetryableError {}

/**
 * The one way flows reach the network. Every connection's address is checked when it is
 * made (so DNS rebinding cannot slip a private address in), redirects are followed by hand
 * and checked again, credentials never follow a redirect to another origin, and each call
 * has a deadline and a size cap.
 */
export async function outboundRequest(request: OutboundRequest, options: OutboundOptions): Promise<OutboundResponse> {
  const maxRedirects = options.maxRedirects ?? 5;
  let { method, body, headers } = request;
  let url = new URL(request.url);
  for (let hop = 0; ; hop++) {
    const response = await once({ ...request, method, body, headers, url: url.toString() }, options);
    const location = response.headers.location;
    if (![301, 302, 303, 307, 308].includes(response.status) || !location) return response;
    if (hop >= maxRedirects) throw new OutboundBlocked(`more than ${maxRedirects} redirects`);
    const next = new URL(location, url);
    if (headers && next.origin !== url.origin) headers = withoutCredentials(headers, request.credentialHeaders ?? []);
    url = next;
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === "POST")) {
      method = "GET";
      body = undefined;
    }
  }
}

/** Headers that carry who the caller is: sent to the origin they were meant for only (as fetch does). */
const alwaysCredentials = ["authorization", "proxy-authorization", "cookie"];

/** `headers` without the credential ones; once dropped they stay dropped, also on a hop back. */
function withoutCredentials(headers: Record<string, string>, extra: readonly string[]): Record<string, string> {
  const drop = new Set([...alwaysCredentials, ...extra.map((h) => h.toLowerCase())]);
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !drop.has(name.toLowerCase())));
}

function once(request: OutboundRequest, options: OutboundOptions): Promise<OutboundResponse> {
  const url = new URL(request.url);
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new OutboundBlocked(`${url.protocol} URLs are not allowed`);
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(hostname)) {
    const problem = options.policy.problem(hostname, hostname);
    if (problem) throw new OutboundBlocked(problem);
  }
  const lookup: LookupFunction = (host, lookupOptions, callback) => {
    dnsLookup(host, { ...lookupOptions, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, "", 4);
      const problem = addresses.map((a) => options.policy.problem(host, a.address)).find(Boolean);
      if (problem) return callback(new OutboundBlocked(problem), "", 4);
      if (lookupOptions.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const signal = request.signal
    ? AbortSignal.any([request.signal, AbortSignal.timeout(timeoutMs)])
    : AbortSignal.timeout(timeoutMs);

  return new Promise((resolve, reject) => {
    const client = url.protocol === "https:" ? https : http;
    const req = client.request(url, { method: request.method, headers: request.headers, lookup, signal }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;
      const decoder = request.onText && new TextDecoder(); // keeps multi-byte characters whole across chunks
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes && !tooLarge) {
          tooLarge = true;
          res.destroy();
          reject(new NonRetryableError(`the response is larger than ${maxBytes} bytes`));
        }
        if (tooLarge) return;
        chunks.push(chunk);
        if (decoder) request.onText?.(decoder.decode(chunk, { stream: true }));
      });
      res.on("end", () => {
        if (tooLarge) return;
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === "string") headers[k] = v;
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString("utf8") });
      });
      res.on("error", (error) => !tooLarge && reject(error));
    });
    req.on("error", (error) => {
      if (error instanceof NonRetryableError) return reject(error);
      if (signal.aborted && !request.signal?.aborted)
        return reject(new RetryableError(`no answer within ${timeoutMs} ms`));
      reject(request.signal?.aborted ? request.signal.reason : new RetryableError(`${url.host}: ${error.message}`));
    });
    if (request.body !== undefined) req.write(request.body);
    req.end();
  });
}
