import type { RunEvent } from "../../lib/run/events";
import type { EventBus } from "../engine/runtime/ports";

const finalTypes = new Set(["run.succeeded", "run.failed", "run.cancelled", "run.waiting"]);

/** How a run stood when the wait ended: its final event (or run.waiting), or none yet. */
export type RunEnd = RunEvent | undefined;

/**
 * Waits for runs to end (or to wait for people), for answers that carry a run's outcome (a
 * sync webhook, the API's `waitMs`). Listening starts before the run does, so an instant
 * run's last event is not missed; call `stop` when done.
 */
export function watchRunEnds(bus: EventBus, options: { endsOf?: ReadonlySet<string> } = {}) {
  const seen: RunEvent[] = [];
  /** The end nodes each run reached, when `endsOf` names the flow's ends. */
  const reached = new Map<string, string[]>();
  const ends = options.endsOf;
  let notify: (() => void) | undefined;
  const stop = bus.subscribe((events) => {
    for (const e of events) {
      if (finalTypes.has(e.type)) seen.push(e);
      else if (ends && e.type === "node.succeeded" && ends.has(e.nodeId))
        reached.set(e.runId, [...(reached.get(e.runId) ?? []), e.nodeId]);
    }
    notify?.();
  });
  const ended = (runId: string): RunEnd => seen.find((e) => e.runId === runId);
  return {
    stop,
    /** The end nodes the run reached so far (only with `endsOf`). */
    reached: (runId: string) => reached.get(runId) ?? [],
    /** The run's end, once it came or `waitMs` passed (or `shutdown` aborted: the run resumes after a restart). */
    async wait(runId: string, waitMs: number, shutdown?: AbortSignal): Promise<RunEnd> {
      // A run of pure steps has ended by now: no timer needed.
      if (ended(runId) || waitMs <= 0) return ended(runId);
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          shutdown?.removeEventListener("abort", done);
          resolve();
        };
        const timer = setTimeout(done, waitMs);
        notify = () => {
          if (ended(runId)) done();
        };
        if (shutdown?.aborted) done();
        else shutdown?.addEventListener("abort", done);
        notify();
      });
      return ended(runId);
    },
  };
}

/** A run's answer from its end: the outcome for a finished run, its status otherwise. */
export function runAnswer(runId: string, end: RunEnd) {
  if (!end || end.type === "run.waiting")
    return { finished: false as const, body: { runId, status: end ? "waiting" : "running" } };
  const data = end.data as { output?: unknown; error?: unknown };
  return {
    finished: true as const,
    body: {
      runId,
      status: end.type.slice("run.".length),
      output: data.output ?? null,
      ...(data.error !== undefined && { error: data.error }),
    },
  };
}
