import { initTRPC, TRPCError } from "@trpc/server";
import superjson, { type SuperJSONResult } from "superjson";
import type { Role } from "../../generated/sqlite/enums.ts";
import { type Capability, may, narrower } from "../../lib/auth/capabilities";
import { describeJsonLimit, jsonLimitProblem } from "../../lib/json/limits";
import { apiTokensRepository } from "../db/api-tokens-repository";
import { type AuditActor, auditRepository } from "../db/audit-repository";
import { breakersRepository } from "../db/circuit-breakers";
import { credentialsRepository } from "../db/credentials-repository";
import { flowsRepository } from "../db/flows-repository";
import { inboxRepository } from "../db/inbox-repository";
import { runsRepository } from "../db/runs-repository";
import { schedulesRepository } from "../db/schedules-repository";
import { teamRepository } from "../db/team-repository";
import { auditRecord, isAudited } from "./audit";
import type { Context, Services, SessionUser } from "./context";
import { toProcedureError, UserError } from "./errors";

const protoKey = new Set(["__proto__"]);

/**
 * superjson, except that a request holding a `__proto__` key anywhere is refused: superjson's
 * copy would drop the key without a word, and the procedure would act on other data than was
 * sent. (Keys it keeps but cannot send back, like `constructor`, are refused where the data is
 * checked: lib/json/limits.)
 */
const transformer = {
  input: {
    serialize: (value: unknown) => superjson.serialize(value),
    deserialize: (payload: SuperJSONResult) => {
      const problem = jsonLimitProblem(payload?.json, { maxDepth: Number.POSITIVE_INFINITY, keys: protoKey });
      if (problem) {
        const where = describeJsonLimit("", problem).replace(/^\./, "");
        throw new TRPCError({ code: "BAD_REQUEST", message: `the request is not valid: ${where}` });
      }
      return superjson.deserialize(payload);
    },
  },
  output: superjson,
};

const t = initTRPC.context<Context>().create({
  transformer,
  errorFormatter({ shape, error }) {
    const details = error.cause instanceof UserError ? error.cause.details : undefined;
    return { ...shape, data: { ...shape.data, stack: undefined, details } };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const mapped = toProcedureError(result.error);
    if (mapped.code === "INTERNAL_SERVER_ERROR") console.error(result.error);
    throw mapped;
  }
  return result;
});

/** The explicit public list: only procedures built from this are reachable signed out. */
export const publicProcedure = t.procedure.use(mapErrors);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Your session has ended. Sign in again." });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

export { type Capability, may, narrower } from "../../lib/auth/capabilities";

/** Every repository a handler may use, bound to one workspace: the only way handlers reach the database. */
function workspaceRepositories({ prisma, cipher }: Services, workspaceId: string, userId: string) {
  return {
    apiTokens: apiTokensRepository(prisma, workspaceId, userId),
    audit: auditRepository(prisma, workspaceId),
    breakers: breakersRepository(prisma, workspaceId),
    flows: flowsRepository(prisma, workspaceId),
    runs: runsRepository(prisma, workspaceId),
    schedules: schedulesRepository(prisma, workspaceId),
    inbox: inboxRepository(prisma, workspaceId),
    team: teamRepository(prisma, workspaceId),
    credentials: credentialsRepository(prisma, workspaceId, cipher),
  };
}

/**
 * A procedure inside the caller's workspace: adds `workspace` and repositories that are
 * already scoped to it, so a handler cannot query another workspace by mistake.
 */
export function workspaceProcedure(capability: Capability) {
  return protectedProcedure.use(async ({ ctx, next, path, type, getRawInput }) => {
    const found = ctx.token
      ? await ctx.services.workspaces.membershipIn(ctx.user.id, ctx.token.workspaceId)
      : await ctx.services.workspaces.primaryMembership(ctx.user.id);
    if (!found)
      throw new TRPCError({
        code: "FORBIDDEN",
        message: ctx.token
          ? "You are no longer a member of this token's workspace."
          : "You are not a member of any workspace.",
      });
    const membership = ctx.token ? { ...found, role: narrower(found.role, ctx.token.role) } : found;
    if (!may(membership.role, capability)) {
      throw new TRPCError({ code: "FORBIDDEN", message: `Your role (${membership.role}) cannot ${capability} here.` });
    }
    const result = await next({
      ctx: {
        ...ctx,
        workspace: membership,
        ...workspaceRepositories(ctx.services, membership.workspaceId, ctx.user.id),
      },
    });
    // What changes the workspace goes into its audit log (audit.ts), once it has happened.
    if (type === "mutation" && result.ok && isAudited(path)) {
      const record = auditRecord(path, await getRawInput(), result.data, actorOf(ctx));
      if (record) await auditRepository(ctx.services.prisma, membership.workspaceId).append(record);
    }
    return result;
  });
}

/** Who the audit log says acted: the person, or their token. */
export const actorOf = (ctx: { user: SessionUser; token?: Context["token"] }): AuditActor =>
  ctx.token
    ? { type: "token", id: ctx.token.id, name: `${ctx.user.name} (API token)` }
    : { type: "user", id: ctx.user.id, name: ctx.user.name };

export interface WorkspaceContext extends Context, ReturnType<typeof workspaceRepositories> {
  user: NonNullable<Context["user"]>;
  workspace: { workspaceId: string; workspaceName: string; role: Role };
}
