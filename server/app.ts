import { setMaxListeners } from "node:events";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { TRPCError } from "@trpc/server";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { toNodeHandler } from "better-auth/node";
import type { Server as SocketServer } from "socket.io";
import packageJson from "../package.json" with { type: "json" };
import { createContext, type Services, toHeaders } from "./api/context";
import { appRouter } from "./api/root";
import { createAuth } from "./auth/auth";
import type { AppConfig } from "./config";
import { type Database, openDatabase } from "./db/client";
import { credentialReader } from "./db/credentials-repository";
import { flowByWebhookToken, flowsRepository } from "./db/flows-repository";
import { purgeExpiredRuns } from "./db/retention";
import { prismaRunStore } from "./db/run-store";
import { scheduleStore } from "./db/schedules-repository";
import { purgeExpiredCache } from "./db/step-cache";
import { invitesRepository } from "./db/team-repository";
import { workspacesRepository } from "./db/workspaces-repository";
import { createEmbeddedEngine } from "./embedded-engine";
import { systemClock } from "./engine/runtime/in-process-bus";
import type { AccessNotices, Clock, EventBus } from "./engine/runtime/ports";
import { apiV1Handler } from "./http/api-v1/handler";
import { BODY_TOO_LARGE, MAX_BODY_BYTES } from "./http/limits";
import { allowedOrigins, originProblem } from "./http/origin";
import { answerErrors, HttpError } from "./http/respond";
import { attachRealtime } from "./realtime/socket-server";
import { deploymentResumeTokens } from "./runs/resume-tokens";
import { startScheduledRun } from "./runs/scheduled-runs";
import { secretCipher } from "./secrets/cipher";
import { resumeHandler } from "./triggers/resume";
import { Scheduler } from "./triggers/scheduler";
import { webhookHandler } from "./triggers/webhook";

