"use client";
import { useEffect, useRef } from "react";
import { io } from "socket.io-client";

/**
 * Calls `onChange` when runs of the workspace start, wait or end (and after a reconnect, when
 * something may have been missed). Bursts are folded into one call per `everyMs`.
 */
export function useRunsChanged(onChange: () => void, everyMs = 300) {
  const latest = useRef(onChange);
  latest.current = onChange;
  useEffect(() => {
    const socket = io({ path: "/socket.io", transports: ["websocket"] });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const soon = () => {
      timer ??= setTimeout(() => {
        timer = undefined;
        latest.current();
      }, everyMs);
    };
    let connectedBefore = false;
    socket.on("connect", () => {
      if (connectedBefore) soon();
      connectedBefore = true;
    });
    socket.on("runs:changed", soon);
    return () => {
      clearTimeout(timer);
      socket.disconnect();
    };
  }, [everyMs]);
}
