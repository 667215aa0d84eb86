import { terminalRunStatuses } from "../../lib/run/events";
import type { Prisma } from "./client";
import { toJson } from "./json";

const DAY_MS = 86_400_000;
/** Runs purged per transaction: a big backlog is worked off in small steps. */
const BATCH = 100;

/** What is kept of a purged run, for metrics. */
export interface RunSummary {
  durationMs: number | null;
  events: number;
  tokens: { input: number; output: number };
}

/**
 * Retention (Settings → Runs): in each workspace that keeps finished runs N days, the runs
 * that finished more than N days before `now` lose their events, approval tasks (and their
 * decisions) and timers; the run row stays, with a summary (status and times are on it
 * already). The audit log is never touched. Returns how many runs were purged.
 */
export async function purgeExpiredRuns(prisma: Prisma, now = new Date()): Promise<number> {
  let purged = 0;
  const workspaces = await prisma.workspace.findMany({
    where: { runRetentionDays: { not: null } },
    select: { id: true, runRetentionDays: true },
  });
  for (const { id: workspaceId, runRetentionDays } of workspaces) {
    const before = new Date(now.getTime() - runRetentionDays! * DAY_MS);
    for (;;) {
      const runs = await prisma.run.findMany({
        where: {
          workspaceId,
          purgedAt: null,
          status: { in: [...terminalRunStatuses] },
          finishedAt: { lt: before },
        },
        select: { id: true, createdAt: true, finishedAt: true },
        take: BATCH,
      });
      if (runs.length === 0) break;
      for (const run of runs) {
        const summary = await summarize(prisma, run);
        await prisma.$transaction([
          prisma.runEvent.deleteMany({ where: { runId: run.id } }),
          prisma.approvalTask.deleteMany({ where: { runId: run.id } }),
          prisma.timer.deleteMany({ where: { runId: run.id } }),
          prisma.run.update({ where: { id: run.id }, data: { purgedAt: now, summary: toJson(summary) } }),
        ]);
        purged++;
      }
    }
  }
  return purged;
}

/** Tokens (the `usage` a step recorded) and counts, read from the events before they go. */
async function summarize(
  prisma: Prisma,
  run: { id: string; createdAt: Date; finishedAt: Date | null },
): Promise<RunSummary> {
  const events = await prisma.runEvent.findMany({ where: { runId: run.id }, select: { type: true, data: true } });
  const tokens = { input: 0, output: 0 };
  for (const e of events) {
    if (e.type !== "node.succeeded") continue;
    const usage = (e.data as { usage?: { promptTokens?: number; completionTokens?: number } }).usage;
    tokens.input += usage?.promptTokens ?? 0;
    tokens.output += usage?.completionTokens ?? 0;
  }
  return {
    durationMs: run.finishedAt ? run.finishedAt.getTime() - run.createdAt.getTime() : null,
    events: events.length,
    tokens,
  };
}
