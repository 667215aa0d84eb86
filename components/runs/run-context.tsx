"use client";
import { createContext, type ReactNode, useContext, useState } from "react";
import { useStore } from "zustand";
import type { NodeStatus } from "@/lib/run/events";
import { type NodeRunState, nodeKey, nodeStatus } from "@/lib/run/state";
import { createRunStore, type RunStore, type RunViewState, shownPath } from "./run-store";

const RunStoreContext = createContext<RunStore | null>(null);

export function RunStoreProvider({ children }: { children: ReactNode }) {
  const [store] = useState(createRunStore);
  return <RunStoreContext.Provider value={store}>{children}</RunStoreContext.Provider>;
}

export function useRunStoreApi(): RunStore {
  const store = useContext(RunStoreContext);
  if (!store) throw new Error("useRun must be used inside <RunStoreProvider>");
  return store;
}

export function useRun<T>(selector: (state: RunViewState) => T): T {
  return useStore(useRunStoreApi(), selector);
}

/** A node's status in the watched run (the instance shown, inside loops), or null when no run is shown. */
export function useNodeRunStatus(nodeId: string): NodeStatus | null {
  return useRun((s) => (s.runId ? nodeStatus(s.run, nodeId, shownPath(s, nodeId)) : null));
}

/** The shown instance of a node in the watched run, if it has been touched. */
export function useNodeInstance(nodeId: string): NodeRunState | undefined {
  return useRun((s) => (s.runId ? s.run.nodes[nodeKey(nodeId, shownPath(s, nodeId))] : undefined));
}
