import { awaitsDecision } from "../../../lib/run/agent-progress";
import type { EngineEvent } from "../../../lib/run/events";
import { applyRunEvent, nodeKey, pathOf, type RunState, withOwnedNodes } from "../../../lib/run/state";
import { toolApprovalTimedOut } from "./agent-calls";
import {
  approvalTimer,
  delayTimer,
  executeCommand,
  overdueTimer,
  retryTimer,
  throttleTimer,
  toolApprovalTimer,
  waitTimer,
} from "./commands";
import { Frontier } from "./frontier";
import type { FlowGraph } from "./graph";
import { evaluatingItems, untilPending } from "./loops";
import { type Advance, escalationLevel, Planner, type UntilNow } from "./planner";

export type { Advance } from "./planner";
export { retryFrom } from "./retry-from";

/**
 * The interpreter: folds one event into the state and decides what follows. Pure: `now` and
 * `runId` come from the caller; nothing is read or written here. Decisions are taken from
 * the state (not from the event alone), so `resume` after a crash reaches the same ones.
 */
export function advance(
  graph: FlowGraph,
  runId: string,
  state: RunState,
  event: EngineEvent,
  now: string,
  options: {
    /** Look at every node rather than the frontier (tests check both decide alike). */
    everyNode?: boolean;
    /** Answers repeat loops' `until` in the pass where it can (the runtime's quick evaluator). */
    untilNow?: UntilNow;
  } = {},
): Advance {
  // The node map is copied once here (unless the caller's batch already owns it); the event and
  // the planner's decisions then change it in place.
  return withOwnedNodes(state, (draft) => {
    const next = applyRunEvent(draft, event, now);
    // Streamed text changes what people see, never what happens next.
    if (event.type === "node.progress" || event.type === "node.input") return { state: next, events: [], commands: [] };
    // A resume looks at every node: what became ready while paused was touched by earlier events.
    const frontier = options.everyNode || event.type === "run.resumed" ? undefined : Frontier.of(graph);
    frontier?.touch(event);
    const planner = new Planner(graph, runId, next, now, frontier, options.untilNow);
    if (event.type === "run.resumed") planner.retryOverdue();
    const maxDurationMs = graph.document.settings?.maxDurationMs;
    if (event.type === "run.started" && maxDurationMs) planner.commands.push(overdueTimer(runId, now, maxDurationMs));
    if (event.type === "run.overdue") planner.overdue(event.data.maxDurationMs);
    if (event.type === "timer.fired" && event.data.purpose === "retry")
      planner.retryDue(event.nodeId, pathOf(event), event.data.attempt);
    if (event.type === "timer.fired" && event.data.purpose === "approval-timeout") {
      const { callId, attempt } = event.data;
      if (callId === undefined) planner.approvalTimedOut(event.nodeId, pathOf(event), event.data.level ?? 0);
      else toolApprovalTimedOut(planner, event.nodeId, pathOf(event), attempt, callId, event.data.level ?? 0);
    }
    if (event.type === "approval.requested" && event.data.timeoutAt) {
      const { callId, timeoutAt } = event.data;
      const attempt = next.nodes[nodeKey(event.nodeId, pathOf(event))]?.attempt ?? 1;
      planner.commands.push(
        callId === undefined
          ? approvalTimer(runId, event.nodeId, pathOf(event), timeoutAt)
          : toolApprovalTimer(runId, event.nodeId, pathOf(event), attempt, callId, timeoutAt),
      );
    }
    if (event.type === "timer.fired" && event.data.purpose === "delay")
      planner.delayDue(event.nodeId, pathOf(event), event.data.attempt);
    if (event.type === "timer.fired" && event.data.purpose === "wait-timeout")
      planner.waitTimedOut(event.nodeId, pathOf(event), event.data.attempt);
    if (event.type === "timer.fired" && event.data.purpose === "throttle")
      planner.throttleDue(event.nodeId, pathOf(event), event.data.attempt);
    if (event.type === "node.throttled")
      planner.commands.push(throttleTimer(runId, event.nodeId, pathOf(event), event.data.attempt, event.data.until));
    if (event.type === "node.waiting")
      planner.commands.push(delayTimer(runId, event.nodeId, pathOf(event), event.data.attempt, event.data.until));
    if (event.type === "wait.started" && event.data.timeoutAt)
      planner.commands.push(waitTimer(runId, event.nodeId, pathOf(event), event.data.attempt, event.data.timeoutAt));
    return planner.plan();
  });
}

/** Commands for a run rebuilt from its events after a restart: in-flight work runs again, timers are re-armed. */
export function resume(graph: FlowGraph, runId: string, state: RunState, now: string): Advance {
  return withOwnedNodes(state, (draft) => resumeDraft(graph, runId, draft, now));
}

function resumeDraft(graph: FlowGraph, runId: string, state: RunState, now: string): Advance {
  const planner = new Planner(graph, runId, state, now);
  const maxDurationMs = graph.document.settings?.maxDurationMs;
  if (maxDurationMs && state.startedAt) planner.commands.push(overdueTimer(runId, state.startedAt, maxDurationMs));
  for (const current of Object.values(state.nodes)) {
    const { nodeId, path } = current;
    if (current.status === "running" && (!current.loop || evaluatingItems(current))) {
      planner.commands.push(executeCommand(runId, nodeId, path, current.attempt));
    }
    if (current.status === "running" && current.loop && untilPending(current) !== undefined) {
      planner.commands.push({ type: "evaluate-until", nodeId, path, index: untilPending(current)! });
    }
    if (current.status === "retrying")
      planner.commands.push(retryTimer(runId, nodeId, path, current.attempt, current.retryAt!));
    const timeoutAt = current.approval?.request.timeoutAt;
    if (current.status === "waiting" && timeoutAt)
      planner.commands.push(approvalTimer(runId, nodeId, path, timeoutAt, escalationLevel(current)));
    for (const call of Object.values(current.agent?.calls ?? {})) {
      const due = awaitsDecision(call) ? call.approval?.request.timeoutAt : undefined;
      if (due && (current.status === "running" || current.status === "waiting"))
        planner.commands.push(
          toolApprovalTimer(runId, nodeId, path, current.attempt, call.callId, due, call.approval?.escalations?.length),
        );
    }
    if (current.status === "waiting" && current.throttled && !current.throttled.passed)
      planner.commands.push(throttleTimer(runId, nodeId, path, current.attempt, current.throttled.until));
    const parked = current.status === "waiting" && !current.parked?.ended ? current.parked : undefined;
    if (parked?.until) planner.commands.push(delayTimer(runId, nodeId, path, current.attempt, parked.until));
    if (parked?.timeoutAt) planner.commands.push(waitTimer(runId, nodeId, path, current.attempt, parked.timeoutAt));
  }
  return planner.plan();
}
