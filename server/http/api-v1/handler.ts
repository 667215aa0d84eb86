import type { IncomingMessage, ServerResponse } from "node:http";
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import type { z } from "zod";
import { type Context, currentSession, type Services, toHeaders } from "../../api/context";
import { appRouter } from "../../api/root";
import { apiTokenBySecret } from "../../db/api-tokens-repository";
import { readJsonBody } from "../body";
import { MAX_BODY_BYTES } from "../limits";
import { originProblem } from "../origin";
import { HttpError, sendJson } from "../respond";
import { openApiDocument } from "./openapi";
import type { ApiDeps, ApiRoute } from "./route";
import { apiRoutes } from "./routes";

const codes: Record<number, string> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
  413: "payload_too_large",
  422: "unprocessable",
  429: "too_many_requests",
  503: "unavailable",
};
/** An /api/v1 error answer: `{ error: { code, message, path? } }` (api.md). */
export const sendApiError = (res: ServerResponse, status: number, message: string, path?: string) =>
  sendJson(res, status, { error: { code: codes[status] ?? "internal", message, ...(path && { path }) } });

/** A refusal naming the first bad field, as `where.a.b`. */
class BadInput extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

function parse(schema: z.ZodType | undefined, value: unknown, where: string): unknown {
  if (!schema) return undefined;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const keys = issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0]] : issue.path;
  const path = [where, ...keys.map(String)].join(".");
  const message = issue.code === "unrecognized_keys" ? `unknown field "${issue.keys[0]}"` : issue.message;
  throw new BadInput(`${path}: ${message}`, path);
}

/** The routes' paths as patterns: /flows/{id} → ^/flows/([^/]+)$ */
const compiled = apiRoutes.map((r) => ({
  route: r,
  names: [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!),
  pattern: new RegExp(`^${r.path.replace(/\{\w+\}/g, "([^/]+)")}$`),
}));

/**
 * /api/v1 (api.md): a bearer token or the browser's session (with tRPC's Origin rule for
 * writes), then the route's schemas, then the procedures. Every answer is JSON; an error is
 * `{ error: { code, message, path? } }`.
 */
export function apiV1Handler(services: Services, options: ApiDeps & { origins: readonly string[] }) {
  const document = openApiDocument(apiRoutes);
  return async (req: IncomingMessage, res: ServerResponse, path: string) => {
    try {
      if (path === "/openapi.json" && req.method === "GET") return sendJson(res, 200, document);
      const matches = compiled.filter((c) => c.pattern.test(path));
      if (matches.length === 0)
        return sendApiError(res, 404, `there is no ${path} in the API (see /api/v1/openapi.json)`);
      const found = matches.find((c) => c.route.method === req.method);
      if (!found) return sendApiError(res, 405, `${path} takes ${matches.map((m) => m.route.method).join(", ")}`);

      const context = await authenticate(services, req, options.origins);
      const values = found.pattern.exec(path)!.slice(1);
      const params = Object.fromEntries(found.names.map((name, i) => [name, decodeURIComponent(values[i]!)]));
      const url = new URL(req.url ?? "/", "http://localhost");
      const route: ApiRoute = found.route;
      const input = {
        params: parse(route.params, params, "path"),
        query: parse(route.query, Object.fromEntries(url.searchParams), "query"),
        body: route.body ? parse(route.body, await readJsonBody(req, MAX_BODY_BYTES), "body") : undefined,
      };
      const result = await route.handle(appRouter.createCaller(context), input, options);
      if (route.status === 204) res.writeHead(204).end();
      else sendJson(res, route.status ?? 200, result);
    } catch (error) {
      if (error instanceof BadInput) return sendApiError(res, 400, error.message, error.path);
      if (error instanceof HttpError) return sendApiError(res, error.status, error.message);
      if (error instanceof TRPCError) {
        const status = getHTTPStatusCodeFromError(error);
        const found = compiled.find((c) => c.pattern.test(path) && c.route.method === req.method);
        if (status === 400 && found?.route.unprocessable) return sendApiError(res, 422, error.message);
        if (status < 500) return sendApiError(res, status, error.message);
      }
      console.error("api:", error);
      sendApiError(res, 500, "something went wrong on our side; it was logged");
    }
  };
}

/** Who calls: a live token's person in its workspace, or a signed-in browser session. */
async function authenticate(services: Services, req: IncomingMessage, origins: readonly string[]): Promise<Context> {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const secret = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const token = secret ? await apiTokenBySecret(services.prisma, secret) : null;
    if (!token) throw new HttpError(401, "the token is not valid: it may be mistyped, revoked or expired");
    const user = await services.prisma.user.findUnique({
      where: { id: token.userId },
      select: { id: true, email: true, name: true },
    });
    if (!user) throw new HttpError(401, "the token's person no longer exists");
    return { services, user, token: { id: token.id, workspaceId: token.workspaceId, role: token.role } };
  }
  const session = await currentSession(services, toHeaders(req.headers));
  if (!session) throw new HttpError(401, "send a token: Authorization: Bearer <token> (Settings → API tokens)");
  if (req.method !== "GET") {
    const refused = originProblem(req.headers, origins);
    if (refused) throw new HttpError(403, `Refused: ${refused}.`);
  }
  return { services, user: session.user };
}
