import { z } from "zod";
import { checkFlowInTurns } from "../../../../lib/flow/check";
import { describeProblem } from "../../../../lib/flow/problems";
import { calledFlowIds, subflowProblems } from "../../../../lib/flow/subflow-checks";
import { UserError } from "../../errors";
import type { WorkspaceContext } from "../../trpc";

export const saveFlowInput = z.object({
  id: z.string().min(1),
  /** The version the editor loaded; the save is refused if the flow has moved on. */
  expectedVersion: z.number().int().positive(),
  document: z.unknown(),
});

/**
 * Saves a draft. The document must be well-formed (the first problem is reported with its
 * path, and nothing is written); graph problems come back as warnings.
 */
export async function saveFlow({ ctx, input }: { ctx: WorkspaceContext; input: z.infer<typeof saveFlowInput> }) {
  const check = await checkFlowInTurns(input.document);
  if (!check.ok) {
    throw new UserError(`The flow was not saved. ${describeProblem(check.problems[0]!)}`, { problems: check.problems });
  }
  const saved = await ctx.flows.save(input.id, input.expectedVersion, check.document);
  // A draft may call a flow that is not there yet: said, not refused (a run is: start-run.ts).
  const called =
    calledFlowIds(check.document).length === 0
      ? []
      : subflowProblems(input.id, check.document, new Map((await ctx.flows.callTargets()).map((t) => [t.id, t])));
  return { version: saved.version, updatedAt: saved.updatedAt, problems: [...check.problems, ...called] };
}
