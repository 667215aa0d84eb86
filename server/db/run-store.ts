import type { FlowDocument } from "../../lib/flow/document";
import { type EngineEvent, type RunEvent, terminalRunStatuses } from "../../lib/run/events";
import type { RunState } from "../../lib/run/state";
import { type RunStore, SeqConflict } from "../engine/runtime/ports";
import { projectApprovalTasks } from "./approval-tasks";
import { type Prisma, providerOf } from "./client";

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
 * query anew (a multi-row createMany costs milliseconds to plan), so these two statements
 * are written out once per dialect. Values go as parameters, never into the text.
 */
function appendSql(provider: "sqlite" | "postgresql") {
  const pg = provider === "postgresql";
  let n = 0;
  const p = (cast = "") => (pg ? `$${++n}${cast}` : "?");
  const fence = `UPDATE "Run" SET "lastSeq" = ${p()}, "status" = ${p('::"RunStatus"')}, "output" = COALESCE(${p("::jsonb")}, "output"), "error" = COALESCE(${p("::jsonb")}, "error"), "finishedAt" = COALESCE(${p("::timestamp(3)")}, "finishedAt") WHERE "id" = ${p()} AND "lastSeq" = ${p()}`;
  const rowSql = () => `(${p()}, ${p()}, ${p("::timestamp(3)")}, ${p()}, ${p()}, ${p()}, ${p()}, ${p("::jsonb")})`;
  const inserts = new Map<number, string>();
  return {
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
  return {
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

    async append(runId: string, expectedLastSeq: number, events: EngineEvent[], at: Date, state: RunState) {
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
      const finished = terminalRunStatuses.includes(state.status);
      await prisma.$transaction(async (tx) => {
        // The conditional update is the fence: a writer holding an old seq changes nothing.
        const count = await tx.$executeRawUnsafe(
          sql.fence,
          expectedLastSeq + events.length,
          state.status,
          state.output === undefined ? null : JSON.stringify(state.output),
          state.error === undefined ? null : JSON.stringify(state.error),
          finished ? sql.time(at) : null,
          runId,
          expectedLastSeq,
        );
        if (count === 0) throw new SeqConflict(runId, expectedLastSeq);
        for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
          const chunk = rows.slice(i, i + INSERT_CHUNK);
          await tx.$executeRawUnsafe(
            sql.insertEvents(chunk.length),
            ...chunk.flatMap((r) => [
              r.runId,
              r.seq,
              sql.time(at),
              r.type,
              r.nodeId,
              r.iteration,
              r.path,
              JSON.stringify(r.data),
            ]),
          );
        }
        await projectApprovalTasks(tx, runId, events, state, at);
      });
      return rows.map(toRunEvent);
    },
  };
}
