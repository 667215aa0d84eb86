import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { FlowDocument } from "../../lib/flow/document";
import { runInputSchema, startDataSchema } from "../../lib/flow/kinds/start";
import type { RunEvent, RunStatus } from "../../lib/run/events";
import { runInputProblem } from "../../lib/run/input-limits";
import { applyRunEvents, initialRunState } from "../../lib/run/state";
import { openDatabase } from "../db/client";
import { type DbConfig, dbConfigFromEnv } from "../db/config";
import { flowsRepository } from "../db/flows-repository";
import { runsRepository } from "../db/runs-repository";
import { usersRepository } from "../db/users-repository";
import { workspacesRepository } from "../db/workspaces-repository";
import { createEmbeddedEngine } from "../embedded-engine";

export interface RunFileOptions {
  input: Record<string, unknown>;
  /** nodeId → decision, applied whenever that approval waits. */
  decisions: Map<string, "approve" | "reject">;
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
}

function dbConfig(db: string): { config: DbConfig; cleanup: () => void } {
  if (db === "memory") {
    const dir = mkdtempSync(path.join(tmpdir(), "switchyard-cli-"));
    return {
      config: { provider: "sqlite", url: path.join(dir, "run.db") },
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const provider = db.startsWith("postgres") ? "postgresql" : "sqlite";
  return { config: dbConfigFromEnv({ ...process.env, DB_PROVIDER: provider, DATABASE_URL: db }), cleanup: () => {} };
}

/**
 * Runs a flow file in this process with the real engine: prints every event, answers
 * approvals from `decisions`, and returns when the run ends or can go no further.
 */
export async function runFile(document: FlowDocument, options: RunFileOptions): Promise<RunFileResult> {
  const start = document.nodes.find((n) => n.type === "start");
  const fields = start ? startDataSchema.parse(start.data).inputs : [];
  const input = runInputSchema(fields).parse(options.input);
  const problem = runInputProblem(options.input);
  if (problem) throw new InvalidRunInput(problem);

  const { config, cleanup } = dbConfig(options.db);
  const db = await openDatabase(config);
  const { engine, bus } = createEmbeddedEngine(db.prisma, { onError: (e) => console.error(e) });
  bus.subscribe((events) => events.forEach(options.onEvent));
  try {
    const cliUser = await usersRepository(db.prisma).ensure("cli", "Switchyard CLI");
    const approver = { id: "cli-approver", name: "CLI approver", role: "owner" };
    const { workspaceId } = await workspacesRepository(db.prisma).createForNewUser(cliUser, "CLI");
    const flow = await flowsRepository(db.prisma, workspaceId).create(document, cliUser);
    const runs = runsRepository(db.prisma, workspaceId);
    const { id } = await runs.create({
      flowId: flow.id,
      flowVersion: 1,
      definition: document,
      runInput: input,
      startedById: cliUser,
    });
    await engine.start(id);
    await engine.recover(); // starts the timer loop for retries and deadlines

    let state = initialRunState();
    for (;;) {
      await engine.idle();
      // Folds what was appended since the last look, every page of it (a page is at most REPLAY_PAGE events).
      for await (const page of runs.eventPages(id, state.lastSeq)) state = applyRunEvents(state, page);
      if (["succeeded", "failed", "cancelled"].includes(state.status)) break;
      const answerable = Object.values(state.nodes).filter(
        (n) => n.status === "waiting" && options.decisions.has(n.nodeId) && n.path.length === 0,
      );
      for (const node of answerable) {
        const decision = options.decisions.get(node.nodeId)!;
        await engine.decide(id, node.nodeId, approver, {
          decision,
          comment: decision === "reject" ? "rejected from the CLI" : "",
          form: {},
        });
      }
      if (answerable.length > 0) continue;
      const timers = await runs.pendingTimers(id);
      if (state.status === "waiting" && timers === 0) break; // only people can move it on
      await new Promise((r) => setTimeout(r, 20));
    }
    const run = await runs.get(id);
    return { status: run.status, output: run.output ?? null, ...(run.error && { error: run.error }) };
  } finally {
    await engine.stop();
    await db.close();
    cleanup();
  }
}
