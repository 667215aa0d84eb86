"use client";
import { type AppSocket, openSocket } from "./open-socket";

/**
 * One socket shared by whoever holds it: the first `acquire` opens it, and the last `release`
 * closes it `lingerMs` later, so moving between pages keeps it open (and an acquire meanwhile
 * gets the same one). Holders add and remove their own listeners; none of them disconnects it.
 */
export function sharedSocket(open: () => AppSocket, lingerMs = 1_000) {
  let socket: AppSocket | undefined;
  let holders = 0;
  let closing: ReturnType<typeof setTimeout> | undefined;
  return {
    acquire(): AppSocket {
      clearTimeout(closing);
      closing = undefined;
      socket ??= open();
      holders++;
      return socket;
    },
    release(): void {
      if (holders === 0) return;
      holders--;
      if (holders > 0) return;
      closing = setTimeout(() => {
        closing = undefined;
        socket?.disconnect();
        socket = undefined;
      }, lingerMs);
    },
  };
}

/**
 * The page's one socket: the shell's workspace news (nav badge, runs list, inbox) and the run
 * a page watches all go over it, instead of a socket each.
 */
export const pageSocket = sharedSocket(() => openSocket());
