import type { FlowDocument } from "../../lib/flow/document";
import { sumUsage, type UsageByModel } from "../../lib/run/cost";
import { REPLAY_PAGE, type RunError, type RunEvent, type RunStatus } from "../../lib/run/events";
import { stallReason } from "../../lib/run/stalled";
import { foldRunEvents } from "../../lib/run/state";
import type { Prisma } from "./client";
import { NotFound } from "./errors";
import { toJson } from "./json";
import type { RunSummary } from "./retention";
import { toRunEvent } from "./run-store";

export interface RunRecord {
  id: string;
  flowId: string;
  flowName: string;
  /** The name of who started it; null when no person did (a webhook). */
  startedBy: string | null;
  /** The published version it ran; null for a run of the draft. */
  flowVersion: number | null;
  definition: FlowDocument;
  status: RunStatus;
  input: unknown;
  output: unknown;
  error: RunError | null;
  lastSeq: number;
  /** Null when no person started it (a webhook). */
  startedById: string | null;
  retryOfId: string | null;
  /** What started it (RunTrigger). */
  trigger: string;
  /** A sub-flow's run: the run and node that called it. */
  parentRunId: string | null;
  parentNodeId: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  /** Set once retention removed the run's steps; `summary` is what was kept. */
  purgedAt: Date | null;
  summary: RunSummary | null;
}

/** How many failed runs (and failed items) the Failed view lists at most. */
const FAILURES = 200;

/** How many of a flow's latest runs its cost adds up. */
const USAGE_RUNS = 10_000;

