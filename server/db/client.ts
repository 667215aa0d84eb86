import { PrismaClient as SqliteClient } from "../../generated/sqlite/client.ts";
import { DEFAULT_BUSY_WAIT_MS } from "./busy-wait";
import type { DbConfig } from "./config";
import { applyMigrations } from "./migrate";
import { type SqliteConnection, sqliteAdapter } from "./sqlite-connection";
import { type SqliteWriter, sqliteWriter } from "./sqlite-writer";

/**
 * Both providers generate clients from the same models, so their APIs match; repositories are
 * typed against the SQLite one. Provider-specific queries (JSON paths, case-insensitive
 * search) must stay inside repositories and branch on `provider`.
 */
export type Prisma = SqliteClient;
export { Prisma as PrismaNamespace } from "../../generated/sqlite/client.ts";

export interface Database {
  prisma: Prisma;
  provider: DbConfig["provider"];
  close(): Promise<void>;
}

const providers = new WeakMap<Prisma, DbConfig["provider"]>();
const sqliteConnections = new WeakMap<Prisma, SqliteConnection>();

/** Which database a client from openDatabase talks to, for the few queries written in SQL. */
export function providerOf(prisma: Prisma): DbConfig["provider"] {
  const provider = providers.get(prisma);
  if (!provider) throw new Error("this Prisma client was not opened by openDatabase");
  return provider;
}

/** On SQLite, the connection the client writes through (see sqlite-connection.ts). */
export function sqliteConnection(prisma: Prisma): SqliteConnection | undefined {
  return sqliteConnections.get(prisma);
}

const sqliteWriters = new WeakMap<Prisma, SqliteWriter>();

/** On SQLite, where the engine's appends are committed: a thread of their own (sqlite-writer.ts). */
export function sqliteWriterOf(prisma: Prisma): SqliteWriter | undefined {
  return sqliteWriters.get(prisma);
}

export async function openDatabase(config: DbConfig, options: { migrate?: boolean } = {}): Promise<Database> {
  if (options.migrate !== false) await applyMigrations(config);
  const busyWaitMs = config.busyWaitMs ?? DEFAULT_BUSY_WAIT_MS;
  const prisma: Prisma =
    config.provider === "sqlite"
      ? new SqliteClient({
          adapter: sqliteAdapter(config.url, { busyWaitMs }, (c) => sqliteConnections.set(prisma, c)),
          // A transaction may wait that long for another connection's lock before it begins.
          transactionOptions: { maxWait: busyWaitMs + 2_000 },
        })
      : await postgresClient(config.url);
  providers.set(prisma, config.provider);
  await prisma.$connect();
  const connection = sqliteConnections.get(prisma);
  const writer =
    connection &&
    sqliteWriter(config.url, { busyWaitMs, foreignKeys: connection.pragma("foreign_keys", { simple: true }) === 1 });
  if (writer) sqliteWriters.set(prisma, writer);
  return {
    prisma,
    provider: config.provider,
    async close() {
      await writer?.close(); // what was asked for is committed first
      await prisma.$disconnect();
    },
  };
}

/** Loaded only for PostgreSQL: the embedded (SQLite) process never pays for pg and its client. */
async function postgresClient(url: string): Promise<Prisma> {
  const [{ PrismaPg }, { PrismaClient }] = await Promise.all([
    import("@prisma/adapter-pg"),
    import("../../generated/postgres/client.ts"),
  ]);
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) }) as unknown as Prisma;
}
