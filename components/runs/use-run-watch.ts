"use client";
import { useEffect } from "react";
import { REPLAY_PAGE, type RunEvent } from "@/lib/run/events";
import { openSocket } from "../open-socket";
import type { RunStore } from "./run-store";

type WatchReply = { ok: true; events: RunEvent[] } | { ok: false; error: string };

/**
 * Keeps the run store fed from the socket: on every (re)connect it asks for the events after
 * the last seq it holds, so a late join or a dropped connection misses nothing (and a watch
 * after an access change is authorized again: refused, the view shows offline). Live events
 * are folded once per animation frame, so a burst of thousands costs one render.
 */
export function useRunWatch(store: RunStore, runId: string | null) {
  useEffect(() => {
    if (!runId) return;
    const socket = openSocket();
    let buffered: RunEvent[] = [];
    let frame: number | undefined;
    const requestMissing = () => {
      socket.emit("run:watch", { runId, afterSeq: store.getState().run.lastSeq }, (reply: WatchReply) => {
        if (!reply.ok) return store.getState().setConnection("offline");
        store.getState().setConnection("live");
        const gap = store.getState().receive(reply.events);
        if (gap || reply.events.length >= REPLAY_PAGE) requestMissing(); // more after this page
      });
    };
    const flush = () => {
      frame = undefined;
      const events = buffered;
      buffered = [];
      if (store.getState().receive(events)) requestMissing();
    };
    store.getState().setConnection("connecting");
    socket.on("connect", requestMissing);
    socket.on("disconnect", () => store.getState().setConnection("offline"));
    socket.on("connect_error", () => store.getState().setConnection("offline"));
    socket.on("run:events", (events: RunEvent[]) => {
      buffered.push(...events);
      frame ??= requestAnimationFrame(flush);
    });
    return () => {
      if (frame !== undefined) cancelAnimationFrame(frame);
      socket.emit("run:unwatch", { runId });
      socket.disconnect();
    };
  }, [store, runId]);
}
