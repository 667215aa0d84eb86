import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { FlowDocument } from "../../lib/flow/document";
import { runInputSchema, startDataSchema } from "../../lib/flow/kinds/start";
import type { EngineEvent, RunEvent, RunStatus } from "../../lib/run/events";
import { runInputProblem } from "../../lib/run/input-limits";
import { applyRunEvents, initialRunState, nodeKey, pathOf, type RunState } from "../../lib/run/state";
import { openDatabase } from "../db/client";
import { type DbConfig, dbConfigFromEnv } from "../db/config";
import { flowsRepository } from "../db/flows-repository";
import { runsRepository } from "../db/runs-repository";
import { usersRepository } from "../db/users-repository";
import { workspacesRepository } from "../db/workspaces-repository";
import { createEmbeddedEngine } from "../embedded-engine";
import { fileFlowCalls, readFlowFiles } from "./file-flows";

export interface RunFileOptions {
  input: Record<string, unknown>;
  /** nodeId → decision, applied whenever that approval waits (every instance of it, inside loops too). */
  decisions: Map<string, "approve" | "reject">;
  /** nodeId → the JSON body a wait node is resumed with, whenever it waits (every instance). */
  resumes?: Map<string, unknown>;
  /** Where sub-flow nodes' flows are: DIR/<flowId>.json (file-flows.ts). */
  flowsDir?: string;
  /** "memory" (a throwaway database) or a database URL. */
  db: string;
  onEvent: (event: RunEvent) => void;
}

/** The input given cannot start a run (runInputProblem); nothing was stored. */
export class InvalidRunInput extends Error {}

export interface RunFileResult {
  status: RunStatus;
  output: unknown;
  error?: unknown;
  runId: string;
  /** A waiting run: the approvals and waits nothing answered, which only a decision or a resume moves on. */
  waitingFor?: { nodeId: string; path: number[]; for: "decision" | "resume" }[];
}

/** How often the loop below looks again while it waits for a back-off, in case a timer fires with nothing to record. */
const LOOK_AGAIN_MS = 1_000;

/**
 * Whether the run can move on with nobody deciding: a retry back-off is armed (it starts the
 * next attempt when it falls due). An approval's deadline does not count: the run is parked
 * on people, and the CLI says so at once rather than wait out deadlines and escalations.
 * Attempts in flight are not looked at here: the caller waits for them (`engine.idle()`).
 */
function movesWithoutPeople(state: RunState, unfired: { event: unknown }[]): boolean {
  return unfired.some(({ event }) => {
    const e = event as EngineEvent;
    if (e.type !== "timer.fired") return true; // a timer this loop does not know: wait and see
    // Deadlines are the people's (or the outside system's) to beat: the CLI says so at once.
    if (e.data.purpose === "approval-timeout" || e.data.purpose === "wait-timeout") return false;
    if (e.data.purpose === "delay") return true;
    const node = state.nodes[nodeKey(e.nodeId, pathOf(e))];
    return node?.status === "retrying" && node.attempt === e.data.attempt; // not one the run moved past
  });
}

