/**
 * The rooms a socket joins: the server derives them from authorization, never from the
 * client's strings. The protocol itself (path, messages) is lib/run/socket-protocol.ts.
 */
export const runRoom = (runId: string) => `run:${runId}`;
/** Every socket of a workspace: told when its runs start, wait or end (the runs list). */
export const workspaceRoom = (workspaceId: string) => `workspace:${workspaceId}`;
/** Every socket of a person, and of one session: what an access change drops. */
export const userRoom = (userId: string) => `user:${userId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
