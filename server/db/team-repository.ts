import { randomBytes } from "node:crypto";
import type { Role } from "../../generated/sqlite/client.ts";
import { type AuditActor, auditRepository } from "./audit-repository";
import type { Prisma } from "./client";
import { NotFound, Refused } from "./errors";

const INVITE_DAYS = 7;

/** The people of one workspace: members and roles, invite links, groups. */
export function teamRepository(prisma: Prisma, workspaceId: string) {
  /** A change that would leave the workspace without an owner is refused. */
  const keepAnOwner = async (userId: string) => {
    const owners = await prisma.membership.findMany({
      where: { workspaceId, role: "owner" },
      select: { userId: true },
    });
    if (owners.length === 1 && owners[0]!.userId === userId)
      throw new Refused("A workspace needs an owner: make someone else owner first.");
  };
  const membership = async (userId: string) => {
    const row = await prisma.membership.findUnique({ where: { workspaceId_userId: { workspaceId, userId } } });
    if (!row) throw new NotFound("member");
    return row;
  };

  return {
    async members() {
      const rows = await prisma.membership.findMany({
        where: { workspaceId },
        orderBy: { createdAt: "asc" },
        include: {
          user: {
            select: {
              name: true,
              email: true,
              groups: { where: { group: { workspaceId } }, select: { group: { select: { id: true, name: true } } } },
            },
          },
        },
      });
      return rows.map((r) => ({
        userId: r.userId,
        name: r.user.name,
        email: r.user.email,
        role: r.role,
        joinedAt: r.createdAt,
        groups: r.user.groups.map((g) => g.group),
      }));
    },

    async setRole(userId: string, role: Role) {
      const current = await membership(userId);
      if (current.role === "owner" && role !== "owner") await keepAnOwner(userId);
      await prisma.membership.update({ where: { id: current.id }, data: { role } });
    },

    async removeMember(userId: string) {
      const current = await membership(userId);
      if (current.role === "owner") await keepAnOwner(userId);
      await prisma.$transaction([
        prisma.groupMember.deleteMany({ where: { userId, group: { workspaceId } } }),
        prisma.membership.delete({ where: { id: current.id } }),
      ]);
    },

    async createInvite(role: Role, createdById: string, now = new Date()) {
      return prisma.invite.create({
        data: {
          workspaceId,
          role,
          createdById,
          token: randomBytes(24).toString("base64url"),
          expiresAt: new Date(now.getTime() + INVITE_DAYS * 86_400_000),
        },
        select: { id: true, token: true, role: true, expiresAt: true, createdAt: true },
      });
    },

    /** Invites that still let someone in. */
    async invites(now = new Date()) {
      return prisma.invite.findMany({
        where: { workspaceId, revokedAt: null, expiresAt: { gt: now } },
        orderBy: { createdAt: "desc" },
        select: { id: true, token: true, role: true, expiresAt: true, createdAt: true },
      });
    },

    async revokeInvite(id: string, now = new Date()) {
      const { count } = await prisma.invite.updateMany({ where: { id, workspaceId }, data: { revokedAt: now } });
      if (count === 0) throw new NotFound("invite");
    },

    async groups() {
      const rows = await prisma.group.findMany({
        where: { workspaceId },
        orderBy: { name: "asc" },
        include: { members: { select: { userId: true } } },
      });
      return rows.map((g) => ({ id: g.id, name: g.name, memberIds: g.members.map((m) => m.userId) }));
    },

    async createGroup(name: string) {
      const taken = await prisma.group.findUnique({ where: { workspaceId_name: { workspaceId, name } } });
      if (taken) throw new Refused(`There is already a group named "${name}".`);
      return prisma.group.create({ data: { workspaceId, name }, select: { id: true, name: true } });
    },

    async removeGroup(id: string) {
      const { count } = await prisma.group.deleteMany({ where: { id, workspaceId } });
      if (count === 0) throw new NotFound("group");
    },

    /** Replaces a group's members; each must be a member of the workspace. */
    async setGroupMembers(id: string, userIds: string[]) {
      const group = await prisma.group.findFirst({ where: { id, workspaceId } });
      if (!group) throw new NotFound("group");
      const members = await prisma.membership.findMany({
        where: { workspaceId, userId: { in: userIds } },
        select: { userId: true },
      });
      if (members.length !== new Set(userIds).size)
        throw new Refused("Only members of this workspace can join a group.");
      await prisma.$transaction([
        prisma.groupMember.deleteMany({ where: { groupId: id } }),
        prisma.groupMember.createMany({ data: [...new Set(userIds)].map((userId) => ({ groupId: id, userId })) }),
      ]);
    },
  };
}
export type TeamRepository = ReturnType<typeof teamRepository>;

/** Invite links by token, before the person following one is in its workspace: not scoped to one. */
export function invitesRepository(prisma: Prisma) {
  return {
    /** What an invite link offers, for the page that asks "join?" (no secret beyond the token itself). */
    async byToken(token: string, now = new Date()) {
      const invite = await prisma.invite.findUnique({
        where: { token },
        include: { workspace: { select: { name: true } } },
      });
      if (!invite || invite.revokedAt || invite.expiresAt <= now) return null;
      return { workspaceId: invite.workspaceId, workspaceName: invite.workspace.name, role: invite.role };
    },

    /**
     * Joins the invite's workspace with its role (someone already a member keeps their role) and
     * makes it the workspace they work in. Joining is in the workspace's audit log.
     */
    async accept(token: string, actor: AuditActor, now = new Date()) {
      const invite = await this.byToken(token, now);
      if (!invite) throw new Refused("This invite link has expired or was revoked. Ask for a new one.");
      const userId = actor.id;
      await prisma.membership.upsert({
        where: { workspaceId_userId: { workspaceId: invite.workspaceId, userId } },
        create: { workspaceId: invite.workspaceId, userId, role: invite.role, lastUsedAt: now },
        update: { lastUsedAt: now },
      });
      await auditRepository(prisma, invite.workspaceId).append({
        actor,
        action: "member.joined",
        target: { type: "user", id: userId },
        details: { role: invite.role },
      });
      return invite;
    },
  };
}
export type InvitesRepository = ReturnType<typeof invitesRepository>;
