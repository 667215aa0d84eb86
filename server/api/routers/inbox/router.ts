import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { inboxTabs } from "../../../../lib/run/inbox";
import { router, type WorkspaceContext, workspaceProcedure } from "../../trpc";
import { decideTask, decideTaskInput } from "./decide";

/** The caller as the inbox sees them, with the repository scoped to their workspace. */
async function viewerOf(ctx: WorkspaceContext) {
  const groups = await ctx.inbox.groupsOf(ctx.user.id);
  return { inbox: ctx.inbox, viewer: { id: ctx.user.id, role: ctx.workspace.role, groups } };
}

export const inboxRouter = router({
  /** Open tasks waiting for the caller, and (owners) open in the whole workspace: the nav badge. */
  counts: workspaceProcedure("view").query(async ({ ctx }) => {
    const { inbox, viewer } = await viewerOf(ctx);
    return inbox.counts(viewer);
  }),

  list: workspaceProcedure("view")
    .input(
      z.object({
        tab: z.enum(inboxTabs),
        page: z.number().int().min(0).max(10_000).default(0),
        pageSize: z.number().int().min(1).max(100).default(50),
      }),
    )
    .query(async ({ ctx, input }) => {
      if (input.tab === "all" && ctx.workspace.role !== "owner") {
        throw new TRPCError({ code: "FORBIDDEN", message: "Only owners see every open task of the workspace." });
      }
      const { inbox, viewer } = await viewerOf(ctx);
      return inbox.list(input.tab, viewer, input.page, input.pageSize);
    }),

  get: workspaceProcedure("view")
    .input(z.object({ id: z.string().min(1).max(100) }))
    .query(async ({ ctx, input }) => {
      const { inbox, viewer } = await viewerOf(ctx);
      return inbox.get(input.id, viewer);
    }),

  /** The open tasks of a run, as the caller sees them (the run view's approval cards). */
  ofRun: workspaceProcedure("view")
    .input(z.object({ runId: z.string().min(1).max(100) }))
    .query(async ({ ctx, input }) => {
      const { inbox, viewer } = await viewerOf(ctx);
      return inbox.openOfRun(input.runId, viewer);
    }),

  /** The task an approval step of a run opened (the run view links to it). */
  find: workspaceProcedure("view")
    .input(
      z.object({
        runId: z.string().min(1).max(100),
        nodeId: z.string().min(1).max(100),
        path: z.array(z.number().int().nonnegative()).max(20).default([]),
      }),
    )
    .query(async ({ ctx, input }) => {
      const { inbox } = await viewerOf(ctx);
      return { taskId: await inbox.idOf(input.runId, input.nodeId, input.path) };
    }),

  decide: workspaceProcedure("decide").input(decideTaskInput).mutation(decideTask),
});
