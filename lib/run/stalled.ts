import { stepSettings } from "../flow/kinds/step-settings";
import type { RunState } from "./state";

/**
 * Why a run that says `running` has stopped moving, or undefined when something is under way:
 * nothing runs, retries or waits (so no event can come), or what runs has outlived its own
 * timeout by far. `quietMs`: how long since its last event.
 */
export function stallReason(
  state: RunState,
  nodes: ReadonlyMap<string, { data: Record<string, unknown> }>,
  quietMs: number,
): string | undefined {
  if (state.status !== "running") return undefined;
  const atWork = Object.values(state.nodes).filter((n) => ["running", "retrying", "waiting"].includes(n.status));
  const quiet = `no event for ${Math.round(quietMs / 60_000)} min`;
  if (atWork.length === 0) return `${quiet}, and no step is running, retrying or waiting: nothing can move it on`;
  const overdue = atWork.filter((n) => {
    if (n.status !== "running" || n.loop) return false;
    const timeoutMs = stepSettings(nodes.get(n.nodeId)?.data ?? {}).timeoutMs;
    return timeoutMs !== undefined && quietMs > timeoutMs * 2;
  });
  if (overdue.length > 0 && overdue.length === atWork.length)
    return `${quiet}: ${overdue.map((n) => n.nodeId).join(", ")} ran far past ${overdue.length === 1 ? "its" : "their"} timeout`;
  return undefined;
}
