import { unfinishedRunStatuses } from "../../lib/run/events";
import type { Prisma } from "./client";
import { NotFound } from "./errors";
import { toJson } from "./json";

export interface ScheduleRecord {
  id: string;
  flowId: string;
  cron: string;
  timezone: string;
  input: Record<string, unknown>;
  enabled: boolean;
  overlap: "skip" | "allow";
  nextAt: Date | null;
  lastFiredAt: Date | null;
  lastRunId: string | null;
  createdAt: Date;
}

const toRecord = (row: {
  id: string;
  flowId: string;
  cron: string;
  timezone: string;
  input: unknown;
  enabled: boolean;
  overlap: string;
  nextAt: Date | null;
  lastFiredAt: Date | null;
  lastRunId: string | null;
  createdAt: Date;
}): ScheduleRecord => ({
  ...row,
  input: (row.input ?? {}) as Record<string, unknown>,
  overlap: row.overlap === "allow" ? "allow" : "skip",
});

const columns = {
  id: true,
  flowId: true,
  cron: true,
  timezone: true,
  input: true,
  enabled: true,
  overlap: true,
  nextAt: true,
  lastFiredAt: true,
  lastRunId: true,
  createdAt: true,
} as const;

/** A flow's schedules, in one workspace (api.md "Schedules"). */
export function schedulesRepository(prisma: Prisma, workspaceId: string) {
  return {
    async list(flowId: string): Promise<ScheduleRecord[]> {
      const rows = await prisma.schedule.findMany({
        where: { flowId, workspaceId },
        select: columns,
        orderBy: { createdAt: "asc" },
      });
      return rows.map(toRecord);
    },

    async create(input: {
      flowId: string;
      cron: string;
      timezone: string;
      input: Record<string, unknown>;
      enabled: boolean;
      overlap: "skip" | "allow";
      nextAt: Date | null;
      createdById: string;
    }): Promise<ScheduleRecord> {
      const flow = await prisma.flow.findFirst({ where: { id: input.flowId, workspaceId }, select: { id: true } });
      if (!flow) throw new NotFound("flow");
      const row = await prisma.schedule.create({
        data: { ...input, input: toJson(input.input), workspaceId },
        select: columns,
      });
      return toRecord(row);
    },

    async get(id: string): Promise<ScheduleRecord> {
      const row = await prisma.schedule.findFirst({ where: { id, workspaceId }, select: columns });
      if (!row) throw new NotFound("schedule");
      return toRecord(row);
    },

    async setEnabled(id: string, enabled: boolean, nextAt: Date | null): Promise<ScheduleRecord> {
      await this.get(id);
      const row = await prisma.schedule.update({ where: { id }, data: { enabled, nextAt }, select: columns });
      return toRecord(row);
    },

    async remove(id: string): Promise<void> {
      const { count } = await prisma.schedule.deleteMany({ where: { id, workspaceId } });
      if (count === 0) throw new NotFound("schedule");
    },
  };
}

/** A schedule the scheduler may fire, with what starting its run needs. */
export interface DueSchedule extends ScheduleRecord {
  workspaceId: string;
  createdById: string;
}

/** The scheduler's view: every workspace's due schedules, and the claim that makes one process fire each. */
export function scheduleStore(prisma: Prisma) {
  return {
    async due(now: Date, limit: number): Promise<DueSchedule[]> {
      const rows = await prisma.schedule.findMany({
        where: { enabled: true, nextAt: { lte: now } },
        select: { ...columns, workspaceId: true, createdById: true },
        orderBy: { nextAt: "asc" },
        take: limit,
      });
      return rows.map((r) => ({ ...toRecord(r), workspaceId: r.workspaceId, createdById: r.createdById }));
    },

    async nextAt(): Promise<Date | null> {
      const row = await prisma.schedule.findFirst({
        where: { enabled: true, nextAt: { not: null } },
        orderBy: { nextAt: "asc" },
        select: { nextAt: true },
      });
      return row?.nextAt ?? null;
    },

    /**
     * Takes the fire due at `dueAt` by moving the schedule on to `nextAt`: only the process
     * whose update still finds `dueAt` there fires it (false: another one did). `lastRunId` is
     * cleared until the fire's run starts (claimedWithoutRun).
     */
    async claim(id: string, dueAt: Date, nextAt: Date | null): Promise<boolean> {
      const { count } = await prisma.schedule.updateMany({
        where: { id, enabled: true, nextAt: dueAt },
        data: { nextAt, lastFiredAt: dueAt, lastRunId: null }, // set again once its run starts
      });
      return count === 1;
    },

    /**
     * Schedules whose last claimed fire has no run recorded: the claiming process may have
     * stopped before starting it (the caller checks the fire's key).
     */
    async claimedWithoutRun(): Promise<DueSchedule[]> {
      const rows = await prisma.schedule.findMany({
        where: { enabled: true, lastFiredAt: { not: null }, lastRunId: null },
        select: { ...columns, workspaceId: true, createdById: true },
      });
      return rows.map((r) => ({ ...toRecord(r), workspaceId: r.workspaceId, createdById: r.createdById }));
    },

    async fired(id: string, runId: string): Promise<void> {
      await prisma.schedule.updateMany({ where: { id }, data: { lastRunId: runId } });
    },

    /** Whether a run is still unfinished (overlap: skip). */
    async unfinished(runId: string): Promise<boolean> {
      const run = await prisma.run.findUnique({ where: { id: runId }, select: { status: true } });
      return run !== null && unfinishedRunStatuses.includes(run.status);
    },
  };
}
export type ScheduleStore = ReturnType<typeof scheduleStore>;
