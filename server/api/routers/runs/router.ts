import { z } from "zod";
import type { FlowDocument } from "../../../../lib/flow/document";
import { nodeData } from "../../../../lib/flow/kinds/parsed";
import { runInputSchema, startDataSchema } from "../../../../lib/flow/kinds/start";
import { runStatuses } from "../../../../lib/run/events";
import { runInputProblem } from "../../../../lib/run/input-limits";
import { describeZodError, UserError } from "../../errors";
import { router, type WorkspaceContext, workspaceProcedure } from "../../trpc";
import { decideInRun, decideInRunInput } from "./decide";
import { startRun, startRunInput } from "./start";

/** A running run quiet this long, with nothing under way, is flagged stalled. */
const STALL_AFTER_MS = 10 * 60_000;

export const runsRouter = router({
  start: workspaceProcedure("run").input(startRunInput).mutation(startRun),

  /** Cancels a run of this workspace: attempts in flight are aborted, the run ends `cancelled`. */
  cancel: workspaceProcedure("run")
    .input(z.object({ id: z.string().min(1), compensate: z.boolean().default(false) }))
    .mutation(async ({ ctx, input }) => {
      await ctx.runs.get(input.id); // not found outside the workspace
      await ctx.services.engine.cancel(input.id, `cancelled by ${ctx.user.name}`, { compensate: input.compensate });
      return { id: input.id };
    }),

  /** Pauses a running run: no new step starts; steps in flight finish. 409 when it is not running. */
  pause: workspaceProcedure("run")
    .input(z.object({ id: z.string().min(1) }))
    .mutation(async ({ ctx, input }) => {
      await ctx.runs.get(input.id); // not found outside the workspace
      await ctx.services.engine.pause(input.id, { id: ctx.user.id, name: ctx.user.name });
      return { id: input.id, status: "paused" as const };
    }),

  /** Resumes a paused run. 409 when it is not paused. */
  resume: workspaceProcedure("run")
    .input(z.object({ id: z.string().min(1) }))
    .mutation(async ({ ctx, input }) => {
      await ctx.runs.get(input.id);
      await ctx.services.engine.resume(input.id, { id: ctx.user.id, name: ctx.user.name });
      return { id: input.id, status: "running" as const };
    }),

  /** Approves or rejects a waiting approval node of a run in this workspace, once per request key. */
  decide: workspaceProcedure("decide").input(decideInRunInput).mutation(decideInRun),

  /**
   * Retries a failed run from where it failed, as a new run linked to it: on the same snapshot,
   * or on the newest published version (with the fix), keeping the outputs of the steps before.
   */
  retry: workspaceProcedure("run")
    .input(
      z.object({
        id: z.string().min(1),
        version: z.enum(["same", "latest"]).default("same"),
        /** Run again from this node: it and what follows it do not keep their outputs. */
        fromNodeId: z.string().min(1).max(100).optional(),
        /** A new run input: the start node runs again with it; the steps that run again see it. */
        input: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .mutation(({ ctx, input }) => retryFailedRun(ctx, input)),

  /** The Failed view: retries several failed runs at once; each answers on its own (a new run, or why not). */
  retryMany: workspaceProcedure("run")
    .input(
      z.object({
        ids: z.array(z.string().min(1)).min(1).max(100),
        version: z.enum(["same", "latest"]).default("same"),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const results: { id: string; runId?: string; error?: string }[] = [];
      for (const id of input.ids) {
        try {
          results.push({ id, ...(await retryFailedRun(ctx, { id, version: input.version })) });
        } catch (error) {
          results.push({ id, error: error instanceof Error ? error.message : String(error) });
        }
      }
      return results;
    }),

  /** The Failed view: hides failed runs that need nothing more (they stay in the runs list). */
  dismiss: workspaceProcedure("run")
    .input(z.object({ ids: z.array(z.string().min(1)).min(1).max(100) }))
    .mutation(async ({ ctx, input }) => ({ dismissed: await ctx.runs.dismiss(input.ids) })),

  /** The Failed view: failed runs not dismissed, and forEach items that failed with onError: continue. */
  failures: workspaceProcedure("view")
    .input(
      z.object({
        flowId: z.string().min(1).max(100).optional(),
        /** Words the error message contains (any case). */
        error: z.string().max(200).optional(),
        since: z.date().optional(),
        until: z.date().optional(),
      }),
    )
    .query(({ ctx, input }) => ctx.runs.failures(input)),

  /** The workspace's runs, newest first, filtered by status and flow, a page at a time. */
  list: workspaceProcedure("view")
    .input(
      z.object({
        statuses: z.array(z.enum(runStatuses)).max(10).default([]),
        flowId: z.string().min(1).max(100).optional(),
        version: z.union([z.number().int().positive(), z.literal("draft")]).optional(),
        page: z.number().int().min(0).max(100_000).default(0),
        pageSize: z.number().int().min(1).max(100).default(25),
      }),
    )
    .query(({ ctx, input }) => ctx.runs.list(input)),

  get: workspaceProcedure("view")
    .input(z.object({ id: z.string().min(1) }))
    .query(({ ctx, input }) => ctx.runs.get(input.id)),

  /** Runs that say running but stopped moving, with why (the runs list and Settings → Health flag them). */
  stalled: workspaceProcedure("view")
    .input(
      z
        .object({
          quietMs: z
            .number()
            .int()
            .min(1_000)
            .max(30 * 86_400_000)
            .default(STALL_AFTER_MS),
        })
        .default({ quietMs: STALL_AFTER_MS }),
    )
    .query(({ ctx, input }) => ctx.runs.stalled(new Date(), input.quietMs)),

  /** The tokens a flow's runs used, by model: the runs list turns them into the flow's cost. */
  flowUsage: workspaceProcedure("view")
    .input(z.object({ flowId: z.string().min(1).max(100) }))
    .query(({ ctx, input }) => ctx.runs.flowUsage(input.flowId)),

  /** The run, its whole event log and its approval decisions, as one JSON document. */
  export: workspaceProcedure("view")
    .input(z.object({ id: z.string().min(1) }))
    .query(({ ctx, input }) => ctx.runs.export(input.id)),

  /** The stored events after `afterSeq`, in order: the same replay the socket gives. */
  events: workspaceProcedure("view")
    .input(z.object({ id: z.string().min(1), afterSeq: z.number().int().nonnegative().default(0) }))
    .query(({ ctx, input }) => ctx.runs.events(input.id, input.afterSeq)),
});

/** The newest published version of a flow, to retry a run on. */
async function latestVersion(ctx: WorkspaceContext, flowId: string) {
  const flow = await ctx.flows.get(flowId);
  if (flow.publishedVersion === null)
    throw new UserError("This flow has never been published: retry on the same snapshot, or publish it first.");
  return { version: flow.publishedVersion, document: await ctx.flows.version(flowId, flow.publishedVersion) };
}

/** A retry's new input, as the start node's fields take it (the same rule as starting a run). */
function checkedInput(definition: FlowDocument, input: Record<string, unknown>) {
  const start = definition.nodes.find((n) => n.type === "start");
  const parsed = runInputSchema(start ? nodeData(startDataSchema, start.data).inputs : []).safeParse(input);
  if (!parsed.success) throw new UserError(`The run input is not valid: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

/** Retries a failed run from where it failed, as a new run linked to it (runs.retry, runs.retryMany). */
async function retryFailedRun(
  ctx: WorkspaceContext,
  input: { id: string; version: "same" | "latest"; fromNodeId?: string; input?: Record<string, unknown> },
): Promise<{ runId: string }> {
  const failed = await ctx.runs.get(input.id);
  if (failed.status !== "failed") {
    throw new UserError(`Only a failed run can be retried from where it failed; this one is ${failed.status}.`);
  }
  // Stored before inputs were checked: a retry would be just as unreadable.
  const inputProblem = runInputProblem(input.input ?? failed.input);
  if (inputProblem) throw new UserError(`This run cannot be retried: its input is not valid: ${inputProblem}`);
  const latest = input.version === "latest" ? await latestVersion(ctx, failed.flowId) : undefined;
  const definition = latest ? latest.document : failed.definition;
  if (input.fromNodeId && !definition.nodes.some((n) => n.id === input.fromNodeId))
    throw new UserError(`There is no node "${input.fromNodeId}" in the version this retry runs.`);
  const runInput = input.input === undefined ? failed.input : checkedInput(definition, input.input);
  const { id } = await ctx.runs.create({
    flowId: failed.flowId,
    flowVersion: latest ? latest.version : failed.flowVersion,
    definition,
    runInput,
    startedById: ctx.user.id,
    retryOfId: failed.id,
  });
  await ctx.services.engine.retry(id, failed.id, {
    fromNodeId: input.fromNodeId,
    newInput: input.input !== undefined,
  });
  return { runId: id };
}
