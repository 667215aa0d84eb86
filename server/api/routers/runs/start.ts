import { z } from "zod";
import { startFlowRun } from "../../../runs/start-run";
import type { WorkspaceContext } from "../../trpc";

export const startRunInput = z.object({
  flowId: z.string().min(1),
  input: z.record(z.string(), z.unknown()).default({}),
});

/** runs.start: the Run button and Run again, as the caller, for a flow of this workspace. */
export async function startRun({ ctx, input }: { ctx: WorkspaceContext; input: z.infer<typeof startRunInput> }) {
  return startFlowRun(
    { workspaceId: ctx.workspace.workspaceId, engine: ctx.services.engine },
    await ctx.flows.get(input.flowId),
    input.input,
    { id: ctx.user.id, name: ctx.user.name },
  );
}
