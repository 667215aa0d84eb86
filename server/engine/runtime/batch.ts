import type { EngineEvent, RunEvent } from "../../../lib/run/events";
import { undoDraft, withOwnedNodesAsync } from "../../../lib/run/state";
import { type Advance, advance } from "../core/advance";
import type { Command } from "../core/commands";
import { runAttempt } from "./attempt";
import { carryOut, isPure, untilOutcome } from "./carry-out";
import { appendWithRetries, defaultCommitRetry } from "./commit-retry";
import { untilNow } from "./executors/loop";
import { catchUp } from "./follow";
import { SeqConflict } from "./ports";
import type { RunActor } from "./run-actor";

/** Past this many events in one batch, further steps are committed and run separately. */
const INLINE_BATCH_LIMIT = 2_000;
/** Streamed text and what an attempt sends out: shown to people, never worth holding a run up for. */
const COSMETIC = new Set(["node.progress", "node.input"]);

/**
 * Folds an event and everything it leads to that needs no outside effect: pure steps
 * (transform, branch, join, loop bookkeeping…) run inline, and the whole batch of events is
 * committed in one transaction. Only steps with outside effects are committed before they
 * run. A crash before the commit loses nothing: recovery recomputes the pure steps.
 */
export async function applyBatch(actor: RunActor, first: EngineEvent): Promise<void> {
  const { clock } = actor.runtime.deps;
  const batch: EngineEvent[] = [];
  const effects: Command[] = [];
  const until = untilNow(actor.graph, actor.id);
  // The node map is changed in place by each step below (undone if the commit fails).
  const state = await withOwnedNodesAsync(actor.state, async (draft) => {
    let state = draft;
    const queue = [first];
    while (queue.length > 0) {
      const event = queue.shift()!;
      const next = advance(actor.graph, actor.id, state, event, clock.now().toISOString(), { untilNow: until });
      batch.push(event, ...next.events);
      state = next.state;
      for (const command of next.commands) {
        const inline = batch.length < INLINE_BATCH_LIMIT;
        if (inline && command.type === "execute" && isPure(actor.graph, command.nodeId)) {
          const outcome = await runAttempt(actor.runtime.deps, actor.attemptOf(state, command));
          if (outcome) queue.push(outcome);
        } else if (inline && command.type === "evaluate-until") {
          queue.push(await untilOutcome(actor, state, command));
        } else {
          effects.push(command);
        }
      }
    }
    return state;
  });
  await commit(actor, { events: batch, state, commands: effects });
}

/**
 * Appends `events` at the seq this copy knows (a failed append is tried again, commit-retry.ts),
 * publishes them once stored, then carries out `commands`. On a SeqConflict nothing was stored:
 * this copy catches up from the log, so the caller can decide again on the log as it now is.
 */
export async function commit(actor: RunActor, { events, state, commands }: Advance): Promise<void> {
  const { deps, commitRetry, lifetime } = actor.runtime;
  if (events.length > 0) {
    let stored: RunEvent[];
    try {
      const at = deps.clock.now();
      const append = () => deps.store.append(actor.id, actor.state.lastSeq, events, at, state, actor.unsaved);
      const retry = events.every((e) => COSMETIC.has(e.type)) ? { ...defaultCommitRetry, tries: 1 } : commitRetry;
      stored = await appendWithRetries(actor.id, append, retry, lifetime);
    } catch (error) {
      undoDraft(state); // nothing was stored: the batch's changes to the node map are undone
      if (error instanceof SeqConflict) await catchUp(actor);
      throw error;
    }
    actor.unsaved = undefined;
    const wasFinished = actor.finished;
    actor.state = state;
    deps.bus.publish(stored, actor.workspaceId);
    if (!wasFinished && actor.finished) {
      if (actor.parent) actor.runtime.track(actor.runtime.childEnded(actor).catch(actor.report));
      actor.runtime.track(actor.runtime.runEnded(actor).catch(actor.report));
    }
  }
  for (const command of commands) await carryOut(actor, command);
}
