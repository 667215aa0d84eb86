// A commit that fails (another connection holds SQLite's write lock past the busy wait, or the
// database refuses the rows): it is tried again, and when it cannot succeed the run's failure
// is recorded. Either way the run never stays `running` with nothing in flight.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { FlowDocument } from "../../../lib/flow/document";
import type { RunEvent } from "../../../lib/run/events";
import { sqliteConnection } from "../../db/client";
import { prismaRunStore } from "../../db/run-store";
import { prismaTimerStore } from "../../db/timer-store";
import { startTestServer, type TestServer } from "../../testing/test-server";
import { flow } from "../core/testing";
import { executors } from "./executors";
import { inProcessBus, systemClock } from "./in-process-bus";
import type { NodeExecutor, RunStore } from "./ports";
import { RunEngine } from "./run-engine";
import { sharedSandbox } from "./sandbox/expression-sandbox";

const dir = mkdtempSync(path.join(tmpdir(), "switchyard-commit-"));
let t: TestServer;
let api: ReturnType<TestServer["trpc"]>;
let other: Database.Database; // a second connection on the same file, as the CLI or a backup would be

beforeAll(async () => {
  // A short busy wait, so a lock held for a moment already makes a commit fail.
  t = await startTestServer({ db: { provider: "sqlite", url: path.join(dir, "commit.db"), busyWaitMs: 100 } });
  api = t.trpc(await t.signUp("commits@example.com"));
  other = new Database(sqliteConnection(t.app.services.prisma)!.name);
});
afterAll(async () => {
  other.close();
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

const oneStep = flow({ start: ["start"], work: ["agent", { response: "done" }], end: ["end"] }, [
  "start -> work",
  "work -> end",
]);

/** An engine on the test server's database; `appendFailed` hears every append that failed. */
function engineWith(options: { agent?: NodeExecutor; appendFailed?: (error: unknown) => void } = {}) {
  const store = prismaRunStore(t.app.services.prisma);
  const watched: RunStore = {
    ...store,
    async append(...args) {
      try {
        return await store.append(...args);
      } catch (error) {
        options.appendFailed?.(error);
        throw error;
      }
    },
  };
  return new RunEngine({
    http: () => Promise.reject(new Error("no outbound requests here")),
    credential: () => Promise.reject(new Error("no credentials here")),
    store: watched,
    timers: prismaTimerStore(t.app.services.prisma),
    bus: inProcessBus(),
    clock: systemClock,
    executors: { ...executors, ...(options.agent && { agent: options.agent }) },
    expressions: sharedSandbox(),
    commitRetry: { tries: 4, firstPauseMs: 20, maxPauseMs: 100 },
  });
}

async function newRun(engine: RunEngine, doc: FlowDocument) {
  const created = await api.flows.create.mutate({ name: doc.name });
  await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });
  const { workspaceId } = await t.app.services.prisma.flow.findUniqueOrThrow({ where: { id: created.id } });
  return engine.begin({ workspaceId, flowId: created.id, flowVersion: 2, definition: doc, input: {}, startedBy: null });
}

const events = (runId: string) => prismaRunStore(t.app.services.prisma).events(runId);
const started = (list: RunEvent[], nodeId: string) =>
  list.filter((e) => e.type === "node.started" && "nodeId" in e && e.nodeId === nodeId).length;

it("an outcome whose commit met a lock held past the busy wait is committed once the lock is gone, and the step ran once", async () => {
  let calls = 0;
  let finish = () => {};
  let running = () => {};
  const agentRunning = new Promise<void>((r) => (running = r));
  let failed = () => {};
  const appendFailed = new Promise<void>((r) => (failed = r));
  const engine = engineWith({
    agent: () => {
      calls++;
      running();
      return new Promise((resolve) => (finish = () => resolve({ output: "done", handles: ["out"] })));
    },
    appendFailed: () => failed(),
  });
  const runId = await newRun(engine, oneStep);
  await agentRunning;
  other.exec("BEGIN IMMEDIATE"); // held while the agent's outcome is committed
  finish();
  await appendFailed; // the commit waited its 100 ms for the lock, and failed
  other.exec("ROLLBACK");

  await engine.idle();
  expect(await prismaRunStore(t.app.services.prisma).getRun(runId)).toMatchObject({ status: "succeeded" });
  const log = await events(runId);
  expect(started(log, "work")).toBe(1);
  expect(calls).toBe(1);
  expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
});

it("an outcome that can never be stored ends the run failed, recorded, with nothing left in flight", async () => {
  // The database refuses the agent's outcome every time (as a full disk or a broken row would).
  other.exec(`CREATE TRIGGER refuse_outcome BEFORE INSERT ON "RunEvent"
    WHEN NEW."type" = 'node.succeeded' AND NEW."nodeId" = 'work'
    BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`);
  let failures = 0;
  const engine = engineWith({ appendFailed: () => failures++ });
  try {
    const runId = await newRun(engine, oneStep);
    await engine.idle();
    const run = await prismaRunStore(t.app.services.prisma).getRun(runId);
    expect(run?.status).toBe("failed");
    const log = await events(runId);
    const failure = log.find((e) => e.type === "run.failed");
    expect(JSON.stringify(failure?.data)).toContain("refused by the test");
    expect(log.some((e) => e.type === "node.cancelled" && "nodeId" in e && e.nodeId === "work")).toBe(true);
    expect(failures).toBe(4); // tried as often as the policy says, then given up
  } finally {
    other.exec("DROP TRIGGER refuse_outcome");
  }
});
