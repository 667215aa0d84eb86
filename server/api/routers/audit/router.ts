import { z } from "zod";
import { router, workspaceProcedure } from "../../trpc";

const filter = z.strictObject({ action: z.string().max(100).optional() });

/** Settings → Audit log: who changed what in the workspace, newest first. Owners read it. */
export const auditRouter = router({
  list: workspaceProcedure("manage")
    .input(
      filter.extend({
        page: z.number().int().min(0).max(100_000).default(0),
        pageSize: z.number().int().min(1).max(200).default(50),
      }),
    )
    .query(({ ctx, input }) => ctx.audit.list(input)),

  actions: workspaceProcedure("manage").query(({ ctx }) => ctx.audit.actions()),
});
