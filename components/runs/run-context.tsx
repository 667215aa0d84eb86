"use client";
import { createContext, type ReactNode, useContext, useState } from "react";
import { useStore } from "zustand";
import type { NodeStatus } from "@/lib/run/events";
import { nodeStatus } from "@/lib/run/state";
import { createRunStore, type RunStore, type RunViewState } from "./run-store";

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

/** A node's status in the watched run, or null when no run is shown. */
export function useNodeRunStatus(nodeId: string): NodeStatus | null {
  return useRun((s) => (s.runId ? nodeStatus(s.run, nodeId) : null));
}
