import { z } from "zod";
import type { WorkspaceContext } from "../../trpc";
import { type DecideTaskAnswer, decideApproval, decisionInput } from "../inbox/decide";

export const decideInRunInput = z.object({
  runId: z.string().min(1).max(100),
  nodeId: z.string().min(1).max(100),
  /** Enclosing loop iterations of the approval node, outermost first. */
  path: z.array(z.number().int().nonnegative()).max(20).default([]),
  ...decisionInput,
});

/**
 * runs.decide: the run view's way to decide an approval step of a run in this workspace. The
 * same rule as the inbox's (decideApproval), so a repeated request gets its first answer.
 */
export async function decideInRun({
  ctx,
  input,
}: {
  ctx: WorkspaceContext;
  input: z.infer<typeof decideInRunInput>;
}): Promise<DecideTaskAnswer & { runId: string; nodeId: string }> {
  const { runId, nodeId, path, ...taken } = input;
  await ctx.runs.get(runId); // not found outside the workspace
  return { runId, nodeId, ...(await decideApproval(ctx, { runId, nodeId, path }, taken)) };
}
