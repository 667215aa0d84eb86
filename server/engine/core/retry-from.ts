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
  options: {
    flowVersion?: number | null;
    /** The retry's own input (default: the failed run's); then the start node runs again with it. */
    input?: unknown;
    /** Run again from this top-level node: it and everything after it are not carried over. */
    fromNodeId?: string;
  } = {},
): Advance {
  const input = options.input ?? previous.input ?? {};
  const start: EngineEvent = {
    type: "run.started",
    data: { input, ...(startedBy && { startedBy }), flowVersion: options.flowVersion ?? null },
  };
  // What runs again although it finished: the chosen node and what follows it; the start node for a new input.
  const again = new Set(options.fromNodeId ? downstream(graph, options.fromNodeId) : []);
  if (options.input !== undefined)
    for (const node of graph.document.nodes) if (node.type === "start") again.add(node.id);
  const carried: EngineEvent[] = [];
  const failedAgain: NodeRunState[] = [];
  const topLevelAncestor = (nodeId: string): string => {
    let id = nodeId;
    for (let parent = graph.nodes.get(id)?.parentId; parent !== undefined; parent = graph.nodes.get(id)?.parentId)
      id = parent;
    return id;
  };
  for (const n of Object.values(previous.nodes)) {
    if (!graph.nodes.has(n.nodeId)) continue; // gone from the version this retry runs
    if (again.has(topLevelAncestor(n.nodeId))) continue; // runs again from scratch
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
      failedAgain.push(n);
    }
  }
  // One node map for the whole fold, changed in place: a big run carries many steps over.
  return withOwnedNodes(applyRunEvent(initialRunState(), start, now), (draft) => {
    let state = draft;
    for (const event of carried) state = applyRunEvent(state, event, now);
    const planner = new Planner(graph, runId, state, now);
    for (const n of failedAgain) planner.retryDue(n.nodeId, [], n.attempt);
    const planned = planner.plan();
    return { ...planned, events: [start, ...carried, ...planned.events] };
  });
}

/** `from` and every node reachable from it along edges (top level and inside loops). */
function downstream(graph: FlowGraph, from: string): string[] {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id) || !graph.nodes.has(id)) continue;
    seen.add(id);
    for (const edge of graph.outbound.get(id) ?? []) stack.push(edge.target);
  }
  return [...seen];
}
