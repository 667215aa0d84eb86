import { z } from "zod";
import { NotFound } from "../../../db/errors";
import { router, workspaceProcedure } from "../../trpc";

/** Settings → Health: the workspace's circuit breakers (state, recent failures, next probe), and a manual reset. */
export const healthRouter = router({
  breakers: workspaceProcedure("view").query(({ ctx }) => ctx.breakers.list()),

  resetBreaker: workspaceProcedure("manage")
    .input(z.strictObject({ key: z.string().min(1).max(200) }))
    .mutation(async ({ ctx, input }) => {
      if (!(await ctx.breakers.reset(input.key, new Date()))) throw new NotFound("circuit breaker");
      return { key: input.key, state: "closed" as const };
    }),
});
