import type { StepCache } from "../engine/runtime/ports";
import type { Prisma } from "./client";
import { toJson } from "./json";

/**
 * The step cache on Prisma (StepCacheEntry): per workspace, by request hash. A write replaces
 * what an earlier one left, expired or not; expired entries are never served, and are removed
 * with the daily retention pass (retention.ts).
 */
export function prismaStepCache(prisma: Prisma): StepCache {
  return {
    async get(workspaceId, key, now) {
      const row = await prisma.stepCacheEntry.findUnique({ where: { workspaceId_key: { workspaceId, key } } });
      return row && row.expiresAt > now ? { value: row.value, storedAt: row.createdAt } : null;
    },
    async put(workspaceId, key, value, now, expiresAt) {
      const data = { value: toJson(value), createdAt: now, expiresAt };
      await prisma.stepCacheEntry.upsert({
        where: { workspaceId_key: { workspaceId, key } },
        create: { workspaceId, key, ...data },
        update: data,
      });
    },
  };
}

/** Removes cache entries that expired before `now`; returns how many. */
export async function purgeExpiredCache(prisma: Prisma, now = new Date()): Promise<number> {
  const { count } = await prisma.stepCacheEntry.deleteMany({ where: { expiresAt: { lt: now } } });
  return count;
}
