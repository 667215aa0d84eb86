import { prepare, type SqliteConnection, type Statement } from "./sqlite-connection";

interface Waiting {
  statements: readonly Statement[];
  settle: (result: { ok: true } | { ok: false; error: unknown }) => void;
}

const queues = new WeakMap<SqliteConnection, Waiting[]>();

/**
 * Commits `statements` as one unit on the connection Prisma shares, together with whatever
 * else asks before the next turn of the event loop: one transaction and one fsync for all of
 * them (a group commit), each unit in its own savepoint, so a unit that fails (a stale seq)
 * rolls back alone. While Prisma holds a transaction on the connection the group waits (run
 * then, it would land inside it). Resolves once the commit is on disk.
 */
export function commitGrouped(connection: SqliteConnection, statements: readonly Statement[]): Promise<void> {
  return new Promise((resolve, reject) => {
    let queue = queues.get(connection);
    if (!queue) {
      queue = [];
      queues.set(connection, queue);
      setImmediate(() => flush(connection));
    }
    queue.push({ statements, settle: (r) => (r.ok ? resolve() : reject(r.error)) });
  });
}

function flush(connection: SqliteConnection) {
  const queue = queues.get(connection) ?? [];
  if (connection.inTransaction) {
    // Prisma holds a transaction on the connection (an approval batch, a save): wait for it to
    // end rather than send the whole group through Prisma, which would keep it busy in turn.
    setTimeout(() => flush(connection), 1);
    return;
  }
  queues.delete(connection);
  const errors = new Map<Waiting, unknown>();
  const unit = connection.transaction((statements: readonly Statement[]) => {
    for (const { sql, params, unchanged } of statements) {
      const { changes } = prepare(connection, sql).run(...params);
      if (changes === 0 && unchanged) throw unchanged();
    }
  });
  try {
    connection.transaction(() => {
      for (const waiting of queue) {
        try {
          unit(waiting.statements); // nested: a savepoint, rolled back alone on error
        } catch (error) {
          // Some errors (disk full, I/O) end the whole transaction: then nothing of the group is stored.
          if (!connection.inTransaction) throw error;
          errors.set(waiting, error);
        }
      }
    })();
  } catch (error) {
    for (const waiting of queue) waiting.settle({ ok: false, error }); // the commit failed: nothing stored
    return;
  }
  for (const waiting of queue) {
    const error = errors.get(waiting);
    waiting.settle(errors.has(waiting) ? { ok: false, error } : { ok: true });
  }
}
