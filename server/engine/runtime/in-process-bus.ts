import type { RunEvent } from "../../../lib/run/events";
import type { AccessChange, AccessNotices, EventBus } from "./ports";

/** Embedded mode's event bus: listeners in this process. Scale-out swaps in Redis. */
export function inProcessBus(): EventBus & AccessNotices {
  const listeners = new Set<(events: RunEvent[], workspaceId: string) => void>();
  const accessListeners = new Set<(change: AccessChange) => void>();
  return {
    publish(events, workspaceId) {
      for (const listener of listeners) listener(events, workspaceId);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    publishAccessChange(change) {
      for (const listener of accessListeners) listener(change);
    },
    subscribeAccessChanges(listener) {
      accessListeners.add(listener);
      return () => accessListeners.delete(listener);
    },
  };
}

export const systemClock = { now: () => new Date() };
