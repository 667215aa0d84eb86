import { protectedProcedure, router } from "../../trpc";

export const meRouter = router({
  /** Who is signed in and where: drives the top bar. */
  get: protectedProcedure.query(async ({ ctx }) => {
    const membership = await ctx.services.workspaces.primaryMembership(ctx.user.id);
    return { user: ctx.user, workspace: membership };
  }),
});
