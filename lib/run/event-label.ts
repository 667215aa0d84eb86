import type { EngineEvent } from "./events";

/** "node.succeeded:agent_1" (with "#2.0" inside loops) or "run.started": how logs and tests name an event. */
export function eventLabel(e: EngineEvent): string {
  if (!("nodeId" in e)) return e.type;
  return `${e.type}:${e.nodeId}${e.path?.length ? `#${e.path.join(".")}` : ""}`;
}
