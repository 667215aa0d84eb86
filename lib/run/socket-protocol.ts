import { z } from "zod";
import type { RunEvent } from "./events";

/**
 * The socket between browser and server (server/realtime/socket-server.ts, components/open-socket.ts):
 * its path, the messages each side sends and what they carry. Client messages are parsed with
 * zod on the server; rooms are the server's own business (server/realtime/rooms.ts).
 */
export const SOCKET_PATH = "/socket.io";

export const watchRunMessage = z.object({
  runId: z.string().min(1).max(100),
  /** The highest seq the client already has; the ack carries every event after it. */
  afterSeq: z.number().int().nonnegative(),
});
export type WatchRunMessage = z.infer<typeof watchRunMessage>;

export const unwatchRunMessage = z.object({ runId: z.string().min(1).max(100) });
export type UnwatchRunMessage = z.infer<typeof unwatchRunMessage>;

/** The answer to `run:watch`: the stored events after `afterSeq` (at most REPLAY_PAGE), or why not. */
export type WatchReply = { ok: true; events: RunEvent[] } | { ok: false; error: string };

/** What the browser sends. */
export interface ClientToServerEvents {
  "run:watch": (message: WatchRunMessage, ack: (reply: WatchReply) => void) => void;
  "run:unwatch": (message: UnwatchRunMessage) => void;
}

/** What the server sends: a watched run's events, and news for every socket of a workspace. */
export interface ServerToClientEvents {
  "run:events": (events: RunEvent[]) => void;
  /** Runs of the workspace that started, waited or ended (the runs list refetches). */
  "runs:changed": (change: { runIds: string[] }) => void;
  /** Approval tasks that opened, were decided or closed (the inbox refetches); `opened` by run. */
  "inbox:changed": (change: { opened: string[] }) => void;
}

/** The workspace news a page may listen for. */
export type WorkspaceEvent = "runs:changed" | "inbox:changed";
