"use client";
import { useEffect } from "react";
import { REPLAY_PAGE, type RunEvent } from "@/lib/run/events";
import type { AppSocket } from "../open-socket";
import { pageSocket } from "../page-socket";
import type { RunStore } from "./run-store";

/** When buffered live events are folded: once per animation frame in a browser. */
export interface FrameScheduler {
  request(fold: () => void): number;
  cancel(handle: number): void;
}
const animationFrames: FrameScheduler = {
  request: (fold) => requestAnimationFrame(fold),
  cancel: (handle) => cancelAnimationFrame(handle),
};

/**
 * Feeds the run store from `socket`: on every (re)connect, and at once if it is connected
 * already, it asks for the events after the last seq the store holds, so a late join or a
 * dropped connection misses nothing (and a watch after an access change is authorized again:
 * refused, the view shows offline). Live events are folded once per frame, so a burst of
 * thousands costs one render. Returns the stop: it leaves the run's room and takes its
 * listeners off, and leaves the socket open for its other holders.
 */
export function watchRun(
  socket: AppSocket,
  store: RunStore,
  runId: string,
  frames: FrameScheduler = animationFrames,
): () => void {
  let buffered: RunEvent[] = [];
  let frame: number | undefined;
  let stopped = false;
  const requestMissing = () => {
    socket.emit("run:watch", { runId, afterSeq: store.getState().run.lastSeq }, (reply) => {
      if (stopped) return;
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
    if (store.getState().receive(events)) requestMissing(); // the store drops other runs' events
  };
  const offline = () => store.getState().setConnection("offline");
  const live = (events: RunEvent[]) => {
    buffered.push(...events);
    frame ??= frames.request(flush);
  };
  store.getState().setConnection("connecting");
  socket.on("connect", requestMissing);
  socket.on("disconnect", offline);
  socket.on("connect_error", offline);
  socket.on("run:events", live);
  if (socket.connected) requestMissing();
  return () => {
    stopped = true;
    if (frame !== undefined) frames.cancel(frame);
    socket.off("connect", requestMissing);
    socket.off("disconnect", offline);
    socket.off("connect_error", offline);
    socket.off("run:events", live);
    // A socket that dropped meanwhile left the room with its connection.
    if (socket.connected) socket.emit("run:unwatch", { runId });
  };
}

/** Keeps the run store fed while `runId` is set, over the page's one socket (page-socket.ts). */
export function useRunWatch(store: RunStore, runId: string | null) {
  useEffect(() => {
    if (!runId) return;
    const stop = watchRun(pageSocket.acquire(), store, runId);
    return () => {
      stop();
      pageSocket.release();
    };
  }, [store, runId]);
}
