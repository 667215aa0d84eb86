import { z } from "zod";
import { router, workspaceProcedure } from "../../trpc";

/** Workspace credentials. The secret goes in once and never comes back out: lists show names. */
export const credentialsRouter = router({
  list: workspaceProcedure("edit").query(({ ctx }) => ctx.credentials.list()),

  create: workspaceProcedure("edit")
    .input(
      z.object({
        name: z.string().trim().min(1, "a credential needs a name").max(100),
        secret: z.string().min(1).max(10_000),
      }),
    )
    .mutation(({ ctx, input }) => ctx.credentials.create(input.name, input.secret, ctx.user.id)),

  remove: workspaceProcedure("edit")
    .input(z.object({ id: z.string().min(1) }))
    .mutation(async ({ ctx, input }) => {
      await ctx.credentials.remove(input.id);
      return { id: input.id };
    }),
});
