import { z } from "zod";
import { modelPricesSchema } from "../../../../lib/run/cost";
import { outboundAllowSchema } from "../../../../lib/settings/outbound-allow";
import { router, workspaceProcedure } from "../../trpc";

/** Workspace settings beyond the team: which private addresses flows may reach. */
export const settingsRouter = router({
  outboundAllow: workspaceProcedure("view").query(({ ctx }) =>
    ctx.services.workspaces.outboundAllow(ctx.workspace.workspaceId),
  ),

  /** Settings → Runs: how long finished runs keep their steps (null: forever). */
  runRetention: workspaceProcedure("view").query(({ ctx }) =>
    ctx.services.workspaces.runRetentionDays(ctx.workspace.workspaceId),
  ),

  setRunRetention: workspaceProcedure("manage")
    .input(z.strictObject({ days: z.number().int().min(1).max(36_500).nullable() }))
    .mutation(({ ctx, input }) => ctx.services.workspaces.setRunRetentionDays(ctx.workspace.workspaceId, input.days)),

  /** Settings → Models: dollars per million input and output tokens, by model (turns usage into cost). */
  modelPrices: workspaceProcedure("view").query(({ ctx }) =>
    ctx.services.workspaces.modelPrices(ctx.workspace.workspaceId),
  ),

  setModelPrices: workspaceProcedure("manage")
    .input(z.strictObject({ prices: modelPricesSchema }))
    .mutation(({ ctx, input }) => ctx.services.workspaces.setModelPrices(ctx.workspace.workspaceId, input.prices)),

  setOutboundAllow: workspaceProcedure("manage")
    .input(z.object({ entries: outboundAllowSchema }))
    .mutation(({ ctx, input }) => ctx.services.workspaces.setOutboundAllow(ctx.workspace.workspaceId, input.entries)),
});
