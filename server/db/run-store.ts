import type { FlowDocument } from "../../lib/flow/document";
import { type RunError, type RunEvent, terminalRunStatuses, unfinishedRunStatuses } from "../../lib/run/events";
import { type NewRun, type RunStore, SeqConflict } from "../engine/runtime/ports";
import { projectApprovalTasks, touchesApprovalTasks } from "./approval-tasks";
import { type Prisma, providerOf, sqliteWriterOf } from "./client";
import { cuid } from "./ids";
import type { Statement } from "./sqlite-connection";

export function toRunEvent(row: {
  runId: string;
  seq: number;
  at: Date;
  type: string;
  nodeId: string | null;
  iteration: number | null;
  path: string | null;
  data: unknown;
}): RunEvent {
  const path = row.path ? row.path.split(".").map(Number) : undefined;
  return runEvent(row.runId, row.seq, row.at.toISOString(), row.type, row.nodeId, row.iteration, path, row.data);
}

/** A stored event as readers get it (the same shape whether just appended or read back). */
function runEvent(
  runId: string,
  seq: number,
  at: string,
  type: string,
  nodeId: string | null,
  iteration: number | null,
  path: number[] | undefined,
  data: unknown,
): RunEvent {
  // Literals, not spreads: this runs for every event appended or read.
  if (nodeId === null) return { runId, seq, at, type, data } as RunEvent;
  if (!path) return { runId, seq, at, type, data, nodeId, iteration: iteration ?? 0 } as RunEvent;
  return { runId, seq, at, type, data, nodeId, iteration: iteration ?? 0, path } as RunEvent;
}

/** A run's snapshot as stored, by document: webhooks start run after run of the same document object. */
const definitionTexts = new WeakMap<FlowDocument, string>();
function definitionText(definition: FlowDocument): string {
  let text = definitionTexts.get(definition);
  if (text === undefined) {
    text = JSON.stringify(definition);
    definitionTexts.set(definition, text);
  }
  return text;
}

/** Rows per INSERT: 8 parameters each stays well under SQLite's and PostgreSQL's limits. */
const INSERT_CHUNK = 500;

/**
 * The append path in SQL: it runs for every step of every run, and Prisma compiles each
 * query anew (a multi-row createMany costs milliseconds to plan), so these statements are
 * written out once per dialect. Values go as parameters, never into the text.
 */
function appendSql(provider: "sqlite" | "postgresql") {
  const pg = provider === "postgresql";
  let n = 0;
  const p = (cast = "") => (pg ? `$${++n}${cast}` : "?");
  const createRun = `INSERT INTO "Run" ("id", "workspaceId", "flowId", "flowVersion", "definition", "status", "input", "output", "error", "startedById", "retryOfId", "lastSeq", "createdAt", "finishedAt", "trigger", "parentRunId", "parentNodeId", "parentKey", "depth") VALUES (${p()}, ${p()}, ${p()}, ${p()}, ${p("::jsonb")}, ${p('::"RunStatus"')}, ${p("::jsonb")}, ${p("::jsonb")}, ${p("::jsonb")}, ${p()}, ${p()}, ${p()}, ${p("::timestamp(3)")}, ${p("::timestamp(3)")}, ${p()}, ${p()}, ${p()}, ${p()}, ${p()})`;
  n = 0;
  const fence = `UPDATE "Run" SET "lastSeq" = ${p()}, "status" = ${p('::"RunStatus"')}, "output" = COALESCE(${p("::jsonb")}, "output"), "error" = COALESCE(${p("::jsonb")}, "error"), "finishedAt" = COALESCE(${p("::timestamp(3)")}, "finishedAt"), "usage" = COALESCE(${p("::jsonb")}, "usage") WHERE "id" = ${p()} AND "lastSeq" = ${p()}`;
  const rowSql = () => `(${p()}, ${p()}, ${p("::timestamp(3)")}, ${p()}, ${p()}, ${p()}, ${p()}, ${p("::jsonb")})`;
  const inserts = new Map<number, string>();
  return {
    createRun,
    fence,
    insertEvents(count: number) {
      let text = inserts.get(count);
      if (!text) {
        n = 0;
        const values = Array.from({ length: count }, rowSql).join(", ");
        text = `INSERT INTO "RunEvent" ("runId", "seq", "at", "type", "nodeId", "iteration", "path", "data") VALUES ${values}`;
        if (inserts.size < 1_000) inserts.set(count, text);
      }
      return text;
    },
    /** Timestamps as Prisma writes them: ISO text on SQLite, UTC wall time on PostgreSQL. */
    time: (at: Date) => (pg ? at.toISOString() : at.toISOString().replace("Z", "+00:00")),
  };
}

