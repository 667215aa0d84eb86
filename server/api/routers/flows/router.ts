import { randomBytes } from "node:crypto";
import { z } from "zod";
import { checkFlowInTurns } from "../../../../lib/flow/check";
import { newFlowDocument } from "../../../../lib/flow/document";
import { describeProblem } from "../../../../lib/flow/problems";
import { findTemplate, flowTemplates, withCompanionIds } from "../../../../lib/flow/templates/catalog";
import { defaultWebhookOptions, type WebhookOptions, webhookOptionsSchema } from "../../../../lib/webhook/options";
import { UserError } from "../../errors";
import { may, router, type WorkspaceContext, workspaceProcedure } from "../../trpc";
import { saveFlow, saveFlowInput } from "./save";
import { publishFlow, publishInput, restoreInput, restoreVersion } from "./versions";

const flowName = z.string().trim().min(1, "a flow needs a name").max(200, "keep the name under 200 characters");
const flowId = z.object({ id: z.string().min(1) });

export const flowsRouter = router({
  list: workspaceProcedure("view").query(({ ctx }) => ctx.flows.list()),

  /** The flows a sub-flow node may call, with the input fields of the version it would call. */
  callTargets: workspaceProcedure("view").query(({ ctx }) => ctx.flows.callTargets()),

  /** The flow, with what the caller may do with it; its webhook address only for those who may run it. */
  get: workspaceProcedure("view")
    .input(flowId)
    .query(async ({ ctx, input }) => {
      const flow = await ctx.flows.get(input.id);
      const caller = { edit: may(ctx.workspace.role, "edit"), run: may(ctx.workspace.role, "run") };
      // The address is a credential that starts runs: a viewer or approver must not learn it.
      return { ...flow, webhook: caller.run ? flow.webhook : null, may: caller };
    }),

  /** A blank flow (start → end), or one from the template gallery. */
  create: workspaceProcedure("edit")
    .input(z.object({ name: flowName, template: z.string().optional() }))
    .mutation(async ({ ctx, input }) => {
      if (!input.template) return ctx.flows.create(newFlowDocument(input.name), ctx.user.id);
      const template = findTemplate(input.template);
      if (!template) throw new UserError(`There is no template "${input.template}".`);
      // The flows it calls come first, published, so its sub-flow nodes have a version to run.
      const ids = new Map<string, string>();
      for (const companion of template.companions ?? []) {
        const document = { ...companion.document(), name: companion.name };
        const created = await ctx.flows.create(document, ctx.user.id);
        await ctx.flows.publish(created.id, created.version, document, "created with a template", ctx.user.id);
        ids.set(companion.key, created.id);
      }
      return ctx.flows.create({ ...withCompanionIds(template.document(), ids), name: input.name }, ctx.user.id);
    }),

  /** Imports a flow file: checked like a save, never run. Problems come back by path. */
  import: workspaceProcedure("edit")
    .input(z.object({ document: z.unknown() }))
    .mutation(async ({ ctx, input }) => {
      const check = await checkFlowInTurns(input.document);
      if (!check.ok) {
        throw new UserError(`This file is not a flow Switchyard can open. ${describeProblem(check.problems[0]!)}`, {
          problems: check.problems,
        });
      }
      const flow = await ctx.flows.create(check.document, ctx.user.id);
      return { id: flow.id, problems: check.problems };
    }),

  templates: workspaceProcedure("view").query(() =>
    flowTemplates.map(({ id, title, summary, sampleInput }) => ({ id, title, summary, sampleInput })),
  ),

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

  /** Freezes the draft as the next published version (webhooks run the newest one). */
  publish: workspaceProcedure("edit").input(publishInput).mutation(publishFlow),

  /** Published versions, newest first: number, message, who and when. */
  versions: workspaceProcedure("view")
    .input(flowId)
    .query(({ ctx, input }) => ctx.flows.versions(input.id)),

  /** One published version's document, to look at (read-only) or compare. */
  version: workspaceProcedure("view")
    .input(z.object({ id: z.string().min(1), version: z.number().int().positive() }))
    .query(async ({ ctx, input }) => ({
      version: input.version,
      document: await ctx.flows.version(input.id, input.version),
    })),

  /** The draft becomes a copy of a published version. */
  restore: workspaceProcedure("edit").input(restoreInput).mutation(restoreVersion),

  /** Turns the flow's webhook on (a fresh secret address each time) or off. */
  /** Turns the webhook on with a new address (the old one stops working), or off. */
  setWebhook: workspaceProcedure("edit")
    .input(
      z.object({
        id: z.string().min(1),
        enabled: z.boolean(),
        mode: z.enum(["sync", "async"]).default("async"),
        options: webhookOptionsSchema.default(defaultWebhookOptions),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      if (input.enabled) await checkSigningCredential(ctx, input.options);
      const webhook = input.enabled
        ? { token: randomBytes(24).toString("base64url"), mode: input.mode, options: input.options }
        : null;
      await ctx.flows.setWebhook(input.id, webhook);
      return webhook && { ...webhook, path: `/api/hooks/${webhook.token}` };
    }),

  /** Changes how the webhook answers and checks callers; its address stays. */
  setWebhookOptions: workspaceProcedure("edit")
    .input(z.object({ id: z.string().min(1), mode: z.enum(["sync", "async"]), options: webhookOptionsSchema }))
    .mutation(async ({ ctx, input }) => {
      const flow = await ctx.flows.get(input.id);
      if (!flow.webhook) throw new UserError("The webhook is off: turn it on first.");
      await checkSigningCredential(ctx, input.options);
      const webhook = { token: flow.webhook.token, mode: input.mode, options: input.options };
      await ctx.flows.setWebhook(input.id, webhook);
      return { ...webhook, path: `/api/hooks/${webhook.token}` };
    }),
});

/** A signing secret must be a credential of this workspace. */
async function checkSigningCredential(ctx: WorkspaceContext, options: WebhookOptions) {
  const id = options.signature?.credentialId;
  if (id && !(await ctx.credentials.list()).some((c) => c.id === id))
    throw new UserError("The signing secret's credential is not one of this workspace's: pick another.");
}
