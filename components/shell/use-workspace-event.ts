"use client";
import { useEffect, useRef } from "react";
import type { Socket } from "socket.io-client";
import { openSocket } from "../open-socket";

/** What the server tells every socket of a workspace (server/realtime/socket-server.ts). */
export type WorkspaceEvent = "runs:changed" | "inbox:changed";

// One socket per tab for workspace news, shared by the nav badge, the runs list and the inbox.
let shared: Socket | undefined;
let holders = 0;
let closing: ReturnType<typeof setTimeout> | undefined;

function acquire(): Socket {
  clearTimeout(closing);
  shared ??= openSocket();
  holders++;
  return shared;
}

/** The last holder closes the socket a moment later, so moving between pages keeps it open. */
function release() {
  holders--;
  if (holders > 0) return;
  closing = setTimeout(() => {
    shared?.disconnect();
    shared = undefined;
  }, 1_000);
}

/**
 * Calls `onChange` when the server announces `event` for the workspace (and after a
 * reconnect, when something may have been missed, or access changed: the server drops the
 * socket then, and it reconnects into what its person may now see). Bursts fold into one
 * call per `everyMs`; the data itself is refetched through tRPC, which applies the caller's
 * permissions.
 */
export function useWorkspaceEvent(event: WorkspaceEvent, onChange: () => void, everyMs = 300) {
  const latest = useRef(onChange);
  latest.current = onChange;
  useEffect(() => {
    const socket = acquire();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const soon = () => {
      timer ??= setTimeout(() => {
        timer = undefined;
        latest.current();
      }, everyMs);
    };
    // Any connect after the first: the connection dropped, or the server dropped the socket.
    let connectedBefore = socket.connected;
    const onConnect = () => {
      if (connectedBefore) soon();
      connectedBefore = true;
    };
    socket.on(event, soon);
    socket.on("connect", onConnect);
    return () => {
      clearTimeout(timer);
      socket.off(event, soon);
      socket.off("connect", onConnect);
      release();
    };
  }, [event, everyMs]);
}