/** The engine's event log on Prisma. Not workspace-scoped: only the engine uses it. */
export function prismaRunStore(prisma: Prisma): RunStore {
  const sql = appendSql(providerOf(prisma));
  const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));
  return {
    newRunId: cuid,

    async getRun(runId) {
      const row = await prisma.run.findUnique({ where: { id: runId } });
      if (!row) return null;
      const starter = row.startedById
        ? await prisma.user.findUnique({ where: { id: row.startedById }, select: { id: true, name: true } })
        : null;
      return {
        id: row.id,
        workspaceId: row.workspaceId,
        definition: row.definition as FlowDocument,
        input: row.input,
        status: row.status,
        startedBy: starter,
        flowVersion: row.flowVersion,
        lastSeq: row.lastSeq,
        parent:
          row.parentRunId && row.parentNodeId && row.parentKey
            ? { runId: row.parentRunId, nodeId: row.parentNodeId, key: row.parentKey }
            : null,
        depth: row.depth,
      };
    },

    async unfinishedRunIds() {
      const rows = await prisma.run.findMany({
        where: { status: { in: [...unfinishedRunStatuses] } },
        select: { id: true },
        orderBy: { createdAt: "asc" },
      });
      return rows.map((r) => r.id);
    },

    async childOf(parentKey) {
      const row = await prisma.run.findUnique({
        where: { parentKey },
        select: { id: true, status: true, output: true, error: true },
      });
      return row && { ...row, error: row.error as RunError | null };
    },

    async events(runId, afterSeq = 0) {
      const rows = await prisma.runEvent.findMany({ where: { runId, seq: { gt: afterSeq } }, orderBy: { seq: "asc" } });
      return rows.map(toRunEvent);
    },

    async append(runId, expectedLastSeq, events, at, state, create?: NewRun) {
      const time = sql.time(at);
      const iso = at.toISOString();
      const stored: RunEvent[] = [];
      const values: unknown[] = []; // the INSERT's parameters, 8 per event
      for (const [i, event] of events.entries()) {
        const seq = expectedLastSeq + i + 1;
        const nodeId = "nodeId" in event ? event.nodeId : null;
        const iteration = "iteration" in event ? event.iteration : null;
        const path = "path" in event && event.path?.length ? event.path : undefined;
        values.push(
          runId,
          seq,
          time,
          event.type,
          nodeId,
          iteration,
          path?.join(".") ?? null,
          JSON.stringify(event.data),
        );
        stored.push(runEvent(runId, seq, iso, event.type, nodeId, iteration, path, event.data));
      }
      const lastSeq = expectedLastSeq + events.length;
      const finishedAt = terminalRunStatuses.includes(state.status) ? time : null;
      const statements: Statement[] = [
        create
          ? {
              sql: sql.createRun,
              params: [
                runId,
                create.workspaceId,
                create.flowId,
                create.flowVersion,
                definitionText(create.definition),
                state.status,
                json(create.input),
                json(state.output),
                json(state.error),
                create.startedBy?.id ?? null,
                create.retryOfId ?? null,
                lastSeq,
                time,
                finishedAt,
                create.trigger ?? (create.retryOfId ? "retry" : "manual"),
                create.parent?.runId ?? null,
                create.parent?.nodeId ?? null,
                create.parent?.key ?? create.key ?? null,
                create.depth ?? 0,
              ],
            }
          : {
              // The conditional update is the fence: a writer holding an old seq changes nothing.
              sql: sql.fence,
              params: [
                lastSeq,
                state.status,
                json(state.output),
                json(state.error),
                finishedAt,
                // Written only when the batch changes it (most batches spend no tokens).
                events.some((e) => e.type === "node.succeeded" && e.data.usage) ? json(state.usage) : null,
                runId,
                expectedLastSeq,
              ],
              unchanged: () => new SeqConflict(runId, expectedLastSeq),
            },
      ];
      for (let i = 0; i < events.length; i += INSERT_CHUNK) {
        const count = Math.min(INSERT_CHUNK, events.length - i);
        statements.push({ sql: sql.insertEvents(count), params: values.slice(i * 8, (i + count) * 8) });
      }
      const tasks = touchesApprovalTasks(events, state);
      const writer = sqliteWriterOf(prisma);
      // On SQLite, on the writer thread, unless approval tasks need Prisma.
      if (writer && !tasks) await writer.commit(statements);
      else {
        await prisma.$transaction(async (tx) => {
          for (const statement of statements) {
            const count = await tx.$executeRawUnsafe(statement.sql, ...statement.params);
            if (count === 0 && statement.unchanged) throw statement.unchanged();
          }
          if (tasks) await projectApprovalTasks(tx, runId, events, state, at);
        });
      }
      return stored;
    },
  };
}
