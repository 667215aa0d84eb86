"use client";
import { io, type Socket } from "socket.io-client";
import { type ClientToServerEvents, type ServerToClientEvents, SOCKET_PATH } from "@/lib/run/socket-protocol";

/** A socket that speaks lib/run/socket-protocol.ts. */
export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * A socket to this app's server. The server drops a socket when its person's access changes
 * (a new role, a removal, a sign-out or revoked session); this one then connects again at
 * once, so the handshake authorizes it afresh. A refused handshake leaves it closed.
 * A browser connects to the page's origin with its cookie; `url` and `headers` are for Node (tests).
 * Pages share one (page-socket.ts).
 */
export function openSocket(node?: { url: string; headers: Record<string, string> }): AppSocket {
  const options = { path: SOCKET_PATH, transports: ["websocket"] };
  const socket: AppSocket = node ? io(node.url, { ...options, extraHeaders: node.headers }) : io(options);
  socket.on("disconnect", (reason) => {
    if (reason === "io server disconnect") socket.connect();
  });
  return socket;
}
