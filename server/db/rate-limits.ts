import type { RateLimits } from "../engine/runtime/ports";
import type { Prisma } from "./client";

/** How often a take is tried again when another process changed the bucket first. */
const TRIES = 20;

/**
 * Rate limits on Prisma (RateLimitBucket): a token bucket per workspace and key that refills at
 * `rate` tokens a second up to `burst`. A take always takes a token, so the bucket may go below
 * zero: an attempt that finds none reserves the next one and learns when it is due; attempts
 * waiting meanwhile line up behind it, each at its own time, and none asks twice. Each take is
 * a conditional update on what was read, so processes taking at once never share a token.
 */
export function prismaRateLimits(prisma: Prisma): RateLimits {
  return {
    async take(workspaceId, key, now, { ratePerSecond, burst }) {
      for (let tries = 0; tries < TRIES; tries++) {
        const row = await prisma.rateLimitBucket.findUnique({ where: { workspaceId_key: { workspaceId, key } } });
        if (!row) {
          try {
            await prisma.rateLimitBucket.create({ data: { workspaceId, key, tokens: burst - 1, refilledAt: now } });
            return { at: now };
          } catch (error) {
            if ((error as { code?: unknown }).code === "P2002") continue; // another process made it first
            throw error;
          }
        }
        // Another process may have taken with a later "now": the bucket's time never goes back,
        // so turns stay 1/rate apart whoever takes them.
        const at = Math.max(now.getTime(), row.refilledAt.getTime());
        const elapsed = (at - row.refilledAt.getTime()) / 1_000;
        const available = Math.min(burst, row.tokens + elapsed * ratePerSecond);
        const after = available - 1;
        const { count } = await prisma.rateLimitBucket.updateMany({
          where: { workspaceId, key, tokens: row.tokens, refilledAt: row.refilledAt },
          data: { tokens: after, refilledAt: new Date(at) },
        });
        if (count === 0) continue;
        // A token now, or when the deficit has refilled.
        return { at: after >= 0 ? now : new Date(at + Math.ceil((-after / ratePerSecond) * 1_000)) };
      }
      throw new Error(`rate limit ${key}: too much contention to take a token`);
    },
  };
}
