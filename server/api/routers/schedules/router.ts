import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { runInputProblem } from "../../../../lib/run/input-limits";
import { cronProblem, nextFires } from "../../../../lib/schedule/cron";
import { UserError } from "../../errors";
import { router, workspaceProcedure } from "../../trpc";

const scheduleId = z.object({ id: z.string().min(1) });

export const createScheduleInput = z.strictObject({
  flowId: z.string().min(1),
  cron: z.string().trim().min(1, "a cron is required").max(200),
  timezone: z.string().trim().min(1).max(100).default("UTC"),
  /** The run input, fixed. */
  input: z.record(z.string(), z.unknown()).default({}),
  enabled: z.boolean().default(true),
  overlap: z.enum(["skip", "allow"]).default("skip"),
});

/** A flow's schedules (the editor's Triggers panel, the API's /flows/{id}/schedules). */
export const schedulesRouter = router({
  list: workspaceProcedure("view")
    .input(z.object({ flowId: z.string().min(1) }))
    .query(async ({ ctx, input }) => {
      await ctx.flows.get(input.flowId); // not found outside the workspace
      return ctx.schedules.list(input.flowId);
    }),

  create: workspaceProcedure("edit")
    .input(createScheduleInput)
    .mutation(async ({ ctx, input }) => {
      const problem = cronProblem(input.cron, input.timezone);
      if (problem) throw new UserError(`The schedule is not valid: ${problem}.`);
      const inputProblem = runInputProblem(input.input);
      if (inputProblem) throw new UserError(`The run input is not valid: ${inputProblem}`);
      const flow = await ctx.flows.get(input.flowId);
      if (flow.publishedVersion === null)
        throw new TRPCError({
          code: "CONFLICT",
          message: "This flow has never been published: schedules run the published version, so publish it first.",
        });
      const now = new Date();
      const upcoming = nextFires(input.cron, input.timezone, now, 5);
      const schedule = await ctx.schedules.create({
        ...input,
        nextAt: input.enabled ? (upcoming[0] ?? null) : null,
        createdById: ctx.user.id,
      });
      await ctx.services.scheduler.poke(); // looked at before the answer: a fire due now is claimed
      return { ...schedule, upcoming };
    }),

  setEnabled: workspaceProcedure("edit")
    .input(scheduleId.extend({ enabled: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      const schedule = await ctx.schedules.get(input.id);
      const nextAt = input.enabled ? (nextFires(schedule.cron, schedule.timezone, new Date(), 1)[0] ?? null) : null;
      const updated = await ctx.schedules.setEnabled(input.id, input.enabled, nextAt);
      await ctx.services.scheduler.poke();
      return updated;
    }),

  remove: workspaceProcedure("edit")
    .input(scheduleId)
    .mutation(async ({ ctx, input }) => {
      await ctx.schedules.remove(input.id);
      return { id: input.id };
    }),
});
