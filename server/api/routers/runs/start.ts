import { z } from "zod";
import { checkFlow, isRunnable } from "../../../../lib/flow/check";
import { runInputSchema, startDataSchema } from "../../../../lib/flow/kinds/start";
import { describeProblem } from "../../../../lib/flow/problems";
import type { FlowsRepository } from "../../../db/flows-repository";
import type { RunEngine } from "../../../engine/runtime/run-engine";
import { describeZodError, UserError } from "../../errors";
import type { WorkspaceContext } from "../../trpc";

export const startRunInput = z.object({
  flowId: z.string().min(1),
  input: z.record(z.string(), z.unknown()).default({}),
});

/**
 * Starts a run of the flow as saved: refuses a flow with errors or an input that does not
 * match the start node's fields before anything is created, then snapshots the document.
 * Shared by the Run button (tRPC) and webhooks.
 */
export async function startFlowRun(
  deps: { workspaceId: string; flows: FlowsRepository; engine: RunEngine },
  flowId: string,
  input: unknown,
  startedBy: { id: string; name: string } | null,
): Promise<{ runId: string }> {
  const flow = await deps.flows.get(flowId);
  const check = checkFlow(flow.document);
  if (!isRunnable(check)) {
    const first = check.problems.find((p) => p.severity === "error")!;
    throw new UserError(`This flow cannot run yet. ${describeProblem(first)}`, { problems: check.problems });
  }
  const start = check.document.nodes.find((n) => n.type === "start")!;
  const fields = startDataSchema.parse(start.data).inputs;
  const parsedInput = runInputSchema(fields).safeParse(input);
  if (!parsedInput.success) throw new UserError(`The run input is not valid: ${describeZodError(parsedInput.error)}`);

  const runId = await deps.engine.begin({
    workspaceId: deps.workspaceId,
    flowId: flow.id,
    flowVersion: flow.version,
    definition: check.document,
    input: parsedInput.data,
    startedBy,
  });
  return { runId };
}

export function startRun({ ctx, input }: { ctx: WorkspaceContext; input: z.infer<typeof startRunInput> }) {
  return startFlowRun(
    { workspaceId: ctx.workspace.workspaceId, flows: ctx.flows, engine: ctx.services.engine },
    input.flowId,
    input.input,
    { id: ctx.user.id, name: ctx.user.name },
  );
}
