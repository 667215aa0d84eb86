import { createStore } from "zustand/vanilla";
import type { RunEvent } from "@/lib/run/events";
import { applyRunEvents, initialRunState, nodeKey, type RunState } from "@/lib/run/state";

export type Connection = "idle" | "connecting" | "live" | "offline";

export interface RunViewState {
  runId: string | null;
  run: RunState;
  /** Every event folded so far, in seq order (the event log and the timeline read them). */
  events: RunEvent[];
  connection: Connection;
  /** Events received ahead of a gap, kept until the missing ones arrive. */
  ahead: Map<number, RunEvent>;
  /** The loop each node sits in (absent at the top level), to find which instance to show. */
  parents: ReadonlyMap<string, string>;
  /** The iteration the viewer picked per loop; absent means the latest one started. */
  pickedIteration: Record<string, number>;
  /** Folds events in seq order: drops ones already applied, holds ones after a gap. Returns true if a gap remains. */
  receive(events: readonly RunEvent[]): boolean;
  watch(runId: string | null, parents?: ReadonlyMap<string, string>): void;
  setConnection(connection: Connection): void;
  pickIteration(loopId: string, index: number): void;
}

/**
 * The live state of one run in the browser, built only from its events with the same fold
 * the server uses, so it always equals what the database holds.
 */
export function createRunStore() {
  return createStore<RunViewState>()((set, get) => ({
    runId: null,
    run: initialRunState(),
    events: [],
    connection: "idle",
    ahead: new Map(),
    parents: new Map(),
    pickedIteration: {},
    receive(incoming) {
      const { runId } = get();
      let run = get().run;
      const ahead = new Map(get().ahead);
      for (const e of incoming) if (e.runId === runId && e.seq > run.lastSeq) ahead.set(e.seq, e);
      const applied: RunEvent[] = [];
      for (let seq = run.lastSeq + 1, next = ahead.get(seq); next; next = ahead.get(++seq)) {
        ahead.delete(seq);
        applied.push(next);
      }
      run = applyRunEvents(run, applied); // one copy of the node map per batch
      if (applied.length > 0) set({ run, ahead, events: [...get().events, ...applied] });
      else if (ahead.size !== get().ahead.size) set({ ahead });
      return ahead.size > 0;
    },
    watch(runId, parents = new Map()) {
      set({ runId, run: initialRunState(), events: [], ahead: new Map(), parents, pickedIteration: {} });
    },
    setConnection: (connection) => set({ connection }),
    pickIteration: (loopId, index) => set({ pickedIteration: { ...get().pickedIteration, [loopId]: index } }),
  }));
}

/**
 * Which instance of a node the viewer sees: outside loops the only one; inside, the one of
 * the iteration picked for each enclosing loop (by default the latest started).
 */
export function shownPath(state: Pick<RunViewState, "run" | "parents" | "pickedIteration">, nodeId: string): number[] {
  const loops: string[] = [];
  for (let at = state.parents.get(nodeId); at !== undefined; at = state.parents.get(at)) loops.unshift(at);
  const path: number[] = [];
  for (const loopId of loops) path.push(shownIteration(state, loopId, path));
  return path;
}

/** The iteration of loop `loopId` (the instance at `loopPath`) whose body the viewer sees. */
export function shownIteration(
  state: Pick<RunViewState, "run" | "pickedIteration">,
  loopId: string,
  loopPath: number[],
): number {
  const started = state.run.nodes[nodeKey(loopId, loopPath)]?.loop?.started ?? 0;
  const picked = state.pickedIteration[loopId];
  return picked !== undefined && picked < started ? picked : Math.max(0, started - 1);
}

export type RunStore = ReturnType<typeof createRunStore>;