/** The database of `--db`: a throwaway SQLite file for "memory", else a SQLite path or a PostgreSQL URL. */
export function dbConfig(db: string): { config: DbConfig; cleanup: () => void } {
  if (db === "memory") {
    const dir = mkdtempSync(path.join(tmpdir(), "switchyard-cli-"));
    return {
      config: { provider: "sqlite", url: path.join(dir, "run.db") },
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  if (db.startsWith("postgres"))
    return {
      config: dbConfigFromEnv({ ...process.env, DB_PROVIDER: "postgresql", DATABASE_URL: db }),
      cleanup: () => {},
    };
  if (db.startsWith("file:"))
    return { config: dbConfigFromEnv({ ...process.env, DATABASE_URL: db }), cleanup: () => {} };
  // A plain path is a SQLite file where the command runs (never the app's default file).
  return { config: { provider: "sqlite", url: path.resolve(db) }, cleanup: () => {} };
}

/**
 * Runs a flow file in this process with the real engine: prints every event, answers
 * approvals from `decisions`, and returns when the run ends or nothing but a decision can
 * move it (status `waiting`, with `waitingFor`).
 */
export async function runFile(document: FlowDocument, options: RunFileOptions): Promise<RunFileResult> {
  const start = document.nodes.find((n) => n.type === "start");
  const fields = start ? startDataSchema.parse(start.data).inputs : [];
  const input = runInputSchema(fields).parse(options.input);
  const problem = runInputProblem(options.input);
  if (problem) throw new InvalidRunInput(problem);

  const files = readFlowFiles(document, options.flowsDir); // before anything is created
  const { config, cleanup } = dbConfig(options.db);
  const db = await openDatabase(config);
  let cliUser = "";
  const { engine, bus } = createEmbeddedEngine(db.prisma, {
    onError: (e) => console.error(e),
    subflows: (store, engine) => fileFlowCalls(files, { prisma: db.prisma, store, engine, createdById: cliUser }),
    failureRuns: false, // its flows are files: no workspace flow to start
  });
  let id = "";
  let lastHeard = 0;
  let heard: (() => void) | undefined;
  bus.subscribe((events) => {
    events.forEach(options.onEvent);
    for (const e of events) if (e.runId === id) lastHeard = Math.max(lastHeard, e.seq);
    heard?.();
  });
  /** Resolves once an event after `seq` was recorded, or after a while (the caller looks again). */
  const newerThan = (seq: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, LOOK_AGAIN_MS);
      function done() {
        clearTimeout(timer);
        heard = undefined;
        resolve();
      }
      heard = () => lastHeard > seq && done();
      heard();
    });
  try {
    cliUser = await usersRepository(db.prisma).ensure("cli", "Switchyard CLI");
    const approver = { id: "cli-approver", name: "CLI approver", role: "owner" };
    const { workspaceId } = await workspacesRepository(db.prisma).createForNewUser(cliUser, "CLI");
    const flow = await flowsRepository(db.prisma, workspaceId).create(document, cliUser);
    const runs = runsRepository(db.prisma, workspaceId);
    ({ id } = await runs.create({
      flowId: flow.id,
      flowVersion: null,
      definition: document,
      runInput: input,
      startedById: cliUser,
    }));
    await engine.start(id);
    await engine.recover(); // starts the timer loop for retries and deadlines

    let state = initialRunState();
    for (;;) {
      await engine.idle();
      // Folds what was appended since the last look, every page of it (a page is at most REPLAY_PAGE events).
      for await (const page of runs.eventPages(id, state.lastSeq)) state = applyRunEvents(state, page);
      if (["succeeded", "failed", "cancelled"].includes(state.status)) break;
      // Every waiting instance of an answered approval, at any loop path, that the CLI has not decided yet.
      const answerable = Object.values(state.nodes).filter(
        (n) =>
          n.status === "waiting" &&
          n.approval &&
          options.decisions.has(n.nodeId) &&
          !n.approval.decisions.some((d) => d.by.id === approver.id),
      );
      for (const node of answerable) {
        const decision = options.decisions.get(node.nodeId)!;
        await engine.decide(
          id,
          node.nodeId,
          approver,
          { decision, comment: decision === "reject" ? "rejected from the CLI" : "", form: {} },
          node.path,
        );
      }
      // Every wait instance the CLI answers, once each: a resume it made ends that wait.
      const resumable = Object.values(state.nodes).filter(
        (n) => n.status === "waiting" && n.parked?.resumeUrl && options.resumes?.has(n.nodeId),
      );
      for (const node of resumable)
        await engine.resumeWait(id, node.nodeId, node.path, options.resumes!.get(node.nodeId));
      if (answerable.length > 0 || resumable.length > 0) continue;
      const unfired = await runs.pendingTimers(id);
      if (!movesWithoutPeople(state, unfired)) break; // only people can move it on (or nothing can)
      await newerThan(state.lastSeq);
    }
    const run = await runs.get(id);
    const waitingFor = Object.values(state.nodes).flatMap(
      ({ nodeId, path, status, approval, parked }): NonNullable<RunFileResult["waitingFor"]> =>
        status !== "waiting"
          ? []
          : approval
            ? [{ nodeId, path, for: "decision" as const }]
            : parked?.resumeUrl
              ? [{ nodeId, path, for: "resume" as const }]
              : [],
    );
    return {
      status: run.status,
      output: run.output ?? null,
      ...(run.error && { error: run.error }),
      runId: id,
      ...(run.status === "waiting" && { waitingFor }),
    };
  } finally {
    await engine.stop();
    await db.close();
    cleanup();
  }
}
