import type { FlowDocument } from "../../lib/flow/document";
import { type EngineEvent, type RunEvent, terminalRunStatuses } from "../../lib/run/events";
import type { RunState } from "../../lib/run/state";
import { type RunStore, SeqConflict } from "../engine/runtime/ports";
import type { Prisma } from "./client";
import { toJson } from "./json";

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

/** The engine's event log on Prisma. Not workspace-scoped: only the engine uses it. */
export function prismaRunStore(prisma: Prisma): RunStore {
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
        data: toJson(event.data),
      }));
      const finished = terminalRunStatuses.includes(state.status);
      await prisma.$transaction(async (tx) => {
        // The conditional update is the fence: a writer holding an old seq changes nothing.
        const { count } = await tx.run.updateMany({
          where: { id: runId, lastSeq: expectedLastSeq },
          data: {
            lastSeq: expectedLastSeq + events.length,
            status: state.status,
            ...(state.output !== undefined && { output: toJson(state.output) }),
            ...(state.error !== undefined && { error: toJson(state.error) }),
            ...(finished && { finishedAt: at }),
          },
        });
        if (count === 0) throw new SeqConflict(runId, expectedLastSeq);
        await tx.runEvent.createMany({ data: rows });
      });
      return rows.map((row) => toRunEvent({ ...row, data: row.data as unknown }));
    },
  };
}
