"use client";
import { useEffect, useRef } from "react";
import type { WorkspaceEvent } from "@/lib/run/socket-protocol";
import { pageSocket } from "../page-socket";

/**
 * Calls `onChange` when the server announces `event` for the workspace (and after a
 * reconnect, when something may have been missed, or access changed: the server drops the
 * socket then, and it reconnects into what its person may now see). Bursts fold into one
 * call per `everyMs`; the data itself is refetched through tRPC, which applies the caller's
 * permissions. Listens on the page's one socket (page-socket.ts).
 */
export function useWorkspaceEvent(event: WorkspaceEvent, onChange: () => void, everyMs = 300) {
  const latest = useRef(onChange);
  latest.current = onChange;
  useEffect(() => {
    const socket = pageSocket.acquire();
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
      pageSocket.release();
    };
  }, [event, everyMs]);
}
