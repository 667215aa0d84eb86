// The writer thread of sqlite-writer.ts: its own connection to the app's SQLite file, where the
// engine's appends are committed (and synced to disk) off the event loop. Plain JavaScript: it
// runs as it is under tsx, vitest and the compiled server alike.
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

const { file, busyWaitMs, foreignKeys } = workerData;
// SQLite waits for another connection's write lock here, blocking only this thread.
const db = new Database(file, { timeout: busyWaitMs });
db.pragma("synchronous = FULL"); // every commit on disk before it is acknowledged (sqlite-connection.ts)
db.pragma(`foreign_keys = ${foreignKeys ? "ON" : "OFF"}`); // as on the connection Prisma uses

const statements = new Map();
const prepare = (sql) => {
  let statement = statements.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    if (statements.size >= 200) statements.delete(statements.keys().next().value);
    statements.set(sql, statement);
  }
  return statement;
};

/** Thrown inside a unit whose conditional statement changed nothing: the unit rolls back alone. */
class Unchanged {
  constructor(statement) {
    this.statement = statement;
  }
}
const unit = db.transaction((unitStatements) => {
  unitStatements.forEach(({ sql, params, fenced }, i) => {
    const { changes } = prepare(sql).run(...params);
    if (changes === 0 && fenced) throw new Unchanged(i);
  });
});
const described = (error) => ({ message: error?.message ?? String(error), code: error?.code });

let queue = [];
let scheduled = false;

/** Everything that arrived while the last commit ran goes in one transaction: one sync for all. */
function flush() {
  scheduled = false;
  const group = queue;
  queue = [];
  if (group.length === 0) return;
  const results = new Map();
  try {
    // IMMEDIATE: another connection's lock is met before anything is written, never halfway.
    db.transaction(() => {
      for (const { id, statements: unitStatements } of group) {
        try {
          unit(unitStatements); // nested: a savepoint, rolled back alone on error
          results.set(id, { ok: true });
        } catch (error) {
          // Some errors (disk full, I/O) end the whole transaction: then nothing of the group is stored.
          if (!db.inTransaction) throw error;
          results.set(
            id,
            error instanceof Unchanged
              ? { ok: false, unchanged: error.statement }
              : { ok: false, error: described(error) },
          );
        }
      }
    }).immediate();
  } catch (error) {
    for (const { id } of group) results.set(id, { ok: false, error: described(error) }); // nothing stored
  }
  parentPort.postMessage({ type: "committed", results: [...results] });
}

parentPort.on("message", (message) => {
  if (message.type === "commit") {
    queue.push(...message.units);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  } else if (message.type === "pragma") {
    parentPort.postMessage({ type: "pragma", id: message.id, value: db.pragma(message.name, { simple: true }) });
  } else if (message.type === "close") {
    if (queue.length > 0) flush();
    db.close();
    parentPort.postMessage({ type: "closed" });
  }
});
