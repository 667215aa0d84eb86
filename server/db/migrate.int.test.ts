import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, expect, it } from "vitest";
import { newFlowDocument } from "../../lib/flow/document";
import { openDatabase } from "./client";
import type { DbConfig } from "./config";
import { applyMigrations } from "./migrate";

const dir = mkdtempSync(path.join(tmpdir(), "switchyard-migrate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("keeps every row when later migrations rebuild tables (SQLite)", async () => {
  const config: DbConfig = { provider: "sqlite", url: path.join(dir, "old.db") };
  await applyMigrations(config, { upTo: "20261122000000_init" });
  // Rows written by the first version (raw SQL: today's client knows newer columns).
  const old = new Database(config.url);
  const doc = JSON.stringify(newFlowDocument("Kept"));
  old.exec(`INSERT INTO "user" (id, name, email, updatedAt) VALUES ('u', 'U', 'u@example.com', 0)`);
  old.exec(`INSERT INTO Workspace (id, name) VALUES ('w', 'W')`);
  old
    .prepare(
      `INSERT INTO Flow (id, workspaceId, name, definition, schemaVersion, createdById, updatedAt) VALUES ('f', 'w', 'Kept', ?, 1, 'u', 0)`,
    )
    .run(doc);
  old
    .prepare(`INSERT INTO Run (id, workspaceId, flowId, flowVersion, definition) VALUES ('r', 'w', 'f', 1, ?)`)
    .run(doc);
  old.close();

  expect((await applyMigrations(config)).length).toBeGreaterThan(0);
  const upgraded = await openDatabase(config);
  expect(await upgraded.prisma.flow.count()).toBe(1);
  expect(await upgraded.prisma.run.count()).toBe(1); // the Flow rebuild must not cascade into runs
  expect((await upgraded.prisma.flow.findFirstOrThrow()).webhookMode).toBe("async");
  // Versions: the saved flow is published as v1 (the whole document, name included); the old
  // run ran whatever was saved then, so it counts as a run of the draft.
  expect(await upgraded.prisma.flow.findFirstOrThrow()).toMatchObject({ publishedVersion: 1 });
  const v1 = await upgraded.prisma.flowVersion.findFirstOrThrow();
  expect(v1).toMatchObject({ flowId: "f", version: 1, publishedById: "u" });
  expect(v1.document).toMatchObject({ name: "Kept", nodes: JSON.parse(doc).nodes });
  expect((await upgraded.prisma.run.findFirstOrThrow()).flowVersion).toBeNull();
  await upgraded.close();
});