/** Runs of one workspace, as the API sees them. The engine uses run-store.ts instead. */
export function runsRepository(prisma: Prisma, workspaceId: string) {
  return {
    async create(input: {
      flowId: string;
      flowVersion: number | null;
      definition: FlowDocument;
      runInput: unknown;
      /** Null when no person started it (a webhook). */
      startedById: string | null;
      retryOfId?: string;
    }): Promise<{ id: string }> {
      return prisma.run.create({
        data: {
          workspaceId,
          flowId: input.flowId,
          flowVersion: input.flowVersion,
          definition: toJson(input.definition),
          input: toJson(input.runInput),
          startedById: input.startedById,
          retryOfId: input.retryOfId ?? null,
          trigger: input.retryOfId ? "retry" : "manual",
        },
        select: { id: true },
      });
    },

    async get(id: string): Promise<RunRecord> {
      const row = await prisma.run.findFirst({
        where: { id, workspaceId },
        include: { flow: { select: { name: true } } },
      });
      if (!row) throw new NotFound("run");
      const starter = row.startedById
        ? await prisma.user.findUnique({ where: { id: row.startedById }, select: { name: true } })
        : null;
      return {
        id: row.id,
        flowId: row.flowId,
        flowName: row.flow.name,
        startedBy: row.startedById ? (starter?.name ?? "a former member") : null,
        flowVersion: row.flowVersion,
        definition: row.definition as FlowDocument,
        status: row.status,
        input: row.input,
        output: row.output,
        error: row.error as RunError | null,
        lastSeq: row.lastSeq,
        startedById: row.startedById,
        retryOfId: row.retryOfId,
        trigger: row.trigger,
        parentRunId: row.parentRunId,
        parentNodeId: row.parentNodeId,
        createdAt: row.createdAt,
        finishedAt: row.finishedAt,
        purgedAt: row.purgedAt,
        summary: row.summary as RunSummary | null,
      };
    },

    /**
     * A page of the workspace's runs, newest first, optionally of some statuses or one flow,
     * with the flow's name and who started each (null: a webhook).
     */
    async list(filter: {
      statuses?: RunStatus[];
      flowId?: string;
      /** Runs of one published version, or of the draft. */
      version?: number | "draft";
      page: number;
      pageSize: number;
    }) {
      const where = {
        workspaceId,
        ...(filter.statuses?.length && { status: { in: filter.statuses } }),
        ...(filter.flowId && { flowId: filter.flowId }),
        ...(filter.version !== undefined && { flowVersion: filter.version === "draft" ? null : filter.version }),
      };
      const [total, rows] = await Promise.all([
        prisma.run.count({ where }),
        prisma.run.findMany({
          where,
          orderBy: [{ createdAt: "desc" }, { id: "desc" }],
          skip: filter.page * filter.pageSize,
          take: filter.pageSize,
          select: {
            id: true,
            flowId: true,
            flowVersion: true,
            status: true,
            startedById: true,
            retryOfId: true,
            trigger: true,
            parentRunId: true,
            createdAt: true,
            finishedAt: true,
            usage: true,
            flow: { select: { name: true } },
          },
        }),
      ]);
      const starterIds = [...new Set(rows.flatMap((r) => (r.startedById ? [r.startedById] : [])))];
      const starters = new Map(
        (await prisma.user.findMany({ where: { id: { in: starterIds } }, select: { id: true, name: true } })).map(
          (u) => [u.id, u.name],
        ),
      );
      return {
        total,
        items: rows.map((r) => ({
          id: r.id,
          flowId: r.flowId,
          flowName: r.flow.name,
          flowVersion: r.flowVersion,
          status: r.status,
          startedBy: r.startedById ? (starters.get(r.startedById) ?? "a former member") : null,
          retryOfId: r.retryOfId,
          trigger: r.trigger,
          parentRunId: r.parentRunId,
          createdAt: r.createdAt,
          finishedAt: r.finishedAt,
          usage: r.usage as UsageByModel | null,
        })),
      };
    },

    /**
     * The tokens a flow's runs used, by model (the runs list prices them): over its most recent
     * USAGE_RUNS runs, and how many runs that was (runs of mock agents spend nothing).
     */
    async flowUsage(flowId: string): Promise<{ usage: UsageByModel; runs: number; capped: boolean }> {
      const rows = await prisma.run.findMany({
        where: { workspaceId, flowId },
        orderBy: { createdAt: "desc" },
        take: USAGE_RUNS + 1,
        select: { usage: true },
      });
      const kept = rows.slice(0, USAGE_RUNS);
      return {
        usage: sumUsage(kept.map((r) => r.usage as UsageByModel)),
        runs: kept.length,
        capped: rows.length > USAGE_RUNS,
      };
    },

    /** The run's timers (retries, deadlines) that have yet to fire, with the event each will deliver. */
    async pendingTimers(id: string): Promise<{ event: unknown }[]> {
      return prisma.timer.findMany({
        where: { runId: id, firedAt: null, run: { workspaceId } },
        select: { event: true },
      });
    },

    /** Whether the run belongs to this workspace (socket rooms are joined only then). */
    async exists(id: string): Promise<boolean> {
      return (await prisma.run.count({ where: { id, workspaceId } })) > 0;
    },

    async events(id: string, afterSeq = 0, limit = REPLAY_PAGE): Promise<RunEvent[]> {
      if (!(await this.exists(id))) throw new NotFound("run");
      const rows = await prisma.runEvent.findMany({
        where: { runId: id, seq: { gt: afterSeq } },
        orderBy: { seq: "asc" },
        take: limit,
      });
      return rows.map(toRunEvent);
    },

    /** Marks failed runs dismissed (the Failed view hides them); returns how many were. */
    async dismiss(ids: string[]): Promise<number> {
      const { count } = await prisma.run.updateMany({
        where: { workspaceId, id: { in: ids }, status: "failed", dismissedAt: null },
        data: { dismissedAt: new Date() },
      });
      return count;
    },

    /**
     * The Failed view (dead letters): failed runs neither dismissed nor retried, newest first, and the forEach
     * items that failed with `onError: continue` in runs that went on; filtered by flow, words of
     * the error, and when the run started. At most FAILURES of each.
     */
    async failures(filter: { flowId?: string; error?: string; since?: Date; until?: Date }) {
      const when = {
        ...(filter.since && { gte: filter.since }),
        ...(filter.until && { lte: filter.until }),
      };
      const where = {
        workspaceId,
        ...(filter.flowId && { flowId: filter.flowId }),
        ...((filter.since || filter.until) && { createdAt: when }),
      };
      const words = filter.error?.trim().toLowerCase();
      const matches = (message: string | undefined) => !words || (message ?? "").toLowerCase().includes(words);
      const runs = await prisma.run.findMany({
        where: { ...where, status: "failed", dismissedAt: null },
        orderBy: { createdAt: "desc" },
        take: FAILURES * 5,
        select: {
          id: true,
          flowId: true,
          flowVersion: true,
          error: true,
          createdAt: true,
          finishedAt: true,
          flow: { select: { name: true } },
        },
      });
      // A failed run that was retried is taken care of: its retry is where to look.
      const retried = new Set(
        (
          await prisma.run.findMany({
            where: { workspaceId, retryOfId: { in: runs.map((r) => r.id) } },
            select: { retryOfId: true },
          })
        ).map((r) => r.retryOfId),
      );
      const failedRuns = runs
        .filter((r) => !retried.has(r.id))
        .map((r) => ({
          id: r.id,
          flowId: r.flowId,
          flowName: r.flow.name,
          flowVersion: r.flowVersion,
          error: r.error as RunError | null,
          createdAt: r.createdAt,
          finishedAt: r.finishedAt,
        }))
        .filter((r) => matches(r.error?.message))
        .slice(0, FAILURES);
      const itemEvents = await prisma.runEvent.findMany({
        where: { type: "node.failed", path: { not: null }, run: { ...where, status: { not: "failed" } } },
        orderBy: { at: "desc" },
        take: FAILURES * 5,
        select: {
          runId: true,
          nodeId: true,
          path: true,
          data: true,
          at: true,
          run: { select: { flowId: true, flow: { select: { name: true } } } },
        },
      });
      // An item retried until it passed is no dead letter.
      const passed = new Set(
        (
          await prisma.runEvent.findMany({
            where: {
              type: "node.succeeded",
              path: { not: null },
              runId: { in: [...new Set(itemEvents.map((e) => e.runId))] },
            },
            select: { runId: true, nodeId: true, path: true },
          })
        ).map((e) => `${e.runId}:${e.nodeId}:${e.path}`),
      );
      const items = itemEvents
        .filter((e) => !passed.has(`${e.runId}:${e.nodeId}:${e.path}`))
        .map((e) => ({
          runId: e.runId,
          flowId: e.run.flowId,
          flowName: e.run.flow.name,
          nodeId: e.nodeId ?? "",
          path: (e.path ?? "").split(".").map(Number),
          error: (e.data as { error?: RunError }).error ?? null,
          at: e.at,
        }))
        .filter((i) => matches(i.error?.message))
        .slice(0, FAILURES);
      return { runs: failedRuns, items };
    },

    /**
     * Runs that say `running` but have stopped moving (lib/run/stalled.ts): quiet for at least
     * `quietMs`, with nothing under way. The newest 200 running runs are looked at.
     */
    async stalled(
      now: Date,
      quietMs: number,
    ): Promise<{ runId: string; flowName: string; lastEventAt: Date; reason: string }[]> {
      const running = await prisma.run.findMany({
        where: { workspaceId, status: "running" },
        orderBy: { createdAt: "desc" },
        take: 200,
        select: { id: true, lastSeq: true, definition: true, flow: { select: { name: true } } },
      });
      const stalled = [];
      for (const run of running) {
        const last = await prisma.runEvent.findUnique({ where: { runId_seq: { runId: run.id, seq: run.lastSeq } } });
        if (!last || now.getTime() - last.at.getTime() < quietMs) continue;
        const state = foldRunEvents(
          (await prisma.runEvent.findMany({ where: { runId: run.id }, orderBy: { seq: "asc" } })).map(toRunEvent),
        );
        const nodes = new Map((run.definition as FlowDocument).nodes.map((n) => [n.id, n]));
        const reason = stallReason(state, nodes, now.getTime() - last.at.getTime());
        if (reason) stalled.push({ runId: run.id, flowName: run.flow.name, lastEventAt: last.at, reason });
      }
      return stalled;
    },

    /** Every event after `afterSeq`, one page (`events`, at most REPLAY_PAGE) at a time, until the last. */
    async *eventPages(id: string, afterSeq = 0): AsyncGenerator<RunEvent[]> {
      for (;;) {
        const page = await this.events(id, afterSeq);
        if (page.length > 0) yield page;
        if (page.length < REPLAY_PAGE) return;
        afterSeq = page.at(-1)!.seq;
      }
    },

    /**
     * The run as one document: its record, every event in order (the audit trail) and its
     * approval tasks with each decision (who, when, comment, form values).
     */
    async export(id: string) {
      const run = await this.get(id);
      const events = await prisma.runEvent.findMany({ where: { runId: id }, orderBy: { seq: "asc" } });
      const tasks = await prisma.approvalTask.findMany({
        where: { runId: id, workspaceId },
        orderBy: { createdAt: "asc" },
        include: { decisions: { orderBy: { at: "asc" } } },
      });
      return {
        exportedFrom: "switchyard",
        run: { ...run, createdAt: run.createdAt.toISOString(), finishedAt: run.finishedAt?.toISOString() ?? null },
        events: events.map(toRunEvent),
        approvals: tasks.map((t) => ({
          nodeId: t.nodeId,
          path: t.path,
          title: t.title,
          status: t.status,
          requiredApprovals: t.requiredApprovals,
          assignees: t.assignees,
          escalations: t.escalations ?? [],
          createdAt: t.createdAt.toISOString(),
          dueAt: t.dueAt?.toISOString() ?? null,
          closedAt: t.closedAt?.toISOString() ?? null,
          decisions: t.decisions.map((d) => ({
            by: { id: d.userId, name: d.userName },
            decision: d.decision,
            comment: d.comment,
            form: d.form,
            at: d.at.toISOString(),
          })),
        })),
      };
    },
  };
}
export type RunsRepository = ReturnType<typeof runsRepository>;
