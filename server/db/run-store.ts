import type { FlowDocument } from "../../lib/flow/document";
import { type RunEvent, terminalRunStatuses } from "../../lib/run/events";
import { type NewRun, type RunStore, SeqConflict } from "../engine/runtime/ports";
import { approvalTaskChanges, projectApprovalTasks } from "./approval-tasks";
import { type Prisma, providerOf, sqliteConnection } from "./client";
import { commitGrouped } from "./group-commit";
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
  const event = { runId: row.runId, seq: row.seq, at: row.at.toISOString(), type: row.type, data: row.data };
  if (row.nodeId === null) return event as RunEvent;
  const path = row.path ? { path: row.path.split(".").map(Number) } : {};
  return { ...event, nodeId: row.nodeId, iteration: row.iteration ?? 0, ...path } as RunEvent;
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
  const createRun = `INSERT INTO "Run" ("id", "workspaceId", "flowId", "flowVersion", "definition", "status", "input", "output", "error", "startedById", "retryOfId", "lastSeq", "createdAt", "finishedAt") VALUES (${p()}, ${p()}, ${p()}, ${p()}, ${p("::jsonb")}, ${p('::"RunStatus"')}, ${p("::jsonb")}, ${p("::jsonb")}, ${p("::jsonb")}, ${p()}, ${p()}, ${p()}, ${p("::timestamp(3)")}, ${p("::timestamp(3)")})`;
  n = 0;
  const fence = `UPDATE "Run" SET "lastSeq" = ${p()}, "status" = ${p('::"RunStatus"')}, "output" = COALESCE(${p("::jsonb")}, "output"), "error" = COALESCE(${p("::jsonb")}, "error"), "finishedAt" = COALESCE(${p("::timestamp(3)")}, "finishedAt") WHERE "id" = ${p()} AND "lastSeq" = ${p()}`;
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
        lastSeq: row.lastSeq,
      };
    },

    async unfinishedRunIds() {
      const rows = await prisma.run.findMany({
        where: { status: { in: ["queued", "running", "waiting"] } },
        select: { id: true },
        orderBy: { createdAt: "asc" },
      });
      return rows.map((r) => r.id);
    },

    async events(runId, afterSeq = 0) {
      const rows = await prisma.runEvent.findMany({ where: { runId, seq: { gt: afterSeq } }, orderBy: { seq: "asc" } });
      return rows.map(toRunEvent);
    },

    async append(runId, expectedLastSeq, events, at, state, create?: NewRun) {
      const rows = events.map((event, i) => ({
        runId,
        seq: expectedLastSeq + i + 1,
        at,
        type: event.type,
        nodeId: "nodeId" in event ? event.nodeId : null,
        iteration: "iteration" in event ? event.iteration : null,
        path: "path" in event && event.path?.length ? event.path.join(".") : null,
        data: event.data as unknown,
      }));
      const lastSeq = expectedLastSeq + events.length;
      const finishedAt = terminalRunStatuses.includes(state.status) ? sql.time(at) : null;
      const statements: Statement[] = [
        create
          ? {
              sql: sql.createRun,
              params: [
                runId,
                create.workspaceId,
                create.flowId,
                create.flowVersion,
                JSON.stringify(create.definition),
                state.status,
                json(create.input),
                json(state.output),
                json(state.error),
                create.startedBy?.id ?? null,
                create.retryOfId ?? null,
                lastSeq,
                sql.time(at),
                finishedAt,
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
                runId,
                expectedLastSeq,
              ],
              unchanged: () => new SeqConflict(runId, expectedLastSeq),
            },
      ];
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        const chunk = rows.slice(i, i + INSERT_CHUNK);
        statements.push({
          sql: sql.insertEvents(chunk.length),
          params: chunk.flatMap((r) => [
            r.runId,
            r.seq,
            sql.time(at),
            r.type,
            r.nodeId,
            r.iteration,
            r.path,
            JSON.stringify(r.data),
          ]),
        });
      }
      const tasks = approvalTaskChanges(events, state);
      const connection = sqliteConnection(prisma);
      // On SQLite, straight through the shared connection, unless approval tasks need Prisma.
      const done = connection && !tasks && (await commitGrouped(connection, statements));
      if (!done) {
        await prisma.$transaction(async (tx) => {
          for (const statement of statements) {
            const count = await tx.$executeRawUnsafe(statement.sql, ...statement.params);
            if (count === 0 && statement.unchanged) throw statement.unchanged();
          }
          if (tasks) await projectApprovalTasks(tx, runId, tasks, state, at);
        });
      }
      return rows.map(toRunEvent);
    },
  };
}
