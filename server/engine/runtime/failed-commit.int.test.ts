// A batch changes the run's node map in place; when its commit fails, nothing of it may stay.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { foldRunEvents, type RunState } from "../../../lib/run/state";
import { type Database, openDatabase } from "../../db/client";
import { flowsRepository } from "../../db/flows-repository";
import { prismaRunStore } from "../../db/run-store";
import { runsRepository } from "../../db/runs-repository";
import { prismaTimerStore } from "../../db/timer-store";
import { workspacesRepository } from "../../db/workspaces-repository";
import { flow } from "../core/testing";
import { executors } from "./executors";
import { inProcessBus } from "./in-process-bus";
import type { RunStore } from "./ports";
import { RunEngine } from "./run-engine";
import { sharedSandbox } from "./sandbox/expression-sandbox";

const dir = mkdtempSync(path.join(tmpdir(), "switchyard-commit-"));
let db: Database;
let workspaceId: string;
beforeAll(async () => {
  db = await openDatabase({ provider: "sqlite", url: path.join(dir, "commit.db") });
  await db.prisma.user.create({ data: { id: "u1", name: "Ann", email: "ann@example.com" } });
  ({ workspaceId } = await workspacesRepository(db.prisma).createForNewUser("u1", "Ann"));
});
afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

//  start ─▶ ask (agent: committed before it runs) ─▶ shape ─▶ end
it("a batch whose commit fails leaves the run as its log has it", async () => {
  const real = prismaRunStore(db.prisma);
  const appended: RunState[] = [];
  let failures = 0;
  const store: RunStore = {
    ...real,
    async append(runId, expected, events, at, state, create) {
      // ask's outcome, with shape, end and the run's success folded in after it: not stored.
      if (events.some((e) => e.type === "node.succeeded" && e.nodeId === "ask")) {
        failures++;
        throw new Error("disk I/O error");
      }
      const stored = await real.append(runId, expected, events, at, state, create);
      appended.push(state);
      return stored;
    },
  };
  const errors: unknown[] = [];
  const now = new Date("2026-03-01T09:00:00.000Z");
  const engine = new RunEngine({
    store,
    timers: prismaTimerStore(db.prisma),
    bus: inProcessBus(),
    clock: { now: () => now },
    executors,
    expressions: sharedSandbox(),
    http: () => Promise.reject(new Error("no network here")),
    credential: () => Promise.reject(new Error("no credentials here")),
    onError: (error) => errors.push(error),
    commitRetry: { tries: 3, firstPauseMs: 5, maxPauseMs: 10 },
  });
  const doc = flow(
    {
      start: ["start"],
      ask: ["agent", { response: "hello" }],
      shape: ["transform", { expression: '"shaped " & prev' }],
      end: ["end"],
    },
    ["start -> ask", "ask -> shape", "shape -> end"],
  );
  const saved = await flowsRepository(db.prisma, workspaceId).create(doc, "u1");
  const { id } = await runsRepository(db.prisma, workspaceId).create({
    flowId: saved.id,
    flowVersion: 1,
    definition: saved.document,
    runInput: {},
    startedById: "u1",
  });
  await engine.start(id); // start, and ask started: committed
  await engine.idle();
  expect(failures).toBe(3); // tried as often as commitRetry says, then the run's failure is recorded
  const log = await real.events(id);
  expect(log.map((e) => `${e.type}${"nodeId" in e ? `:${e.nodeId}` : ""}`)).toEqual([
    "run.started",
    "node.started:start",
    "node.succeeded:start",
    "node.started:ask",
    "node.input:ask",
    "run.failed",
    "node.cancelled:ask",
  ]);
  // What the engine went on from is what the log gives: the failed batch left nothing behind.
  expect(appended.at(-1)).toEqual(foldRunEvents(log));
});
