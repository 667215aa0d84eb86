import { z } from "zod";
import { checkFlow, isRunnable } from "../../../../lib/flow/check";
import { runInputSchema, startDataSchema } from "../../../../lib/flow/kinds/start";
import { describeProblem } from "../../../../lib/flow/problems";
import { describeZodError, UserError } from "../../errors";
import type { WorkspaceContext } from "../../trpc";

export const startRunInput = z.object({
  flowId: z.string().min(1),
  input: z.record(z.string(), z.unknown()).default({}),
});

/**
 * Starts a run of the flow as saved: refuses a flow with errors or an input that does not
 * match the start node's fields before anything is created, then snapshots the document.
 */
export async function startRun({ ctx, input }: { ctx: WorkspaceContext; input: z.infer<typeof startRunInput> }) {
  const flow = await ctx.flows.get(input.flowId);
  const check = checkFlow(flow.document);
  if (!isRunnable(check)) {
    const first = check.problems.find((p) => p.severity === "error")!;
    throw new UserError(`This flow cannot run yet. ${describeProblem(first)}`, { problems: check.problems });
  }
  const start = check.document.nodes.find((n) => n.type === "start")!;
  const fields = startDataSchema.parse(start.data).inputs;
  const parsedInput = runInputSchema(fields).safeParse(input.input);
  if (!parsedInput.success) throw new UserError(`The run input is not valid: ${describeZodError(parsedInput.error)}`);

  const run = await ctx.runs.create({
    flowId: flow.id,
    flowVersion: flow.version,
    definition: check.document,
    runInput: parsedInput.data,
    startedById: ctx.user.id,
  });
  await ctx.services.engine.start(run.id);
  return { runId: run.id };
}
