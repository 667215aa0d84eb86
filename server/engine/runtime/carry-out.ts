import { effectsOf } from "../../../lib/flow/kinds";
import { stepSettings } from "../../../lib/flow/kinds/step-settings";
import type { EngineEvent } from "../../../lib/run/events";
import { nodeRef } from "../../../lib/run/node-ref";
import { nodeKey, type RunState } from "../../../lib/run/state";
import type { Command } from "../core/commands";
import type { FlowGraph } from "../core/graph";
import { AbortReason, runAttempt } from "./attempt";
import { evaluateUntil } from "./executors/loop";
import { progressGatherer } from "./progress-gatherer";
import type { ExecuteCommand, RunActor } from "./run-actor";
import { nodeExpressions } from "./sandbox/node-expressions";

/** Steps that touch nothing outside the run and have no timeout to honour. */
export function isPure(graph: FlowGraph, nodeId: string): boolean {
  const node = graph.nodes.get(nodeId);
  if (node === undefined || effectsOf(node.type) !== "none") return false;
  const settings = stepSettings(node.data);
  return settings.timeoutMs === undefined && settings.rateLimit === undefined;
}

/** Carries out a command a commit decided (batch.ts), once its events are stored. */
export async function carryOut(actor: RunActor, command: Command): Promise<void> {
  const { deps, timerLoop } = actor.runtime;
  switch (command.type) {
    case "execute":
      if (deps.steps && !isPure(actor.graph, command.nodeId)) {
        // A hand-over that fails (Redis down) is repaired by the periodic re-dispatch (follow.ts).
        await deps.steps.dispatch({ runId: actor.id, command }).catch(actor.report);
      } else if (!actor.runtime.stopping) actor.runtime.track(execute(actor, command).catch(actor.report));
      // Stopping: the attempt stays recorded as running, and the next boot runs it.
      return;
    case "schedule":
      await timerLoop.schedule({
        key: command.key,
        runId: actor.id,
        dueAt: new Date(command.dueAt),
        event: command.event,
      });
      return;
    case "evaluate-until":
      if (!actor.runtime.stopping) actor.runtime.track(checkUntil(actor, command).catch(actor.report));
      return;
    case "abort":
      actor.abort("cancelled", "cancelled", (held) => command.nodeIds.includes(held.nodeId));
      cancelChildren(actor, command.nodeIds);
      return;
  }
}

/** The child runs of cancelled sub-flow nodes are cancelled too. */
function cancelChildren(actor: RunActor, nodeIds: string[]) {
  for (const node of Object.values(actor.state.nodes)) {
    if (node.status !== "cancelled" || !nodeIds.includes(node.nodeId)) continue;
    const childId = node.parked?.runId;
    if (childId && !node.parked?.ended) cancelChild(actor, childId);
    for (const call of Object.values(node.agent?.calls ?? {}))
      if (call.runId && !call.ended && !call.returned) cancelChild(actor, call.runId);
  }
}

function cancelChild(actor: RunActor, childId: string) {
  actor.runtime.track(
    actor.runtime.cancel(childId, `the run that called it (${actor.id}) stopped`).catch(actor.report),
  );
}

/**
 * Runs one attempt here (held, so a cancel can abort it, under its node's timeout) and records
 * what it produced, fenced: only while its node still runs that attempt (a late worker whose
 * lease was handed on, or an attempt cancelled elsewhere, changes nothing).
 */
export async function execute(
  actor: RunActor,
  command: ExecuteCommand,
  controller = actor.hold(command),
): Promise<void> {
  const node = actor.graph.nodes.get(command.nodeId);
  if (!node) {
    actor.release(command, controller);
    return;
  }
  const { timeoutMs } = stepSettings(node.data);
  const timeout =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => controller.abort(new AbortReason("timeout", `timed out after ${timeoutMs} ms`)), timeoutMs);
  const stillRuns = () => actor.runs(command);
  // Text that arrives after the attempt ended (cancelled, timed out) is dropped.
  // Streamed text that cannot be stored is dropped (logged): the outcome still is recorded.
  const gathered = progressGatherer(command, (event) => {
    actor.record(event, { stillCounts: stillRuns }).catch(actor.report);
  });
  const progress = {
    ...gathered,
    async record(event: EngineEvent) {
      gathered.flush(); // the text streamed so far belongs before what follows it
      let counted = false;
      await actor.record(event, { stillCounts: () => (counted = stillRuns()) });
      if (!counted) throw new AbortReason("cancelled", "the attempt no longer counts");
    },
  };
  try {
    const outcome = await runAttempt(
      actor.runtime.deps,
      actor.attemptOf(actor.state, command),
      controller.signal,
      progress,
    );
    progress.flush(); // queued before the outcome, so the text is whole when the node finishes
    if (outcome) await actor.record(outcome, { stillCounts: stillRuns, orFailRun: true });
    // A child started by an attempt that was cancelled meanwhile is not left running alone.
    if (outcome?.type === "subflow.started") {
      const now = actor.state.nodes[nodeKey(command.nodeId, command.path)];
      if (now?.parked?.runId !== outcome.data.runId) cancelChild(actor, outcome.data.runId);
    }
  } finally {
    progress.flush();
    clearTimeout(timeout);
    actor.release(command, controller);
  }
}

/** A repeat loop finished a pass: evaluate `until` and record the answer while the loop still waits for it. */
async function checkUntil(actor: RunActor, command: Extract<Command, { type: "evaluate-until" }>): Promise<void> {
  const outcome = await untilOutcome(actor, actor.state, command);
  const loop = () => actor.state.nodes[nodeKey(command.nodeId, command.path)];
  await actor.record(outcome, {
    stillCounts: () => loop()?.status === "running" && loop()?.loop?.checked?.index !== command.index,
    orFailRun: true,
  });
}

/** The event that answers a repeat loop's `until` after pass `command.index` (inline in a batch, or checkUntil). */
export async function untilOutcome(
  actor: RunActor,
  state: RunState,
  command: Extract<Command, { type: "evaluate-until" }>,
): Promise<EngineEvent> {
  const where = nodeRef(command.nodeId, command.path);
  try {
    const expressions = nodeExpressions(command.nodeId, actor.runtime.deps.expressions);
    const done = await evaluateUntil(
      actor.graph,
      state,
      actor.id,
      command.nodeId,
      command.path,
      command.index,
      expressions,
    );
    return { type: "loop.until", ...where, data: { index: command.index, done } };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const attempt = state.nodes[nodeKey(command.nodeId, command.path)]?.attempt ?? 1;
    return {
      type: "node.failed",
      ...where,
      data: { attempt, error: { message, nodeId: command.nodeId, retryable: false } },
    };
  }
}
