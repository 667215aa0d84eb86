import type { IncomingHttpHeaders } from "node:http";

/**
 * The origins whose pages may use the app (call tRPC mutations, open a socket, sign in):
 * PUBLIC_URL's, and ALLOWED_ORIGINS. A localhost PUBLIC_URL also allows its loopback aliases
 * (127.0.0.1, [::1]) on the same port: the same machine, opened by another name.
 */
export function allowedOrigins(publicUrl: string, extraOrigins: readonly string[] = []): string[] {
  const own = new URL(publicUrl);
  const origins = [own.origin];
  if (own.hostname === "localhost") {
    for (const alias of ["127.0.0.1", "[::1]"]) {
      const url = new URL(own.origin);
      url.hostname = alias;
      origins.push(url.origin);
    }
  }
  for (const extra of extraOrigins) {
    // Written as users write them (a trailing slash, upper case): compare what browsers send.
    origins.push(URL.canParse(extra) ? new URL(extra).origin : extra);
  }
  return [...new Set(origins)];
}

/**
 * Why a request from a browser page may not go on, or undefined when it may: its Origin must
 * be allowed. Browsers send Origin with every POST and WebSocket handshake; without one, the
 * request passes only if the browser says it comes from the same origin (Sec-Fetch-Site).
 * Other clients (scripts, tests) send the app's origin.
 */
export function originProblem(headers: IncomingHttpHeaders, allowed: readonly string[]): string | undefined {
  const origin = headers.origin;
  if (origin === undefined) {
    if (headers["sec-fetch-site"] === "same-origin") return undefined;
    return `the request has no Origin header; send the app's origin (${allowed[0]})`;
  }
  if (allowed.includes(origin)) return undefined;
  return `requests from the origin ${origin} are not allowed; open the app at ${allowed[0]} or add the origin to ALLOWED_ORIGINS`;
}
