import { createHash, randomUUID } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { type DbConfig, migrationsDir } from "./config";
import { commitDurably } from "./sqlite-connection";

/**
 * Applies the committed SQL migrations at boot. `prisma migrate deploy` would need a CLI spawn
 * and, on PostgreSQL, trips on the wasm engine's introspection (docs/offline-setup.md); this
 * does the same job and keeps Prisma's `_prisma_migrations` table, so `prisma migrate status`
 * still agrees. Returns the names applied now.
 */
export async function applyMigrations(config: DbConfig, options: { upTo?: string } = {}): Promise<string[]> {
  const migrations = readMigrations(config).filter((m) => !options.upTo || m.name <= options.upTo);
  return config.provider === "sqlite" ? migrateSqlite(config.url, migrations) : migratePostgres(config.url, migrations);
}

interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

function readMigrations(config: DbConfig): Migration[] {
  const dir = migrationsDir(config.provider);
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

const sqliteTable = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME,
  "migration_name" TEXT NOT NULL, "logs" TEXT, "rolled_back_at" DATETIME,
  "started_at" DATETIME NOT NULL DEFAULT current_timestamp, "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`;

function migrateSqlite(file: string, migrations: Migration[]): string[] {
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma("journal_mode = WAL"); // persistent in the file; readers never block the writer
    db.pragma("busy_timeout = 5000");
    commitDurably(db); // as on every connection (sqlite-connection.ts)
    db.exec(sqliteTable);
    const applied = new Set(
      db
        .prepare(`SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL`)
        .all()
        .map((row) => (row as { name: string }).name),
    );
    const done: string[] = [];
    for (const m of migrations.filter((m) => !applied.has(m.name))) {
      // Table rebuilds drop and recreate tables: with foreign keys on, the drop would cascade
      // and delete rows that reference them. Prisma runs them with foreign keys off, then
      // checks the keys; so do we (the pragma only takes effect outside a transaction).
      db.pragma("foreign_keys = OFF");
      try {
        db.transaction(() => {
          db.exec(m.sql);
          const broken = db.pragma("foreign_key_check") as unknown[];
          if (broken.length > 0) throw new Error(`migration ${m.name} leaves ${broken.length} broken foreign keys`);
          db.prepare(
            `INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count)
             VALUES (?, ?, current_timestamp, ?, 1)`,
          ).run(randomUUID(), m.checksum, m.name);
        }).immediate();
      } finally {
        db.pragma("foreign_keys = ON");
      }
      done.push(m.name);
    }
    return done;
  } finally {
    db.close();
  }
}

const postgresTable = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`;
const MIGRATION_LOCK = 7_203_410_211; // any constant: serialises processes booting together

async function migratePostgres(url: string, migrations: Migration[]): Promise<string[]> {
  const { default: pg } = await import("pg"); // only PostgreSQL pays for loading it
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await client.query(postgresTable);
    const { rows } = await client.query<{ name: string }>(
      `SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL`,
    );
    const applied = new Set(rows.map((r) => r.name));
    const done: string[] = [];
    for (const m of migrations.filter((m) => !applied.has(m.name))) {
      await client.query("BEGIN");
      try {
        await client.query(m.sql);
        await client.query(
          `INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count)
           VALUES ($1, $2, now(), $3, 1)`,
          [randomUUID(), m.checksum, m.name],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`migration ${m.name} failed: ${(error as Error).message}`);
      }
      done.push(m.name);
    }
    return done;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => {});
    await client.end();
  }
}
