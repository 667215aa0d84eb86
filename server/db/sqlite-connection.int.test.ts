import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { openDatabase, sqliteConnection, sqliteWriterOf } from "./client";
import type { DbConfig } from "./config";

const dir = mkdtempSync(path.join(tmpdir(), "switchyard-sqlite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("every connection on an existing WAL database commits with synchronous=FULL", async () => {
  const config: DbConfig = { provider: "sqlite", url: path.join(dir, "wal.db") };
  await (await openDatabase(config)).close(); // the first boot creates the file in WAL mode
  // The next boot opens a WAL database: better-sqlite3's build would give it NORMAL.
  const db = await openDatabase(config);
  try {
    const [mode] = await db.prisma.$queryRawUnsafe<{ journal_mode: string }[]>("PRAGMA journal_mode");
    expect(mode?.journal_mode).toBe("wal");
    const [prisma] = await db.prisma.$queryRawUnsafe<{ synchronous: bigint | number }[]>("PRAGMA synchronous");
    expect(Number(prisma?.synchronous)).toBe(2); // FULL, on the connection Prisma queries through
    // …on the connection handed over for hot-path reads…
    expect(Number(sqliteConnection(db.prisma)!.pragma("synchronous", { simple: true }))).toBe(2);
    // …and on the writer thread's, where the engine's appends are committed.
    expect(Number(await sqliteWriterOf(db.prisma)!.pragma("synchronous"))).toBe(2);
  } finally {
    await db.close();
  }
});
