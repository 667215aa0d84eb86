import { randomBytes } from "node:crypto";
import { z } from "zod";
import { newFlowDocument } from "../../../../lib/flow/document";
import { router, workspaceProcedure } from "../../trpc";
import { saveFlow, saveFlowInput } from "./save";

const flowName = z.string().trim().min(1, "a flow needs a name").max(200, "keep the name under 200 characters");
const flowId = z.object({ id: z.string().min(1) });

export const flowsRouter = router({
  list: workspaceProcedure("view").query(({ ctx }) => ctx.flows.list()),

  get: workspaceProcedure("view")
    .input(flowId)
    .query(({ ctx, input }) => ctx.flows.get(input.id)),

  create: workspaceProcedure("edit")
    .input(z.object({ name: flowName }))
    .mutation(({ ctx, input }) => ctx.flows.create(newFlowDocument(input.name), ctx.user.id)),

  rename: workspaceProcedure("edit")
    .input(z.object({ id: z.string().min(1), name: flowName }))
    .mutation(({ ctx, input }) => ctx.flows.rename(input.id, input.name)),

  remove: workspaceProcedure("edit")
    .input(flowId)
    .mutation(async ({ ctx, input }) => {
      await ctx.flows.remove(input.id);
      return { id: input.id };
    }),

  save: workspaceProcedure("edit").input(saveFlowInput).mutation(saveFlow),

  /** Turns the flow's webhook on (a fresh secret address each time) or off. */
  setWebhook: workspaceProcedure("edit")
    .input(z.object({ id: z.string().min(1), enabled: z.boolean(), mode: z.enum(["sync", "async"]).default("async") }))
    .mutation(async ({ ctx, input }) => {
      const webhook = input.enabled ? { token: randomBytes(24).toString("base64url"), mode: input.mode } : null;
      await ctx.flows.setWebhook(input.id, webhook);
      return webhook && { ...webhook, path: `/api/hooks/${webhook.token}` };
    }),
});
