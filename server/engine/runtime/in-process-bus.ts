import type { RunEvent } from "../../../lib/run/events";
import type { EventBus } from "./ports";

/** Embedded mode's event bus: listeners in this process. Scale-out swaps in Redis. */
export function inProcessBus(): EventBus {
  const listeners = new Set<(events: RunEvent[], workspaceId: string) => void>();
  return {
    publish(events, workspaceId) {
      for (const listener of listeners) listener(events, workspaceId);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export const systemClock = { now: () => new Date() };
