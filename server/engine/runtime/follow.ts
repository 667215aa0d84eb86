import type { RunEvent } from "../../../lib/run/events";
import { applyRunEvents } from "../../../lib/run/state";
import { executeCommand } from "../core/planner";
import { execute, isPure } from "./carry-out";
import type { ExecuteCommand, RunActor, Runtime } from "./run-actor";

// Scale-out: other processes append to the same runs. A process then follows the bus (its copies
// catch up, attempts whose node was cancelled elsewhere are aborted), runs the attempts workers
// are handed, and hands on again the ones whose hand-over was lost.

/** Scale-out: how often a process looks for timers other processes armed (one of them may have died). */
export const FOLLOW_POLL_MS = 2_000;
/** Scale-out: how often attempts shown as running are handed on again (lost hand-overs). */
export const REDISPATCH_MS = 30_000;

/** Folds into this copy what other processes appended since (events heard, else read from the log). */
export async function catchUp(actor: RunActor, heard: readonly RunEvent[] = []): Promise<void> {
  const follows = (events: readonly RunEvent[]) => {
    const next = events.filter((e) => e.seq > actor.state.lastSeq);
    return next.length > 0 && next.every((e, i) => e.seq === actor.state.lastSeq + 1 + i) ? next : undefined;
  };
  let next = follows(heard);
  const known = heard.length > 0 && heard.every((e) => e.seq <= actor.state.lastSeq);
  if (!next && !known) next = follows(await actor.runtime.deps.store.events(actor.id, actor.state.lastSeq));
  // Only what directly follows this copy is folded in: a catch-up that raced another applies nothing twice.
  if (next) actor.state = applyRunEvents(actor.state, next);
}

/**
 * Scale-out worker: runs one attempt handed over by `steps.dispatch`, unless it no longer
 * counts (the node moved on, or another worker's lease ran out and it was handed on).
 */
export async function runStep(runtime: Runtime, job: { runId: string; command: ExecuteCommand }): Promise<void> {
  const actor = await runtime.load(job.runId);
  try {
    // Caught up, checked and held in the run's queue: an event heard meanwhile (a cancel) is
    // folded in after this, and then finds the attempt to abort.
    const controller = await actor.act(async () => {
      await catchUp(actor);
      return actor.runs(job.command) ? actor.hold(job.command) : undefined;
    });
    if (controller) await execute(actor, job.command, controller);
  } finally {
    runtime.forgetIfIdle(actor);
  }
}

/** Events committed by any process (scale-out): copies held here catch up, superseded attempts stop. */
export function heard(runtime: Runtime, events: readonly RunEvent[]): void {
  const byRun = new Map<string, RunEvent[]>();
  for (const e of events) {
    const batch = byRun.get(e.runId);
    if (batch) batch.push(e);
    else byRun.set(e.runId, [e]);
  }
  for (const [runId, batch] of byRun) {
    const actor = runtime.held(runId);
    if (!actor || batch.every((e) => e.seq <= actor.state.lastSeq)) continue; // ours, or not held here
    actor
      .act(async () => {
        await catchUp(actor, batch);
        actor.abort("cancelled", "cancelled", (held) => !actor.runs(held));
      })
      .catch(actor.report);
  }
}

/**
 * Scale-out: hands on again every attempt a running run shows as running. One that a worker
 * holds or that waits in the queue is not added twice (its job id); one whose hand-over was
 * lost (a crash right after the commit, Redis down, a failed job) runs now.
 */
export async function redispatch(runtime: Runtime): Promise<void> {
  const { store, steps } = runtime.deps;
  for (const id of await store.unfinishedRunIds()) {
    if ((await store.getRun(id))?.status !== "running") continue;
    const actor = await runtime.load(id);
    try {
      await actor.act(async () => {
        await catchUp(actor);
        for (const n of Object.values(actor.state.nodes)) {
          if (n.status !== "running" || n.loop || isPure(actor.graph, n.nodeId)) continue;
          await steps!.dispatch({ runId: id, command: executeCommand(id, n.nodeId, n.path, n.attempt) });
        }
      });
    } finally {
      runtime.forgetIfIdle(actor);
    }
  }
}
