import { z } from "zod";
import { outboundAllowSchema } from "../../../../lib/settings/outbound-allow";
import { router, workspaceProcedure } from "../../trpc";

/** Workspace settings beyond the team: which private addresses flows may reach. */
export const settingsRouter = router({
  outboundAllow: workspaceProcedure("view").query(({ ctx }) =>
    ctx.services.workspaces.outboundAllow(ctx.workspace.workspaceId),
  ),

  setOutboundAllow: workspaceProcedure("manage")
    .input(z.object({ entries: outboundAllowSchema }))
    .mutation(({ ctx, input }) => ctx.services.workspaces.setOutboundAllow(ctx.workspace.workspaceId, input.entries)),
});
