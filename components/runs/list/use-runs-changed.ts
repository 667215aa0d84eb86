"use client";
import { useWorkspaceEvent } from "../../shell/use-workspace-event";

/** Calls `onChange` when runs of the workspace start, wait or end (bursts folded per `everyMs`). */
export function useRunsChanged(onChange: () => void, everyMs = 300) {
  useWorkspaceEvent("runs:changed", onChange, everyMs);
}
