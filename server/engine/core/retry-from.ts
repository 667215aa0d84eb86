import type { Actor, EngineEvent } from "../../../lib/run/events";
import { nodeRef } from "../../../lib/run/node-ref";
import {
  applyRunEvent,
  initialRunState,
  type NodeRunState,
  nodeKey,
  type RunState,
  withOwnedNodes,
} from "../../../lib/run/state";
import type { FlowGraph } from "./graph";
import { type Advance, Planner } from "./planner";

/**
 * A new run that retries a failed one from where it failed: the steps that finished are
 * carried over with their outputs (marked `reusedFrom`), the top-level nodes that failed run
 * again as their next attempt, and everything else runs as usual. A loop that did not finish
 * runs again from its first iteration. `graph` may be a newer version of the flow (retry on
 * the latest version): steps it no longer has are not carried over.
 */
export function retryFrom(
  graph: FlowGraph,
  runId: string,
  previousRunId: string,
  previous: RunState,
  startedBy: Actor | undefined,
  now: string,
  flowVersion: number | null = null,
): Advance {
  const start: EngineEvent = {
    type: "run.started",
    data: { input: previous.input ?? {}, ...(startedBy && { startedBy }), flowVersion },
  };
  const carried: EngineEvent[] = [];
  const again: NodeRunState[] = [];
  const topLevelAncestor = (nodeId: string): string => {
    let id = nodeId;
    for (let parent = graph.nodes.get(id)?.parentId; parent !== undefined; parent = graph.nodes.get(id)?.parentId)
      id = parent;
    return id;
  };
  for (const n of Object.values(previous.nodes)) {
    if (!graph.nodes.has(n.nodeId)) continue; // gone from the version this retry runs
    const inFinishedLoop =
      n.path.length > 0 && previous.nodes[nodeKey(topLevelAncestor(n.nodeId))]?.status === "succeeded";
    if (n.path.length > 0 && !inFinishedLoop) continue;
    const where = nodeRef(n.nodeId, n.path);
    if (n.status === "succeeded") {
      carried.push(
        { type: "node.started", ...where, data: { attempt: n.attempt } },
        {
          type: "node.succeeded",
          ...where,
          data: { attempt: n.attempt, output: n.output ?? null, handles: n.handles ?? [], reusedFrom: previousRunId },
        },
      );
    } else if (n.status === "skipped") {
      carried.push({ type: "node.skipped", ...where, data: {} });
    } else if (n.status === "failed" && n.path.length === 0 && n.error) {
      carried.push(
        { type: "node.started", ...where, data: { attempt: n.attempt } },
        { type: "node.retrying", ...where, data: { attempt: n.attempt, error: n.error, retryAt: now } },
      );
      again.push(n);
    }
  }
  // One node map for the whole fold, changed in place: a big run carries many steps over.
  return withOwnedNodes(applyRunEvent(initialRunState(), start, now), (draft) => {
    let state = draft;
    for (const event of carried) state = applyRunEvent(state, event, now);
    const planner = new Planner(graph, runId, state, now);
    for (const n of again) planner.retryDue(n.nodeId, [], n.attempt);
    const planned = planner.plan();
    return { ...planned, events: [start, ...carried, ...planned.events] };
  });
}
