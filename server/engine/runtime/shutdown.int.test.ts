// SIGTERM on the real server while keep-alive clients hammer a webhook: it stops taking work,
// lets the attempts in flight finish for the grace period, and exits; nothing acknowledged is lost.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, expect, it } from "vitest";
import { sqliteConnection } from "../../db/client";
import { freePort } from "../../testing/free-port";
import { ServerProcess } from "../../testing/server-process";
import { startTestServer } from "../../testing/test-server";
import { waitFor } from "../../testing/wait-for";
import { flow } from "../core/testing";

const dir = mkdtempSync(path.join(tmpdir(), "switchyard-shutdown-"));
const GRACE_MS = 4_000;
let server: ServerProcess | undefined;
afterAll(async () => {
  await server?.crash();
  rmSync(dir, { recursive: true, force: true });
});

const oneAgent = (latencyMs: number) =>
  flow({ start: ["start"], work: ["agent", { response: "done", latencyMs }], end: ["end"] }, [
    "start -> work",
    "work -> end",
  ]);

function exitOf(child: ChildProcess) {
  return new Promise<{ code: number | null; at: number }>((resolve) =>
    child.once("exit", (code) => resolve({ code, at: Date.now() })),
  );
}

it("SIGTERM under keep-alive webhook traffic: new runs get 503, attempts in flight finish, the process exits within the grace period, no acknowledged run is lost", async () => {
  const file = path.join(dir, "shutdown.db");
  server = new ServerProcess(await freePort(), file, { env: { SHUTDOWN_GRACE_MS: String(GRACE_MS) } });
  await server.start();
  const api = await server.signUp("shutdown@example.com");
  const hook = async (name: string, latencyMs: number, mode: "async" | "sync") => {
    const created = await api.flows.create.mutate({ name });
    await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document: oneAgent(latencyMs) });
    await api.flows.publish.mutate({ id: created.id, expectedVersion: 2 });
    const webhook = await api.flows.setWebhook.mutate({ id: created.id, enabled: true, mode });
    return `${server!.url}${webhook!.path}`;
  };
  const quick = await hook("Quick", 300, "async"); // finishes well within the grace period
  const slow = await hook("Slow", 60_000, "sync"); // does not: aborted at the deadline, resumed at the next start

  // A sync caller waits for the slow run; it must get an answer (202, the run id), not a reset.
  const slowAnswer = fetch(slow, { method: "POST", body: "{}" }).then(async (res) => ({
    status: res.status,
    body: (await res.json()) as { runId: string; status: string },
  }));

  const child = server.child!;
  const exited = exitOf(child);
  let gone = false;
  void exited.then(() => (gone = true));
  const acknowledged: string[] = [];
  const refusals: number[] = [];
  let failedToConnect = 0;
  const hammer = async () => {
    while (!gone) {
      try {
        // fetch keeps its connections alive and reuses them.
        const res = await fetch(quick, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
        if (res.status === 202) acknowledged.push(((await res.json()) as { runId: string }).runId);
        else {
          refusals.push(res.status);
          await res.text();
        }
      } catch {
        failedToConnect++; // the listener is closed
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  const clients = Array.from({ length: 8 }, hammer);
  await waitFor(
    "100 runs acknowledged before the signal",
    () => acknowledged.length,
    (n) => n >= 100,
    { everyMs: 10 },
  );

  const signalledAt = Date.now();
  const ackedBeforeSignal = [...acknowledged];
  child.kill("SIGTERM");
  const deadline = new Promise<"still running">((r) => setTimeout(() => r("still running"), GRACE_MS + 10_000));
  const exit = await Promise.race([exited, deadline]);
  gone = true;
  await Promise.all(clients);
  expect(exit).not.toBe("still running");
  const { code, at } = exit as { code: number | null; at: number };
  expect(code).toBe(0);
  expect(at - signalledAt).toBeLessThan(GRACE_MS + 1_500); // the slow attempt holds it up to the grace period, no longer

  expect(refusals.every((s) => s === 503)).toBe(true); // once stopping, a new run is refused
  expect(refusals.length + failedToConnect).toBeGreaterThan(0); // the clients kept on after the signal
  const slowRun = await slowAnswer;
  expect(slowRun).toMatchObject({ status: 202, body: { status: "running" } });

  // Straight from the file: every acknowledged run is there. Those acknowledged before the
  // signal had their attempt in flight: it finished within the grace period. One begun as the
  // signal came may wait for the next start (recorded, its attempt not started).
  const runs = () => {
    const db = new Database(file, { readonly: true });
    try {
      const rows = db.prepare(`SELECT id, status FROM "Run"`).all() as { id: string; status: string }[];
      return new Map(rows.map((r) => [r.id, r.status]));
    } finally {
      db.close();
    }
  };
  const atExit = runs();
  expect(ackedBeforeSignal.length).toBeGreaterThanOrEqual(100);
  for (const id of ackedBeforeSignal) expect(atExit.get(id)).toBe("succeeded");
  for (const id of acknowledged) expect(["succeeded", "running"]).toContain(atExit.get(id));
  expect(atExit.get(slowRun.body.runId)).toBe("running");

  // The next start resumes what was left; nothing that finished runs again.
  await server.start();
  const pending = () => [...runs()].filter(([id, s]) => s !== "succeeded" && id !== slowRun.body.runId);
  await waitFor("the runs left at shutdown to succeed after the restart", pending, (left) => left.length === 0, {
    timeoutMs: 20_000,
  });
  expect((await api.runs.get.query({ id: slowRun.body.runId })).status).toBe("running"); // resumed, its agent at work
  const db = new Database(file, { readonly: true });
  const twice = db
    .prepare(
      `SELECT "runId" FROM "RunEvent" WHERE "type" = 'node.started' GROUP BY "runId", "nodeId" HAVING COUNT(*) > 1`,
    )
    .all();
  db.close();
  expect(twice).toEqual([]);
}, 90_000);

it("while the app drains, a new run is refused with 503 (webhook and tRPC), /api/health answers 503, and the attempt in flight finishes", async () => {
  const t = await startTestServer();
  const file = sqliteConnection(t.app.services.prisma)!.name;
  const api = t.trpc(await t.signUp("drain@example.com"));
  const created = await api.flows.create.mutate({ name: "Drains" });
  await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document: oneAgent(500) });
  await api.flows.publish.mutate({ id: created.id, expectedVersion: 2 });
  const webhook = await api.flows.setWebhook.mutate({ id: created.id, enabled: true, mode: "async" });
  const hook = `${t.url}${webhook!.path}`;
  const first = (await (await fetch(hook, { method: "POST", body: "{}" })).json()) as { runId: string };

  const closing = t.app.close({ graceMs: 10_000 });
  const refused = await fetch(hook, { method: "POST", body: "{}" });
  expect(refused.status).toBe(503);
  expect(refused.headers.get("retry-after")).toBe("5");
  const viaApi = await api.runs.start
    .mutate({ flowId: created.id })
    .catch((e: { data?: { httpStatus?: number } }) => e);
  expect(viaApi).toMatchObject({ data: { httpStatus: 503 } });
  const health = await fetch(`${t.url}/api/health`);
  expect(health.status).toBe(503);
  expect(await health.json()).toMatchObject({ ok: false, stopping: true });
  await closing;
  await new Promise((resolve) => t.server.close(resolve));

  const db = new Database(file, { readonly: true });
  const rows = db.prepare(`SELECT id, status FROM "Run"`).all();
  db.close();
  rmSync(path.dirname(file), { recursive: true, force: true });
  expect(rows).toEqual([{ id: first.runId, status: "succeeded" }]); // finished in the grace period; nothing else begun
});
