/**
 * Waiting for another connection's write lock (the CLI on the same file, a backup, sqlite3 in
 * a terminal) without stopping the process. better-sqlite3 is synchronous: SQLite's own busy
 * timeout sleeps on the event loop, and every request would wait with it. So the app's
 * connection lets SQLite wait only BLOCKING_BUSY_MS; a statement or transaction that still
 * meets the lock did nothing, and is tried again after a timer, for up to its busy wait.
 */

/** How long SQLite itself waits for a lock, blocking the thread, before answering SQLITE_BUSY. */
export const BLOCKING_BUSY_MS = 5;
/** How long a write waits for another connection's lock (asynchronously) before it fails. */
export const DEFAULT_BUSY_WAIT_MS = 5_000;
/** The longest pause between two tries: how late a write may notice that the lock is free. */
const MAX_PAUSE_MS = 50;

/** SQLITE_BUSY from better-sqlite3, or as Prisma's adapter wraps it. */
export function isBusy(error: unknown): boolean {
  const e = error as { code?: unknown; cause?: { originalCode?: unknown } } | undefined;
  const code = e?.code ?? e?.cause?.originalCode;
  return typeof code === "string" && code.startsWith("SQLITE_BUSY");
}

/** The pause after the `pauses`-th failed try: 1, 2, 4… ms, then MAX_PAUSE_MS. */
export function busyPause(pauses: number): number {
  return Math.min(2 ** pauses, MAX_PAUSE_MS);
}

/** Runs `work`, trying again after a timer while it meets another connection's lock, for up to `waitMs`. */
export async function whileBusy<T>(work: () => Promise<T>, waitMs: number): Promise<T> {
  const until = Date.now() + waitMs;
  for (let pauses = 0; ; pauses++) {
    try {
      return await work();
    } catch (error) {
      const left = until - Date.now();
      if (!isBusy(error) || left <= 0) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(busyPause(pauses), left)));
    }
  }
}