export interface App {
  services: Services;
  db: Database;
  bus: EventBus & AccessNotices;
  /**
   * Serves /api/*; returns false for anything else (pages are Next's). Nothing a handler
   * throws escapes: it becomes a 4xx, or a logged 500.
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  attach(httpServer: Server): SocketServer;
  /**
   * Shuts down: no new run from here on (503), /api/health answers 503; attempts in flight get
   * `graceMs` to finish; then sockets, queues and the database close.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/**
 * Everything but Next: database, auth, engine, tRPC, health and socket.io, wired with the
 * embedded adapters (or scale-out's when REDIS_URL is set). Integration tests use this directly on a real HTTP server.
 */
/** How often retention looks for finished runs to purge. */
const RETENTION_EVERY_MS = 86_400_000;

export async function createApp(config: AppConfig, options: { clock?: Clock } = {}): Promise<App> {
  const db = await openDatabase(config.db);
  const origins = allowedOrigins(config.publicUrl, config.extraOrigins);
  const workspaces = workspacesRepository(db.prisma);
  const cipher = secretCipher(config.secretsKey);
  const engineOptions = {
    cipher,
    resume: deploymentResumeTokens(config),
    outboundAllow: config.outboundAllow,
    clock: options.clock,
    onError: (error: unknown, runId: string) => console.error(`run ${runId}:`, error),
  };
  // Loaded only in scale-out: embedded mode never pays for the Redis and BullMQ clients.
  const scaleOut =
    config.scaleOut &&
    (await (await import("./scale-out-engine")).createScaleOutEngine(db.prisma, config.scaleOut, engineOptions));
  const { engine, bus } = scaleOut ?? createEmbeddedEngine(db.prisma, engineOptions);
  const auth = createAuth({
    prisma: db.prisma,
    provider: config.db.provider,
    workspaces,
    secret: config.authSecret,
    baseURL: config.publicUrl,
    trustedOrigins: origins,
    signInPerMinute: config.signInPerMinute,
    // The sockets of an ended session close at once, on whichever process holds them.
    onSessionEnded: (sessionId) => bus.publishAccessChange({ sessionId }),
  });
  const scheduler = new Scheduler({
    store: scheduleStore(db.prisma),
    runs: prismaRunStore(db.prisma),
    clock: options.clock ?? systemClock,
    start: (schedule, dueAt) =>
      startScheduledRun((workspaceId) => flowsRepository(db.prisma, workspaceId), engine, schedule, dueAt),
    pollMs: config.scaleOut ? 5_000 : 60_000, // other processes add schedules too
  });
  const services: Services = {
    prisma: db.prisma,
    auth,
    workspaces,
    invites: invitesRepository(db.prisma),
    engine,
    scheduler,
    cipher,
    access: bus,
  };

  const authHandler = toNodeHandler(auth);
  const trpcHandler = createHTTPHandler({
    router: appRouter,
    basePath: "/api/trpc/",
    maxBodySize: MAX_BODY_BYTES,
    createContext: ({ req }) => {
      // Mutations are POSTs: only pages of this app (or clients that say they are) may send them.
      if (req.method !== "GET" && req.method !== "HEAD") {
        const refused = originProblem(req.headers, origins);
        if (refused) throw new TRPCError({ code: "FORBIDDEN", message: `Refused: ${refused}.` });
      }
      return createContext(services, toHeaders(req.headers));
    },
  });
  const shutdown = new AbortController();
  setMaxListeners(0, shutdown.signal); // one listener per sync webhook waiting for its run
  const webhooks = webhookHandler({
    flowByToken: (token) => flowByWebhookToken(db.prisma, token),
    callTargets: (workspaceId) => flowsRepository(db.prisma, workspaceId).callTargets(),
    credential: credentialReader(db.prisma, cipher),
    engine,
    bus,
    syncTimeoutMs: config.webhookSyncTimeoutMs,
    shutdown: shutdown.signal,
  });
  const api = apiV1Handler(services, { bus, shutdown: shutdown.signal, origins });
  const resumes = resumeHandler({ engine, tokens: engineOptions.resume });
  let io: SocketServer | undefined;
  // Retention: once a day (and an hour after boot), finished runs past their workspace's days lose their steps.
  const purge = () =>
    Promise.all([
      purgeExpiredRuns(db.prisma, options.clock?.now()),
      purgeExpiredCache(db.prisma, options.clock?.now()),
    ]).catch((error) => console.error("retention:", error));
  const retention = setInterval(purge, RETENTION_EVERY_MS);
  retention.unref();
  const firstPurge = setTimeout(purge, 3_600_000);
  firstPurge.unref();
  let closing = false;

  const health = async (res: ServerResponse) => {
    let dbOk = true;
    try {
      await db.prisma.$queryRawUnsafe("SELECT 1");
    } catch {
      dbOk = false;
    }
    const ok = dbOk && !closing; // a load balancer stops sending work to a process that shuts down
    res.writeHead(ok ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store" });
    const body = {
      ok,
      db: dbOk ? "ok" : "unreachable",
      version: packageJson.version,
      ...(closing && { stopping: true }),
    };
    res.end(JSON.stringify(body));
  };

  type Route = (req: IncomingMessage, res: ServerResponse) => unknown;
  const routeOf = (path: string): Route | undefined => {
    if (path === "/api/health") return (_req, res) => health(res);
    if (path.startsWith("/api/auth/"))
      return (req, res) => {
        // better-auth reads any body whole: refuse one over the cap before it starts.
        if (Number(req.headers["content-length"]) > MAX_BODY_BYTES) throw new HttpError(413, BODY_TOO_LARGE);
        // The rate limiter keys on X-Forwarded-For: set it from the socket unless a proxy is trusted.
        if (!config.trustProxy) req.headers["x-forwarded-for"] = req.socket.remoteAddress ?? "unknown";
        return authHandler(req, res);
      };
    if (path.startsWith("/api/hooks/")) return (req, res) => webhooks(req, res, path.slice("/api/hooks/".length));
    if (path.startsWith("/api/trpc/")) return (req, res) => trpcHandler(req, res);
    if (path.startsWith("/api/v1/resume/"))
      return (req, res) => resumes(req, res, path.slice("/api/v1/resume/".length));
    if (path.startsWith("/api/v1/")) return (req, res) => api(req, res, path.slice("/api/v1".length));
    return undefined;
  };

  return {
    services,
    db,
    bus,
    handle(req, res) {
      const path = (req.url ?? "/").split("?")[0]!;
      const route = routeOf(path);
      if (!route) return false;
      answerErrors(req, res, () => route(req, res));
      return true;
    },
    attach(httpServer) {
      io = attachRealtime(httpServer, { services, bus, allowedOrigins: origins });
      return io;
    },
    async close({ graceMs = 0 } = {}) {
      closing = true;
      clearInterval(retention);
      clearTimeout(firstPurge);
      await scheduler.stop();
      await engine.stop(graceMs);
      await engine.idle();
      shutdown.abort();
      await io?.close();
      await scaleOut?.close();
      await db.close();
    },
  };
}
