import { prepare, type SqliteConnection, type Statement } from "./sqlite-connection";

interface Waiting {
  statements: readonly Statement[];
  settle: (result: { ok: true; direct: boolean } | { ok: false; error: unknown }) => void;
}

const queues = new WeakMap<SqliteConnection, Waiting[]>();

/**
 * Commits `statements` as one unit on the connection Prisma shares, together with whatever
 * else asks before the next turn of the event loop: one transaction and one fsync for all of
 * them (a group commit), each unit in its own savepoint, so a unit that fails (a stale seq)
 * rolls back alone. Resolves once the commit is on disk: true, or false when Prisma had a
 * transaction open on the connection (anything run then would land inside it; the caller
 * goes through Prisma instead, which waits its turn).
 */
export function commitGrouped(connection: SqliteConnection, statements: readonly Statement[]): Promise<boolean> {
  return new Promise((resolve, reject) => {
    let queue = queues.get(connection);
    if (!queue) {
      queue = [];
      queues.set(connection, queue);
      setImmediate(() => flush(connection));
    }
    queue.push({ statements, settle: (r) => (r.ok ? resolve(r.direct) : reject(r.error)) });
  });
}

function flush(connection: SqliteConnection) {
  const queue = queues.get(connection) ?? [];
  queues.delete(connection);
  if (connection.inTransaction) {
    for (const waiting of queue) waiting.settle({ ok: true, direct: false });
    return;
  }
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
    waiting.settle(errors.has(waiting) ? { ok: false, error } : { ok: true, direct: true });
  }
}
