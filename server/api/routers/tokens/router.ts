import { z } from "zod";
import { UserError } from "../../errors";
import { roleSchema } from "../../roles";
import { narrower, router, workspaceProcedure } from "../../trpc";

/**
 * The caller's personal access tokens for the REST API (Settings → API tokens). A token acts
 * as its person in this workspace; it is made by a browser session, never by another token.
 */
export const tokensRouter = router({
  list: workspaceProcedure("view").query(({ ctx }) => ctx.apiTokens.list()),

  create: workspaceProcedure("view")
    .input(
      z.strictObject({
        name: z.string().trim().min(1, "give the token a name").max(100, "keep the name under 100 characters"),
        /** A narrower role than the person's, or null for theirs. */
        role: roleSchema.nullable().default(null),
        expiresInDays: z.number().int().min(1).max(3650).nullable().default(null),
      }),
    )
    .mutation(({ ctx, input }) => {
      if (ctx.token) throw new UserError("A token cannot make tokens: sign in to make one.");
      if (input.role && narrower(ctx.workspace.role, input.role) !== input.role)
        throw new UserError(`A token cannot have more rights than you: your role here is ${ctx.workspace.role}.`);
      const expiresAt = input.expiresInDays === null ? null : new Date(Date.now() + input.expiresInDays * 86_400_000);
      return ctx.apiTokens.create({ name: input.name, role: input.role, expiresAt });
    }),

  revoke: workspaceProcedure("view")
    .input(z.strictObject({ id: z.string().min(1) }))
    .mutation(async ({ ctx, input }) => {
      await ctx.apiTokens.revoke(input.id);
      return { id: input.id };
    }),
});
