import { z } from "zod";
import { startFlowRun } from "../../../runs/start-run";
import type { WorkspaceContext } from "../../trpc";

export const startRunInput = z.object({
  flowId: z.string().min(1),
  input: z.record(z.string(), z.unknown()).default({}),
});

/** runs.start: the Run button and Run again, as the caller: the editor runs the draft. */
export async function startRun({ ctx, input }: { ctx: WorkspaceContext; input: z.infer<typeof startRunInput> }) {
  const flow = await ctx.flows.get(input.flowId);
  return startFlowRun(
    { workspaceId: ctx.workspace.workspaceId, engine: ctx.services.engine },
    { id: flow.id, document: flow.document, flowVersion: null },
    input.input,
    { id: ctx.user.id, name: ctx.user.name },
  );
}
