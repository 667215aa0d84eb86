import { z } from "zod";
import { roleSchema as role } from "../../roles";
import { actorOf, protectedProcedure, router, workspaceProcedure } from "../../trpc";

const id = z.string().min(1).max(100);

/** Members, roles, invite links and groups. Everyone sees the team; only owners change it. */
export const teamRouter = router({
  members: workspaceProcedure("view").query(({ ctx }) => ctx.team.members()),

  /** A member's sockets are dropped after a change of role or a removal; they reconnect with what is left. */
  setRole: workspaceProcedure("manage")
    .input(z.object({ userId: id, role }))
    .mutation(async ({ ctx, input }) => {
      await ctx.team.setRole(input.userId, input.role);
      ctx.services.access.publishAccessChange({ userId: input.userId });
    }),

  removeMember: workspaceProcedure("manage")
    .input(z.object({ userId: id }))
    .mutation(async ({ ctx, input }) => {
      await ctx.team.removeMember(input.userId);
      ctx.services.access.publishAccessChange({ userId: input.userId });
    }),

  invites: workspaceProcedure("manage").query(({ ctx }) => ctx.team.invites()),

  createInvite: workspaceProcedure("manage")
    .input(z.object({ role }))
    .mutation(({ ctx, input }) => ctx.team.createInvite(input.role, ctx.user.id)),

  revokeInvite: workspaceProcedure("manage")
    .input(z.object({ id }))
    .mutation(({ ctx, input }) => ctx.team.revokeInvite(input.id)),

  groups: workspaceProcedure("view").query(({ ctx }) => ctx.team.groups()),

  createGroup: workspaceProcedure("manage")
    .input(z.object({ name: z.string().trim().min(1, "a group needs a name").max(80) }))
    .mutation(({ ctx, input }) => ctx.team.createGroup(input.name)),

  removeGroup: workspaceProcedure("manage")
    .input(z.object({ id }))
    .mutation(({ ctx, input }) => ctx.team.removeGroup(input.id)),

  setGroupMembers: workspaceProcedure("manage")
    .input(z.object({ id, userIds: z.array(id).max(1_000) }))
    .mutation(({ ctx, input }) => ctx.team.setGroupMembers(input.id, input.userIds)),

  /** What an invite link offers, shown before joining. Null when it no longer works. */
  invite: protectedProcedure
    .input(z.object({ token: z.string().min(1).max(200) }))
    .query(({ ctx, input }) => ctx.services.invites.byToken(input.token)),

  /** Joins the workspace of an invite link; it becomes the workspace the user works in. */
  acceptInvite: protectedProcedure
    .input(z.object({ token: z.string().min(1).max(200) }))
    .mutation(async ({ ctx, input }) => {
      const joined = await ctx.services.invites.accept(input.token, actorOf(ctx));
      // Their sockets still follow the workspace they worked in: they reconnect into this one.
      ctx.services.access.publishAccessChange({ userId: ctx.user.id });
      return { workspaceName: joined.workspaceName, role: joined.role };
    }),
});
