import { busyPause, isBusy } from "./busy-wait";
import { busyWaitOf, prepare, type SqliteConnection, type Statement } from "./sqlite-connection";

interface Waiting {
  statements: readonly Statement[];
  settle: (result: { ok: true } | { ok: false; error: unknown }) => void;
  /** Until when it may wait for another connection's write lock. */
  until: number;
}

const queues = new WeakMap<SqliteConnection, Waiting[]>();

/**
 * Commits `statements` as one unit on the connection Prisma shares, together with whatever
 * else asks before the next turn of the event loop: one transaction and one fsync for all of
 * them (a group commit), each unit in its own savepoint, so a unit that fails (a stale seq)
 * rolls back alone. While Prisma holds a transaction on the connection the group waits (run
 * then, it would land inside it); while another connection holds the write lock it waits on a
 * timer (busy-wait.ts), and later units join it. Resolves once the commit is on disk.
 */
export function commitGrouped(connection: SqliteConnection, statements: readonly Statement[]): Promise<void> {
  return new Promise((resolve, reject) => {
    let queue = queues.get(connection);
    if (!queue) {
      queue = [];
      queues.set(connection, queue);
      setImmediate(() => flush(connection));
    }
    const until = Date.now() + busyWaitOf(connection);
    queue.push({ statements, settle: (r) => (r.ok ? resolve() : reject(r.error)), until });
  });
}

function flush(connection: SqliteConnection, pauses = 0) {
  const queue = queues.get(connection) ?? [];
  if (connection.inTransaction) {
    // Prisma holds a transaction on the connection (an approval batch, a save): wait for it to
    // end rather than send the whole group through Prisma, which would keep it busy in turn.
    setTimeout(() => flush(connection, pauses), 1);
    return;
  }
  const errors = new Map<Waiting, unknown>();
  const unit = connection.transaction((statements: readonly Statement[]) => {
    for (const { sql, params, unchanged } of statements) {
      const { changes } = prepare(connection, sql).run(...params);
      if (changes === 0 && unchanged) throw unchanged();
    }
  });
  let began = false;
  try {
    // IMMEDIATE: the write lock is taken first, so the lock of another connection is met
    // before anything is written, never halfway through the group.
    connection
      .transaction(() => {
        began = true;
        for (const waiting of queue) {
          try {
            unit(waiting.statements); // nested: a savepoint, rolled back alone on error
          } catch (error) {
            // Some errors (disk full, I/O) end the whole transaction: then nothing of the group is stored.
            if (!connection.inTransaction) throw error;
            errors.set(waiting, error);
          }
        }
      })
      .immediate();
  } catch (error) {
    if (!began && isBusy(error)) return waitForLock(connection, queue, error, pauses);
    queues.delete(connection);
    for (const waiting of queue) waiting.settle({ ok: false, error }); // the commit failed: nothing stored
    return;
  }
  queues.delete(connection);
  for (const waiting of queue) {
    const error = errors.get(waiting);
    waiting.settle(errors.has(waiting) ? { ok: false, error } : { ok: true });
  }
}

/** Another connection holds the write lock: nothing was written; the group tries again after a pause. */
function waitForLock(connection: SqliteConnection, queue: Waiting[], busy: unknown, pauses: number) {
  const now = Date.now();
  const waiting = queue.filter((w) => w.until > now);
  for (const w of queue) if (w.until <= now) w.settle({ ok: false, error: busy }); // waited long enough
  if (waiting.length === 0) {
    queues.delete(connection);
    return;
  }
  queues.set(connection, waiting); // appends asked for meanwhile join the group
  setTimeout(() => flush(connection, pauses + 1), busyPause(pauses));
}
