import { setMaxListeners } from "node:events";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { toNodeHandler } from "better-auth/node";
import type { Server as SocketServer } from "socket.io";
import packageJson from "../package.json" with { type: "json" };
import { createContext, type Services, toHeaders } from "./api/context";
import { appRouter } from "./api/root";
import { createAuth } from "./auth/auth";
import type { AppConfig } from "./config";
import { type Database, openDatabase } from "./db/client";
import { workspacesRepository } from "./db/workspaces-repository";
import { createEmbeddedEngine } from "./embedded-engine";
import type { Clock, EventBus } from "./engine/runtime/ports";
import { attachRealtime } from "./realtime/socket-server";
import { secretCipher } from "./secrets/cipher";
import { webhookHandler } from "./triggers/webhook";

export interface App {
  services: Services;
  db: Database;
  bus: EventBus;
  /** Serves /api/*; returns false for anything else (pages are Next's). */
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
export async function createApp(config: AppConfig, options: { clock?: Clock } = {}): Promise<App> {
  const db = await openDatabase(config.db);
  const workspaces = workspacesRepository(db.prisma);
  const auth = createAuth({
    prisma: db.prisma,
    provider: config.db.provider,
    workspaces,
    secret: config.authSecret,
    baseURL: config.publicUrl,
    signInPerMinute: config.signInPerMinute,
  });
  const cipher = secretCipher(config.secretsKey);
  const engineOptions = {
    cipher,
    outboundAllow: config.outboundAllow,
    clock: options.clock,
    onError: (error: unknown, runId: string) => console.error(`run ${runId}:`, error),
  };
  // Loaded only in scale-out: embedded mode never pays for the Redis and BullMQ clients.
  const scaleOut =
    config.scaleOut &&
    (await (await import("./scale-out-engine")).createScaleOutEngine(db.prisma, config.scaleOut, engineOptions));
  const { engine, bus } = scaleOut ?? createEmbeddedEngine(db.prisma, engineOptions);
  const services: Services = { prisma: db.prisma, auth, workspaces, engine, cipher };

  const authHandler = toNodeHandler(auth);
  const trpcHandler = createHTTPHandler({
    router: appRouter,
    basePath: "/api/trpc/",
    createContext: ({ req }) => createContext(services, toHeaders(req.headers)),
  });
  const shutdown = new AbortController();
  setMaxListeners(0, shutdown.signal); // one listener per sync webhook waiting for its run
  const webhooks = webhookHandler({
    prisma: db.prisma,
    engine,
    bus,
    syncTimeoutMs: config.webhookSyncTimeoutMs,
    shutdown: shutdown.signal,
  });
  let io: SocketServer | undefined;
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

  return {
    services,
    db,
    bus,
    handle(req, res) {
      const path = (req.url ?? "/").split("?")[0]!;
      if (path === "/api/health") {
        void health(res);
        return true;
      }
      if (path.startsWith("/api/auth/")) {
        // The rate limiter keys on X-Forwarded-For: set it from the socket unless a proxy is trusted.
        if (!config.trustProxy) req.headers["x-forwarded-for"] = req.socket.remoteAddress ?? "unknown";
        void authHandler(req, res);
        return true;
      }
      if (path.startsWith("/api/hooks/")) {
        void webhooks(req, res, decodeURIComponent(path.slice("/api/hooks/".length)));
        return true;
      }
      if (path.startsWith("/api/trpc/")) {
        trpcHandler(req, res);
        return true;
      }
      return false;
    },
    attach(httpServer) {
      io = attachRealtime(httpServer, { services, bus, extraOrigins: config.extraOrigins });
      return io;
    },
    async close({ graceMs = 0 } = {}) {
      closing = true;
      await engine.stop(graceMs);
      await engine.idle();
      shutdown.abort();
      await io?.close();
      await scaleOut?.close();
      await db.close();
    },
  };
}
