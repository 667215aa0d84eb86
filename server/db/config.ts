import path from "node:path";

export type DbProvider = "sqlite" | "postgresql";
export interface DbConfig {
  provider: DbProvider;
  /** SQLite: an absolute file path. PostgreSQL: a connection string. */
  url: string;
  /** SQLite: how long a write waits for another connection's lock before it fails (default 5 s). */
  busyWaitMs?: number;
}

export const projectRoot = path.resolve(import.meta.dirname, "../..");

/**
 * The one place that reads DB_PROVIDER / DATABASE_URL. A SQLite `file:` URL is relative to
 * the project (not the working directory) and defaults to ./data/switchyard.db.
 */
export function dbConfigFromEnv(env: NodeJS.ProcessEnv = process.env): DbConfig {
  if (env.DB_PROVIDER === "postgresql") {
    if (!env.DATABASE_URL)
      throw new Error("DB_PROVIDER=postgresql needs DATABASE_URL (postgresql://user@host:5432/db)");
    return { provider: "postgresql", url: env.DATABASE_URL };
  }
  const url = env.DATABASE_URL?.startsWith("file:") ? env.DATABASE_URL.slice("file:".length) : "./data/switchyard.db";
  return { provider: "sqlite", url: path.resolve(projectRoot, url) };
}

export function migrationsDir(provider: DbProvider): string {
  return path.join(projectRoot, "prisma", provider === "sqlite" ? "sqlite" : "postgres", "migrations");
}
