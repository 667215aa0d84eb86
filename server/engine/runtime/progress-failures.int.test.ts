// Streamed text (node.progress) and what an attempt sends out (node.input) that cannot be
// stored: logged and dropped, never an unhandled rejection that ends an --api-only server.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, expect, it } from "vitest";
import { freePort } from "../../testing/free-port";
import { ServerProcess } from "../../testing/server-process";
import { waitFor } from "../../testing/wait-for";
import { flow } from "../core/testing";

const dir = mkdtempSync(path.join(tmpdir(), "switchyard-progress-"));
let server: ServerProcess | undefined;
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it("an --api-only server whose database refuses an attempt's progress keeps serving, and the run still finishes", async () => {
  server = new ServerProcess(await freePort(), path.join(dir, "progress.db"));
  await server.start();
  const api = await server.signUp("progress@example.com");
  const doc = flow(
    { start: ["start"], talk: ["agent", { response: "one two three four five six", latencyMs: 300 }], end: ["end"] },
    ["start -> talk", "talk -> end"],
  );
  const created = await api.flows.create.mutate({ name: "Streams" });
  await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });

  // Another connection makes the database refuse those rows, every time.
  const other = new Database(server.databaseFile);
  other.exec(`CREATE TRIGGER refuse_progress BEFORE INSERT ON "RunEvent"
    WHEN NEW."type" IN ('node.progress', 'node.input')
    BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`);
  other.close();

  const { runId } = await api.runs.start.mutate({ flowId: created.id });
  const run = await waitFor(
    "the run to finish without its progress rows",
    () => api.runs.get.query({ id: runId }),
    (r) => r.status !== "running",
  );
  expect(run).toMatchObject({ status: "succeeded", output: "one two three four five six" });
  expect(server.child?.exitCode).toBeNull();
  expect((await fetch(`${server.url}/api/health`)).ok).toBe(true);
  const events = await api.runs.events.query({ id: runId });
  expect(events.filter((e) => e.type === "node.progress" || e.type === "node.input")).toEqual([]);
}, 60_000);
