import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import type BetterSqlite3 from "better-sqlite3";
import { BLOCKING_BUSY_MS, whileBusy } from "./busy-wait";

export type SqliteConnection = BetterSqlite3.Database;

type Adapter = Awaited<ReturnType<PrismaBetterSQLite3["connect"]>>;
type Transaction = Awaited<ReturnType<Adapter["startTransaction"]>>;

/**
 * Prisma's better-sqlite3 adapter, handing over the connection it opens: the engine's append
 * path writes through it directly (synchronous statements, each prepared once), which skips
 * Prisma's query compiler and interactive-transaction round trips on every step. Prisma's
 * queries on it wait for another connection's lock with timers, never on the event loop.
 */
export function sqliteAdapter(
  url: string,
  options: { busyWaitMs: number },
  onConnect: (connection: SqliteConnection) => void,
) {
  const factory = new PrismaBetterSQLite3({ url, timeout: BLOCKING_BUSY_MS });
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const connection = (adapter as unknown as { client?: SqliteConnection }).client;
    if (typeof connection?.prepare !== "function")
      throw new Error("@prisma/adapter-better-sqlite3 no longer exposes its connection as `client`");
    commitDurably(connection);
    onConnect(connection);
    return waitingForLocks(adapter, connection, options.busyWaitMs);
  };
  return factory;
}

const query = (sql: string) => ({ sql, args: [], argTypes: [] });

/**
 * The adapter, its queries waiting for another connection's write lock asynchronously. A
 * statement outside a transaction that met the lock did nothing, and is sent again. A
 * transaction begins IMMEDIATE, taking the write lock before anything runs in it: once it has
 * begun nothing in it can meet the lock, so no statement of it is ever repeated (a deferred
 * one could fail halfway, and only the whole transaction could be tried again).
 */
function waitingForLocks(adapter: Adapter, connection: SqliteConnection, waitMs: number): Adapter {
  const queryRaw = adapter.queryRaw.bind(adapter);
  const executeRaw = adapter.executeRaw.bind(adapter);
  const startTransaction = adapter.startTransaction.bind(adapter);
  let turn = Promise.resolve(); // one transaction at a time on the connection, as the adapter's own mutex did
  adapter.queryRaw = (q) => whileBusy(() => queryRaw(q), waitMs);
  adapter.executeRaw = (q) => whileBusy(() => executeRaw(q), waitMs);
  adapter.startTransaction = async (isolationLevel) => {
    if (isolationLevel && isolationLevel !== "SERIALIZABLE") return startTransaction(isolationLevel); // refused there
    const previous = turn;
    let release = () => {};
    turn = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    try {
      await whileBusy(() => executeRaw(query("BEGIN IMMEDIATE")), waitMs);
    } catch (error) {
      release();
      throw error;
    }
    const transaction: Transaction = {
      provider: adapter.provider,
      adapterName: adapter.adapterName,
      options: { usePhantomQuery: false }, // Prisma sends COMMIT and ROLLBACK itself, then calls commit()/rollback()
      queryRaw,
      async executeRaw(q) {
        try {
          return await executeRaw(q);
        } catch (error) {
          // Prisma would not call commit()/rollback() after a failed COMMIT or ROLLBACK: end it here.
          if (q.sql === "COMMIT" || q.sql === "ROLLBACK") {
            if (connection.inTransaction) connection.exec("ROLLBACK");
            release();
          }
          throw error;
        }
      },
      commit: async () => release(),
      rollback: async () => release(),
    };
    return transaction;
  };
  return adapter;
}

/**
 * Makes every commit on `connection` reach the disk before it returns (synchronous=FULL: the
 * WAL is synced at each commit). Set on every connection the app, the worker and the CLI
 * open: better-sqlite3 is built with SQLITE_DEFAULT_WAL_SYNCHRONOUS=1, so a connection that
 * opens a WAL database would otherwise run NORMAL, where a commit is synced only at the next
 * checkpoint and a power cut can lose what was already acknowledged.
 */
export function commitDurably(connection: SqliteConnection): void {
  connection.pragma("synchronous = FULL");
}

/** A statement to run in a transaction; `unchanged` is the error when it changes no row. */
export interface Statement {
  sql: string;
  params: unknown[];
  unchanged?: () => Error;
}

const cache = new WeakMap<SqliteConnection, Map<string, BetterSqlite3.Statement>>();
const CACHE_LIMIT = 200;

/** The statement for `sql` on the connection, prepared once. */
export function prepare(connection: SqliteConnection, sql: string): BetterSqlite3.Statement {
  let prepared = cache.get(connection);
  if (!prepared) {
    prepared = new Map();
    cache.set(connection, prepared);
  }
  let statement = prepared.get(sql);
  if (!statement) {
    statement = connection.prepare(sql);
    if (statement.reader) statement.safeIntegers(false); // the adapter turns them on for the connection
    if (prepared.size >= CACHE_LIMIT) prepared.delete(prepared.keys().next().value!);
    prepared.set(sql, statement);
  }
  return statement;
}

/**
 * One row of a query on the connection Prisma shares (a read on a hot path), or undefined.
 * It sees what a transaction Prisma has open on it wrote, as Prisma's own reads do.
 */
export function queryRow<T>(connection: SqliteConnection, sql: string, params: unknown[]): T | undefined {
  return prepare(connection, sql).get(...params) as T | undefined;
}
