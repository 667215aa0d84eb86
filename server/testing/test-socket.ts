import { io, type Socket } from "socket.io-client";
import { SOCKET_PATH } from "../../lib/run/socket-protocol";

/**
 * A socket.io client as a browser page of `url` opens one (its Origin, its session cookie),
 * without reconnecting, so a test sees each drop. `opened` collects it for closing afterwards.
 */
export function testSocket(
  url: string,
  cookie: string | undefined,
  options: { origin?: string; opened?: Socket[] } = {},
) {
  const socket = io(url, {
    path: SOCKET_PATH,
    transports: ["websocket"],
    reconnection: false,
    extraHeaders: { ...(cookie && { cookie }), origin: options.origin ?? url },
  });
  options.opened?.push(socket);
  return socket;
}

/** `testSocket`, resolved once connected (rejected when the server refuses it). */
export function connectedSocket(...args: Parameters<typeof testSocket>): Promise<Socket> {
  const socket = testSocket(...args);
  return new Promise((resolve, reject) => {
    socket.on("connect", () => resolve(socket));
    socket.on("connect_error", reject);
  });
}

/** Resolves with the reason once the server drops the socket. */
export const dropped = (socket: Socket) => new Promise<string>((resolve) => socket.once("disconnect", resolve));
