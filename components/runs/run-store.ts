import { createStore } from "zustand/vanilla";
import type { RunEvent } from "@/lib/run/events";
import { applyRunEvent, initialRunState, type RunState } from "@/lib/run/state";

export type Connection = "idle" | "connecting" | "live" | "offline";

export interface RunViewState {
  runId: string | null;
  run: RunState;
  connection: Connection;
  /** Events received ahead of a gap, kept until the missing ones arrive. */
  ahead: Map<number, RunEvent>;
  /** Folds events in seq order: drops ones already applied, holds ones after a gap. Returns true if a gap remains. */
  receive(events: readonly RunEvent[]): boolean;
  watch(runId: string | null): void;
  setConnection(connection: Connection): void;
}

/**
 * The live state of one run in the browser, built only from its events with the same fold
 * the server uses, so it always equals what the database holds.
 */
export function createRunStore() {
  return createStore<RunViewState>()((set, get) => ({
    runId: null,
    run: initialRunState(),
    connection: "idle",
    ahead: new Map(),
    receive(events) {
      const { runId } = get();
      let run = get().run;
      const ahead = new Map(get().ahead);
      for (const e of events) if (e.runId === runId && e.seq > run.lastSeq) ahead.set(e.seq, e);
      let next = ahead.get(run.lastSeq + 1);
      while (next) {
        ahead.delete(next.seq);
        run = applyRunEvent(run, next, next.at, next.seq);
        next = ahead.get(run.lastSeq + 1);
      }
      set({ run, ahead });
      return ahead.size > 0;
    },
    watch(runId) {
      set({ runId, run: initialRunState(), ahead: new Map() });
    },
    setConnection: (connection) => set({ connection }),
  }));
}

export type RunStore = ReturnType<typeof createRunStore>;
