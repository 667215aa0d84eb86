import type { Role } from "../../generated/sqlite/enums.ts";
import type { ModelPrice } from "../../lib/run/cost";
import type { Prisma } from "./client";

export interface Membership {
  workspaceId: string;
  workspaceName: string;
  role: Role;
}

export function workspacesRepository(prisma: Prisma) {
  return {
    /** A new account's own workspace, with the account as owner. */
    async createForNewUser(userId: string, userName: string): Promise<Membership> {
      const name = `${userName.split(" ")[0] || "My"}'s workspace`;
      const workspace = await prisma.workspace.create({
        data: { name, memberships: { create: { userId, role: "owner" } } },
      });
      return { workspaceId: workspace.id, workspaceName: workspace.name, role: "owner" };
    },

    /** The workspace a signed-in user works in: their oldest membership. */
    /** The person's membership in one workspace (an API token's), read afresh; null once they left. */
    async membershipIn(userId: string, workspaceId: string): Promise<Membership | null> {
      const row = await prisma.membership.findUnique({
        where: { workspaceId_userId: { workspaceId, userId } },
        include: { workspace: { select: { name: true } } },
      });
      return row && { workspaceId: row.workspaceId, workspaceName: row.workspace.name, role: row.role };
    },

    async primaryMembership(userId: string): Promise<Membership | null> {
      const row = await prisma.membership.findFirst({
        where: { userId },
        orderBy: [{ lastUsedAt: "desc" }, { createdAt: "asc" }],
        include: { workspace: { select: { name: true } } },
      });
      return row && { workspaceId: row.workspaceId, workspaceName: row.workspace.name, role: row.role };
    },

    /**
     * What a session reaches now, read afresh: its user's primary membership. Null once the
     * session has ended (signed out, revoked, expired) or its user is in no workspace.
     */
    async sessionAccess(sessionId: string, now = new Date()): Promise<(Membership & { userId: string }) | null> {
      const session = await prisma.session.findFirst({
        where: { id: sessionId, expiresAt: { gt: now } },
        select: { userId: true },
      });
      const membership = session && (await this.primaryMembership(session.userId));
      return membership ? { ...membership, userId: session.userId } : null;
    },

    /** The private hosts, IPs or CIDR ranges the workspace's flows may reach. */
    /** How many days finished runs keep their events (retention.ts); null: forever. */
    async runRetentionDays(workspaceId: string): Promise<number | null> {
      const row = await prisma.workspace.findUnique({ where: { id: workspaceId }, select: { runRetentionDays: true } });
      return row?.runRetentionDays ?? null;
    },

    async setRunRetentionDays(workspaceId: string, days: number | null): Promise<number | null> {
      await prisma.workspace.update({ where: { id: workspaceId }, data: { runRetentionDays: days } });
      return days;
    },

    /** Settings → Models: what each model costs (lib/run/cost.ts). */
    async modelPrices(workspaceId: string): Promise<ModelPrice[]> {
      const row = await prisma.workspace.findUnique({ where: { id: workspaceId }, select: { modelPrices: true } });
      return (row?.modelPrices as ModelPrice[] | null) ?? [];
    },

    async setModelPrices(workspaceId: string, prices: ModelPrice[]): Promise<ModelPrice[]> {
      await prisma.workspace.update({ where: { id: workspaceId }, data: { modelPrices: prices } });
      return prices;
    },

    async outboundAllow(workspaceId: string): Promise<string[]> {
      const row = await prisma.workspace.findUnique({ where: { id: workspaceId }, select: { outboundAllow: true } });
      return (row?.outboundAllow as string[] | null) ?? [];
    },

    async setOutboundAllow(workspaceId: string, entries: string[]): Promise<string[]> {
      const unique = [...new Set(entries)];
      await prisma.workspace.update({ where: { id: workspaceId }, data: { outboundAllow: unique } });
      return unique;
    },
  };
}
export type WorkspacesRepository = ReturnType<typeof workspacesRepository>;
