import type { EngineEvent } from "../../../lib/run/events";
import { SeqConflict } from "./ports";

/** How a commit that failed is tried again: `tries` in all, pauses doubling from `firstPauseMs` to `maxPauseMs`. */
export interface CommitRetry {
  tries: number;
  firstPauseMs: number;
  maxPauseMs: number;
}

/**
 * Six tries over about 8 s of pauses, on top of the database's own wait for a lock (5 s a
 * try on SQLite): long enough for a lock held a while or a database restarting.
 */
export const defaultCommitRetry: CommitRetry = { tries: 6, firstPauseMs: 250, maxPauseMs: 4_000 };

/** A commit that failed every try: nothing of it is stored. */
export class CommitFailed extends Error {
  constructor(
    readonly runId: string,
    cause: unknown,
  ) {
    super(`run ${runId}: its events could not be stored (${cause instanceof Error ? cause.message : String(cause)})`, {
      cause,
    });
  }
}

/** The event that ends a run whose next events could not be stored: retrying the run may pass. */
export function runFailedUnstored(failed: CommitFailed): EngineEvent {
  const cause = failed.cause instanceof Error ? failed.cause.message : String(failed.cause);
  const message = `The run stopped: its progress could not be stored (${cause}). Retry it once the database accepts writes.`;
  return { type: "run.failed", data: { error: { message, retryable: true } } };
}

/** Waits `ms`, or less when `signal` aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * Runs `append`, and again after a pause when it fails (a lock held too long, a connection
 * lost, a disk being cleared), up to `policy.tries` times; then CommitFailed. A SeqConflict is
 * not tried again: another writer moved the run on, and the caller decides anew. Once
 * `signal` aborts (the engine stops) no further try is made.
 */
export async function appendWithRetries<T>(
  runId: string,
  append: () => Promise<T>,
  policy: CommitRetry,
  signal?: AbortSignal,
): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await append();
    } catch (error) {
      if (error instanceof SeqConflict) throw error;
      if (tries >= policy.tries || signal?.aborted) throw new CommitFailed(runId, error);
      await pause(Math.min(policy.firstPauseMs * 2 ** (tries - 1), policy.maxPauseMs), signal);
      if (signal?.aborted) throw new CommitFailed(runId, error);
    }
  }
}
