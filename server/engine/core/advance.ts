import type { FlowEdge } from "../../../lib/flow/document";
import { isNodeType, nodeKind } from "../../../lib/flow/kinds";
import type { EngineEvent } from "../../../lib/run/events";
import { applyRunEvent, nodeKey, nodeStatus, type RunState } from "../../../lib/run/state";
import { type Command, idempotencyKey } from "./commands";
import type { FlowGraph } from "./graph";

export interface Advance {
  state: RunState;
  /** Decisions taken by the core, already folded into `state`, to be stored after `event`. */
  events: EngineEvent[];
  /** Effects to carry out once `event` and `events` are stored. */
  commands: Command[];
}

/**
 * The interpreter: folds one event into the state and decides what follows. Pure: `now` and
 * `runId` come from the caller, nothing is read or written here.
 */
export function advance(graph: FlowGraph, runId: string, state: RunState, event: EngineEvent, now: string): Advance {
  return plan(graph, runId, applyRunEvent(state, event, now), now);
}

/** Commands for a run rebuilt from its events after a restart: attempts in flight run again. */
export function resume(graph: FlowGraph, runId: string, state: RunState, now: string): Advance {
  const planned = plan(graph, runId, state, now);
  const inFlight: Command[] = [];
  for (const node of graph.document.nodes) {
    const current = state.nodes[nodeKey(node.id)];
    if (current?.status === "running") inFlight.push(executeCommand(runId, node.id, current.attempt));
  }
  return { ...planned, commands: [...inFlight, ...planned.commands] };
}

type EdgeState = "active" | "dead" | "unresolved";

function edgeState(state: RunState, edge: FlowEdge): EdgeState {
  const source = state.nodes[nodeKey(edge.source)];
  if (source?.status === "succeeded") return source.handles?.includes(edge.sourceHandle) ? "active" : "dead";
  if (source?.status === "skipped") return "dead";
  return "unresolved";
}

function executeCommand(runId: string, nodeId: string, attempt: number): Command {
  return { type: "execute", nodeId, iteration: 0, attempt, idempotencyKey: idempotencyKey(runId, nodeId, 0, attempt) };
}

function plan(graph: FlowGraph, runId: string, initial: RunState, now: string): Advance {
  let state = initial;
  const events: EngineEvent[] = [];
  const commands: Command[] = [];
  const decide = (event: EngineEvent) => {
    events.push(event);
    state = applyRunEvent(state, event, now);
  };
  if (state.status !== "running") return { state, events, commands };

  const failed = graph.document.nodes.find((n) => nodeStatus(state, n.id) === "failed");
  if (failed) {
    const error = state.nodes[nodeKey(failed.id)]?.error;
    decide({
      type: "run.failed",
      data: {
        error: {
          message: `${failed.id} failed: ${error?.message ?? "unknown error"}`,
          nodeId: failed.id,
          retryable: error?.retryable ?? false,
        },
      },
    });
    return { state, events, commands };
  }

  // Skips cascade (dead-path elimination), so repeat until nothing more is decided.
  let changed = true;
  while (changed) {
    changed = false;
    for (const node of graph.document.nodes) {
      if (nodeStatus(state, node.id) !== "pending") continue;
      const inbound = graph.inbound.get(node.id) ?? [];
      const edges = inbound.map((edge) => edgeState(state, edge));
      if (edges.includes("unresolved")) continue;
      const isEntry = isNodeType(node.type) && nodeKind(node.type).inputs.length === 0;
      if (isEntry || edges.includes("active")) {
        decide({ type: "node.started", nodeId: node.id, iteration: 0, data: { attempt: 1 } });
        commands.push(executeCommand(runId, node.id, 1));
      } else {
        decide({ type: "node.skipped", nodeId: node.id, iteration: 0, data: {} });
      }
      changed = true;
    }
  }

  const unfinished = graph.document.nodes.some((n) => ["pending", "running"].includes(nodeStatus(state, n.id)));
  if (!unfinished) decide({ type: "run.succeeded", data: { output: runOutput(graph, state) } });
  return { state, events, commands };
}

/** One end reached: its output. Several: an object keyed by end id. None: null. */
function runOutput(graph: FlowGraph, state: RunState): unknown {
  const ends = graph.document.nodes.filter((n) => n.type === "end" && nodeStatus(state, n.id) === "succeeded");
  if (ends.length === 0) return null;
  if (ends.length === 1) return state.nodes[nodeKey(ends[0]!.id)]?.output ?? null;
  return Object.fromEntries(ends.map((n) => [n.id, state.nodes[nodeKey(n.id)]?.output ?? null]));
}
