import type { Server as HttpServer } from "node:http";
import { Server, type Socket } from "socket.io";
import type { RunEvent } from "../../lib/run/events";
import {
  type ClientToServerEvents,
  type ServerToClientEvents,
  SOCKET_PATH,
  unwatchRunMessage,
  type WatchReply,
  watchRunMessage,
} from "../../lib/run/socket-protocol";
import { currentSession, type Services, toHeaders } from "../api/context";
import { describeZodError } from "../api/errors";
import { runsRepository } from "../db/runs-repository";
import type { AccessNotices, EventBus } from "../engine/runtime/ports";
import { MAX_BODY_BYTES } from "../http/limits";
import { originProblem } from "../http/origin";
import { runRoom, sessionRoom, userRoom, workspaceRoom } from "./rooms";

type Ack = (reply: WatchReply) => void;
type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

/** Who a socket was let in as, and the access notices this process had heard when it asked. */
interface Grant {
  userId: string;
  sessionId: string;
  workspaceId: string;
  noticesBefore: number;
}
const grantOf = (socket: AppSocket) => socket.data as Grant;
const UNAUTHORIZED = "unauthorized: sign in again";

/**
 * socket.io on the app's HTTP server. The handshake must carry a valid session and an allowed
 * Origin; the server decides which run rooms a socket joins (only runs of the caller's
 * workspace). Watching replays every stored event after the client's seq, then live events
 * follow; the client drops any seq it already has, so the overlap is harmless.
 *
 * Access is not fixed at connect: an access change (a member removed or given another role, a
 * session signed out or revoked) drops the person's or session's sockets on every process,
 * and the browser reconnects with what is left. Each watch checks the session and membership
 * in the database again, so a socket that missed a notice still cannot join a run.
 */
export function attachRealtime(
  httpServer: HttpServer,
  /** `allowedOrigins`: the pages that may connect (server/http/origin.ts, the rule tRPC mutations follow too). */
  deps: { services: Services; bus: EventBus & AccessNotices; allowedOrigins: readonly string[] },
): Server {
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(httpServer, {
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

  // Counts the access notices this process heard: a socket authorized while one arrived, before
  // it joined the rooms notices reach, is checked again.
  let noticesHeard = 0;
  deps.bus.subscribeAccessChanges((change) => {
    noticesHeard++;
    const room = "userId" in change ? userRoom(change.userId) : sessionRoom(change.sessionId);
    // This process's sockets only: every process hears the notice and drops its own.
    io.in(room).disconnectSockets(true);
  });

  /** Whether the socket's session still holds and still works in its workspace, read from the database. */
  const stillAuthorized = async (socket: AppSocket) => {
    const { sessionId, workspaceId } = grantOf(socket);
    const access = await deps.services.workspaces.sessionAccess(sessionId);
    return access?.workspaceId === workspaceId;
  };

  io.use(async (socket, next) => {
    try {
      const noticesBefore = noticesHeard;
      const found = await currentSession(deps.services, toHeaders(socket.request.headers));
      const membership = found && (await deps.services.workspaces.primaryMembership(found.user.id));
      if (!found || !membership) return next(new Error(UNAUTHORIZED));
      const grant: Grant = {
        userId: found.user.id,
        sessionId: found.sessionId,
        workspaceId: membership.workspaceId,
        noticesBefore,
      };
      Object.assign(socket.data, grant);
      next();
    } catch (error) {
      next(error as Error);
    }
  });

  io.on("connection", (socket) => {
    const { userId, sessionId, workspaceId, noticesBefore } = grantOf(socket);
    const runs = runsRepository(deps.services.prisma, workspaceId);
    // From here on an access notice about this person or session reaches the socket.
    void socket.join([userRoom(userId), sessionRoom(sessionId)]);
    const admit = () => {
      if (socket.connected) void socket.join(workspaceRoom(workspaceId));
    };
    if (noticesHeard === noticesBefore) admit();
    else {
      // One arrived while the handshake read the session: it may have been about this socket.
      stillAuthorized(socket).then(
        (ok) => (ok ? admit() : socket.disconnect(true)),
        (error) => {
          console.error(error);
          socket.disconnect(true);
        },
      );
    }

    socket.on("run:watch", async (payload: unknown, ack: unknown) => {
      const reply: Ack = typeof ack === "function" ? (ack as Ack) : () => {};
      const parsed = watchRunMessage.safeParse(payload);
      if (!parsed.success) return reply({ ok: false, error: describeZodError(parsed.error) });
      const { runId, afterSeq } = parsed.data;
      try {
        if (!(await stillAuthorized(socket))) {
          reply({ ok: false, error: UNAUTHORIZED });
          socket.disconnect(true);
          return;
        }
        if (!(await runs.exists(runId))) return reply({ ok: false, error: "run not found" });
        if (!socket.connected) return; // dropped meanwhile: joining would leave a dead room entry
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
