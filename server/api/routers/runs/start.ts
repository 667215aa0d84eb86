import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { startFlowRun } from "../../../runs/start-run";
import type { WorkspaceContext } from "../../trpc";

export const startRunInput = z.object({
  flowId: z.string().min(1),
  input: z.record(z.string(), z.unknown()).default({}),
  /** What runs: the draft (the editor's Run), the newest published version, or one version. */
  version: z.union([z.number().int().positive(), z.enum(["draft", "published"])]).default("draft"),
});

/** runs.start: the Run button and Run again (the draft), and the API (published by default), as the caller. */
export async function startRun({ ctx, input }: { ctx: WorkspaceContext; input: z.infer<typeof startRunInput> }) {
  const flow = await ctx.flows.get(input.flowId);
  let runnable = { id: flow.id, document: flow.document, flowVersion: null as number | null };
  if (input.version !== "draft") {
    const version = input.version === "published" ? flow.publishedVersion : input.version;
    if (version === null)
      throw new TRPCError({
        code: "CONFLICT",
        message: "This flow has never been published: publish it first, or run its draft.",
      });
    runnable = { id: flow.id, document: await ctx.flows.version(flow.id, version), flowVersion: version };
  }
  const deps = {
    workspaceId: ctx.workspace.workspaceId,
    engine: ctx.services.engine,
    callTargets: () => ctx.flows.callTargets(),
  };
  return startFlowRun(deps, runnable, input.input, {
    id: ctx.user.id,
    name: ctx.user.name,
  });
}
