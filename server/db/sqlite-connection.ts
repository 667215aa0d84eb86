import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import type BetterSqlite3 from "better-sqlite3";

export type SqliteConnection = BetterSqlite3.Database;

/**
 * Prisma's better-sqlite3 adapter, handing over the connection it opens: the engine's append
 * path writes through it directly (synchronous statements, each prepared once), which skips
 * Prisma's query compiler and interactive-transaction round trips on every step.
 */
export function sqliteAdapter(url: string, onConnect: (connection: SqliteConnection) => void) {
  const factory = new PrismaBetterSQLite3({ url, timeout: 5000 });
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const connection = (adapter as unknown as { client?: SqliteConnection }).client;
    if (typeof connection?.prepare !== "function")
      throw new Error("@prisma/adapter-better-sqlite3 no longer exposes its connection as `client`");
    commitDurably(connection);
    onConnect(connection);
    return adapter;
  };
  return factory;
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
