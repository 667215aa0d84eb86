import { z } from "zod";
import { checkFlowInTurns, isRunnable } from "../../../../lib/flow/check";
import { describeProblem } from "../../../../lib/flow/problems";
import { UserError } from "../../errors";
import type { WorkspaceContext } from "../../trpc";

export const publishInput = z.object({
  id: z.string().min(1),
  /** The draft revision the editor shows: what was reviewed is what gets published. */
  expectedVersion: z.number().int().positive(),
  message: z.string().trim().max(500, "keep the message under 500 characters").default(""),
});

/**
 * Freezes the draft as the next version. A draft with errors is refused with its problems (a
 * published version must be able to run); warnings do not stop it.
 */
export async function publishFlow({ ctx, input }: { ctx: WorkspaceContext; input: z.infer<typeof publishInput> }) {
  const flow = await ctx.flows.get(input.id);
  const check = await checkFlowInTurns(flow.document);
  if (!isRunnable(check)) {
    const first = check.problems.find((p) => p.severity === "error");
    throw new UserError(
      `The flow was not published: fix its errors first. ${first ? describeProblem(first) : ""}`.trim(),
      { problems: check.problems },
    );
  }
  return ctx.flows.publish(input.id, input.expectedVersion, check.document, input.message, ctx.user.id);
}

export const restoreInput = z.object({
  id: z.string().min(1),
  version: z.number().int().positive(),
  /** The draft revision the editor shows; refused if someone saved since. */
  expectedVersion: z.number().int().positive(),
});

/** The draft becomes a copy of a published version (the editor keeps the old draft one undo away). */
export async function restoreVersion({ ctx, input }: { ctx: WorkspaceContext; input: z.infer<typeof restoreInput> }) {
  const document = await ctx.flows.version(input.id, input.version);
  const saved = await ctx.flows.save(input.id, input.expectedVersion, document);
  return { version: saved.version, updatedAt: saved.updatedAt, document };
}
