import { Worker } from "node:worker_threads";
import type { Statement } from "./sqlite-connection";

/** The thread's script, found next to this module (the compiled server copies it there too). */
const threadScript = new URL("./sqlite-writer-thread.mjs", import.meta.url);

export interface SqliteWriter {
  /** Commits `statements` as one unit; resolves once it is on disk. A unit that fails changes nothing. */
  commit(statements: readonly Statement[]): Promise<void>;
  /** A pragma as the writer's connection reports it (tests read synchronous through this). */
  pragma(name: string): Promise<unknown>;
  /** Commits what was asked for, then closes the connection and ends the thread. */
  close(): Promise<void>;
}

interface Pending {
  statements: readonly Statement[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * The engine's appends, committed on a thread of their own with its own connection to the
 * file. better-sqlite3 is synchronous: on the event loop, each commit (its writes and the
 * fsync of synchronous=FULL) held up every request; measured on the peer benchmark's 5-step
 * runs at 10 connections, SQLite took 29% of the main thread. What arrives while a commit
 * runs is committed together (a group commit: one fsync for many runs), each unit in its own
 * savepoint, so a unit that fails (a stale seq) rolls back alone. Another connection's write
 * lock (Prisma's transactions, the CLI, a backup) is waited for on that thread, for up to
 * `busyWaitMs`.
 */
export function sqliteWriter(file: string, options: { busyWaitMs: number; foreignKeys: boolean }): SqliteWriter {
  const worker = new Worker(threadScript, { workerData: { file, ...options } });
  worker.unref(); // an idle writer never keeps the process alive
  const pending = new Map<number, Pending>();
  const pragmas = new Map<number, (value: unknown) => void>();
  let nextId = 1;
  let outbox: { id: number; statements: { sql: string; params: unknown[]; fenced: boolean }[] }[] = [];
  let closed: Promise<void> | undefined;
  let failure: Error | undefined;

  worker.on("message", (message: WriterMessage) => {
    if (message.type === "committed") {
      for (const [id, result] of message.results) {
        const unit = pending.get(id);
        if (!unit) continue;
        pending.delete(id);
        if (result.ok) unit.resolve();
        else if (result.unchanged !== undefined) unit.reject(unit.statements[result.unchanged]!.unchanged!());
        else unit.reject(sqliteError(result.error!));
      }
    } else if (message.type === "pragma") {
      pragmas.get(message.id)?.(message.value);
      pragmas.delete(message.id);
    }
  });
  // The thread died (it cannot open the file, or crashed): what waits fails, later commits too.
  worker.on("error", (error) => {
    failure = error;
    for (const unit of pending.values()) unit.reject(error);
    pending.clear();
  });

  /** Units asked for in one turn of the event loop go over in one message. */
  const send = () => {
    worker.postMessage({ type: "commit", units: outbox });
    outbox = [];
  };

  return {
    commit(statements) {
      if (failure) return Promise.reject(failure);
      if (closed) return Promise.reject(new Error("the database is closed"));
      return new Promise<void>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { statements, resolve, reject });
        if (outbox.length === 0) setImmediate(send);
        outbox.push({
          id,
          statements: statements.map((s) => ({ sql: s.sql, params: s.params, fenced: s.unchanged !== undefined })),
        });
      });
    },
    pragma(name) {
      return new Promise((resolve) => {
        const id = nextId++;
        pragmas.set(id, resolve);
        worker.postMessage({ type: "pragma", id, name });
      });
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        if (failure) return resolve();
        if (outbox.length > 0) send();
        worker.on("message", (message: WriterMessage) => {
          if (message.type !== "closed") return;
          void worker.terminate().then(() => {
            for (const unit of pending.values()) unit.reject(new Error("the database is closed"));
            pending.clear();
            resolve();
          });
        });
        worker.postMessage({ type: "close" });
      });
      return closed;
    },
  };
}

type WriterMessage =
  | {
      type: "committed";
      results: [number, { ok: boolean; unchanged?: number; error?: { message: string; code?: string } }][];
    }
  | { type: "pragma"; id: number; value: unknown }
  | { type: "closed" };

/** An error from the thread as better-sqlite3 raises it: its message and its SQLITE_* code. */
function sqliteError({ message, code }: { message: string; code?: string }): Error {
  return Object.assign(new Error(message), code ? { code } : {});
}
