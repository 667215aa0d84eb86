import { createHash, randomBytes } from "node:crypto";
import type { Role } from "../../generated/sqlite/enums";
import type { Prisma } from "./client";
import { NotFound } from "./errors";

/** What the list shows of a token: never its secret. */
export interface ApiTokenSummary {
  id: string;
  name: string;
  role: Role | null;
  prefix: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

const summary = {
  id: true,
  name: true,
  role: true,
  prefix: true,
  createdAt: true,
  expiresAt: true,
  revokedAt: true,
  lastUsedAt: true,
} as const;

const hashOf = (secret: string) => createHash("sha256").update(secret).digest("hex");
/** Every token starts so: a secret scanner (or a person) recognises one in a log or a repository. */
export const TOKEN_PREFIX = "sy_";

/** One person's tokens in one workspace. */
export function apiTokensRepository(prisma: Prisma, workspaceId: string, userId: string) {
  return {
    list: (): Promise<ApiTokenSummary[]> =>
      prisma.apiToken.findMany({ where: { workspaceId, userId }, select: summary, orderBy: { createdAt: "desc" } }),

    /** A new token; the secret is in the answer, and nowhere else, ever. */
    async create(input: { name: string; role: Role | null; expiresAt: Date | null }) {
      const secret = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
      const token = await prisma.apiToken.create({
        data: { workspaceId, userId, ...input, secretHash: hashOf(secret), prefix: secret.slice(0, 10) },
        select: summary,
      });
      return { ...token, secret };
    },

    async revoke(id: string): Promise<void> {
      const { count } = await prisma.apiToken.updateMany({
        where: { id, workspaceId, userId, revokedAt: null },
        data: { revokedAt: new Date() },
      });
      if (count === 0) throw new NotFound("token");
    },
  };
}

/**
 * Who a bearer secret acts as: its person, workspace and narrower role, if it is a live
 * token (not revoked, not expired). Records the use.
 */
export async function apiTokenBySecret(
  prisma: Prisma,
  secret: string,
  now = new Date(),
): Promise<{ id: string; workspaceId: string; userId: string; role: Role | null } | null> {
  if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 200) return null;
  const token = await prisma.apiToken.findUnique({
    where: { secretHash: hashOf(secret) },
    select: { id: true, workspaceId: true, userId: true, role: true, revokedAt: true, expiresAt: true },
  });
  if (!token || token.revokedAt || (token.expiresAt && token.expiresAt <= now)) return null;
  await prisma.apiToken.update({ where: { id: token.id }, data: { lastUsedAt: now } });
  return { id: token.id, workspaceId: token.workspaceId, userId: token.userId, role: token.role };
}
