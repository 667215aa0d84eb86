import type { Server as HttpServer } from "node:http";
import { Server } from "socket.io";
import type { RunEvent } from "../../lib/run/events";
import { type Services, sessionUser, toHeaders } from "../api/context";
import { describeZodError } from "../api/errors";
import { runsRepository } from "../db/runs-repository";
import type { EventBus } from "../engine/runtime/ports";
import { MAX_BODY_BYTES } from "../http/limits";
import { originProblem } from "../http/origin";
import { runRoom, SOCKET_PATH, unwatchRunMessage, watchRunMessage, workspaceRoom } from "./protocol";

type Ack = (reply: { ok: true; events: RunEvent[] } | { ok: false; error: string }) => void;

/**
 * socket.io on the app's HTTP server. The handshake must carry a valid session and an allowed
 * Origin; the server decides which run rooms a socket joins (only runs of the caller's
 * workspace). Watching replays every stored event after the client's seq, then live events
 * follow; the client drops any seq it already has, so the overlap is harmless.
 */
export function attachRealtime(
  httpServer: HttpServer,
  /** `allowedOrigins`: the pages that may connect (server/http/origin.ts, the rule tRPC mutations follow too). */
  deps: { services: Services; bus: EventBus; allowedOrigins: readonly string[] },
): Server {
  const io = new Server(httpServer, {
    path: SOCKET_PATH,
    serveClient: false,
    transports: ["websocket"],
    destroyUpgrade: false, // leave other upgrades (Next's dev HMR socket) alone
    maxHttpBufferSize: MAX_BODY_BYTES, // a larger message closes the socket
    allowRequest: (req, callback) => {
      const refused = originProblem(req.headers, deps.allowedOrigins);
      callback(refused ? `origin not allowed: ${refused}` : null, !refused);
    },
  });

  io.use(async (socket, next) => {
    try {
      const user = await sessionUser(deps.services, toHeaders(socket.request.headers));
      const membership = user && (await deps.services.workspaces.primaryMembership(user.id));
      if (!user || !membership) return next(new Error("unauthorized: sign in again"));
      socket.data.userId = user.id;
      socket.data.workspaceId = membership.workspaceId;
      next();
    } catch (error) {
      next(error as Error);
    }
  });

  io.on("connection", (socket) => {
    const runs = runsRepository(deps.services.prisma, socket.data.workspaceId as string);
    void socket.join(workspaceRoom(socket.data.workspaceId as string));

    socket.on("run:watch", async (payload: unknown, ack: unknown) => {
      const reply: Ack = typeof ack === "function" ? (ack as Ack) : () => {};
      const parsed = watchRunMessage.safeParse(payload);
      if (!parsed.success) return reply({ ok: false, error: describeZodError(parsed.error) });
      const { runId, afterSeq } = parsed.data;
      try {
        if (!(await runs.exists(runId))) return reply({ ok: false, error: "run not found" });
        await socket.join(runRoom(runId)); // join first: nothing committed after the read is missed
        reply({ ok: true, events: await runs.events(runId, afterSeq) });
      } catch (error) {
        console.error(error);
        reply({ ok: false, error: "could not load the run's events" });
      }
    });

    socket.on("run:unwatch", async (payload: unknown) => {
      const parsed = unwatchRunMessage.safeParse(payload);
      if (parsed.success) await socket.leave(runRoom(parsed.data.runId));
    });
  });

  // A broadcast encodes its packet even for an empty room: emit only to rooms someone here
  // joined. Each process emits what its own bus delivers to its own sockets; an adapter that
  // fans out across processes would need this check gone.
  const watched = (room: string) => io.sockets.adapter.rooms.has(room);
  deps.bus.subscribe((events, workspaceId) => {
    const byRun = new Map<string, RunEvent[]>();
    for (const event of events) {
      const batch = byRun.get(event.runId);
      if (batch) batch.push(event);
      else byRun.set(event.runId, [event]);
    }
    for (const [runId, batch] of byRun) if (watched(runRoom(runId))) io.to(runRoom(runId)).emit("run:events", batch);
    if (!watched(workspaceRoom(workspaceId))) return;
    const changed = [...new Set(events.filter((e) => e.type.startsWith("run.")).map((e) => e.runId))];
    if (changed.length > 0) io.to(workspaceRoom(workspaceId)).emit("runs:changed", { runIds: changed });
    // Tasks open, take decisions, escalate and close with these; the inbox refetches through tRPC.
    const tasks = events.filter(
      (e) =>
        e.type.startsWith("approval.") ||
        e.type === "timer.fired" ||
        e.type === "run.cancelled" ||
        e.type === "run.failed",
    );
    if (tasks.length > 0) {
      const opened = tasks.filter((e) => e.type === "approval.requested").map((e) => e.runId);
      io.to(workspaceRoom(workspaceId)).emit("inbox:changed", { opened: [...new Set(opened)] });
    }
  });

  return io;
}
