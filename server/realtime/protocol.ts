import { z } from "zod";

/** Messages between browser and server on the socket. Client messages are parsed with zod. */
export const watchRunMessage = z.object({
  runId: z.string().min(1).max(100),
  /** The highest seq the client already has; the ack carries every event after it. */
  afterSeq: z.number().int().nonnegative(),
});
export type WatchRunMessage = z.infer<typeof watchRunMessage>;

export const unwatchRunMessage = z.object({ runId: z.string().min(1).max(100) });

export const SOCKET_PATH = "/socket.io";
export const runRoom = (runId: string) => `run:${runId}`;
/** Every socket of a workspace: told when its runs start, wait or end (the runs list). */
export const workspaceRoom = (workspaceId: string) => `workspace:${workspaceId}`;
/** Every socket of a person, and of one session: what an access change drops. */
export const userRoom = (userId: string) => `user:${userId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
