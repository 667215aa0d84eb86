import type { BreakerSettings, CircuitBreakers } from "../engine/runtime/ports";
import type { Prisma } from "./client";

/**
 * Circuit breakers on Prisma (CircuitBreaker rows, per workspace and key), so every run and
 * every process sees one state: SQLite in the embedded mode, the shared PostgreSQL in scale-out.
 * Each change is one conditional update, so two processes racing on a breaker cannot both open
 * it, nor both take its half-open probe.
 *
 * closed: failures within `windowMs` are counted (the window starts at the first of them);
 * reaching `failures` opens it. open: attempts are refused until `openUntil`; then the first to
 * ask takes the probe (half_open, held for a while so a probe that never reports frees it).
 * The probe's success closes the breaker; its failure opens it again.
 */
export function prismaCircuitBreakers(prisma: Prisma): CircuitBreakers {
  const where = (workspaceId: string, key: string) => ({ workspaceId_key: { workspaceId, key } });
  const row = (workspaceId: string, key: string) =>
    prisma.circuitBreaker.findUnique({ where: where(workspaceId, key) });

  return {
    async admit(workspaceId, key, now, settings) {
      const current = await row(workspaceId, key);
      if (!current || current.state === "closed") return { admitted: true, probe: false };
      if (current.state === "open" && current.openUntil && current.openUntil > now)
        return { admitted: false, openUntil: current.openUntil, failures: current.failureCount };
      if (current.state === "half_open" && current.probeUntil && current.probeUntil > now)
        return { admitted: false, openUntil: current.probeUntil, failures: current.failureCount };
      // Open past its time (or a probe that never reported): this attempt is the probe, if no one took it first.
      const { count } = await prisma.circuitBreaker.updateMany({
        where: { workspaceId, key, state: current.state, updatedAt: current.updatedAt },
        data: { state: "half_open", probeUntil: new Date(now.getTime() + probeHoldMs(settings)), updatedAt: now },
      });
      if (count === 1) return { admitted: true, probe: true };
      const after = await row(workspaceId, key);
      return {
        admitted: false,
        openUntil: after?.probeUntil ?? after?.openUntil ?? now,
        failures: after?.failureCount ?? 0,
      };
    },

    async record(workspaceId, key, ok, now, settings, probe) {
      if (ok) {
        // A success closes a probing breaker; in a closed one it changes nothing (failures age out).
        if (probe)
          await prisma.circuitBreaker.updateMany({
            where: { workspaceId, key, state: "half_open" },
            data: closedState(now),
          });
        return;
      }
      if (probe) {
        await prisma.circuitBreaker.updateMany({
          where: { workspaceId, key, state: "half_open" },
          data: {
            state: "open",
            openedAt: now,
            openUntil: new Date(now.getTime() + settings.openMs),
            probeUntil: null,
            failureCount: { increment: 1 },
            lastFailureAt: now,
            updatedAt: now,
          },
        });
        return;
      }
      const windowFrom = new Date(now.getTime() - settings.windowMs);
      // Within the window: one more failure. Past it (or none yet): this failure starts a new window.
      const counted = await prisma.circuitBreaker.updateMany({
        where: { workspaceId, key, state: "closed", windowStart: { gte: windowFrom } },
        data: { failureCount: { increment: 1 }, lastFailureAt: now, updatedAt: now },
      });
      if (counted.count === 0) {
        const restarted = await prisma.circuitBreaker.updateMany({
          where: { workspaceId, key, state: "closed" },
          data: { failureCount: 1, windowStart: now, lastFailureAt: now, updatedAt: now },
        });
        if (restarted.count === 0 && !(await row(workspaceId, key))) {
          try {
            await prisma.circuitBreaker.create({
              data: {
                workspaceId,
                key,
                state: "closed",
                failureCount: 1,
                windowStart: now,
                lastFailureAt: now,
                updatedAt: now,
              },
            });
          } catch (error) {
            // Another process created it first (a unique violation): count this failure on it.
            if ((error as { code?: unknown }).code !== "P2002") throw error;
            await prisma.circuitBreaker.updateMany({
              where: { workspaceId, key, state: "closed" },
              data: { failureCount: { increment: 1 }, lastFailureAt: now, updatedAt: now },
            });
          }
        }
      }
      // Enough failures within the window: open, once (only a closed breaker opens).
      await prisma.circuitBreaker.updateMany({
        where: { workspaceId, key, state: "closed", failureCount: { gte: settings.failures } },
        data: { state: "open", openedAt: now, openUntil: new Date(now.getTime() + settings.openMs), updatedAt: now },
      });
    },
  };
}

/** A closed breaker that has forgotten its failures (a probe passed, or an owner reset it). */
const closedState = (now: Date) => ({
  state: "closed",
  failureCount: 0,
  windowStart: null,
  openUntil: null,
  probeUntil: null,
  updatedAt: now,
});

/** How long a half-open probe holds the breaker before another attempt may probe instead. */
const probeHoldMs = (settings: BreakerSettings) => Math.max(settings.openMs, 30_000);

/** Settings → Health: a workspace's breakers, and a manual reset. */
export function breakersRepository(prisma: Prisma, workspaceId: string) {
  return {
    async list() {
      const rows = await prisma.circuitBreaker.findMany({ where: { workspaceId }, orderBy: { key: "asc" } });
      return rows.map((r) => ({
        key: r.key,
        state: r.state as "closed" | "open" | "half_open",
        failures: r.failureCount,
        windowStart: r.windowStart,
        lastFailureAt: r.lastFailureAt,
        openedAt: r.openedAt,
        nextProbeAt: r.state === "open" ? r.openUntil : null,
      }));
    },
    /** Closes the breaker and forgets its failures; false when there is no such breaker. */
    async reset(key: string, now: Date): Promise<boolean> {
      const { count } = await prisma.circuitBreaker.updateMany({
        where: { workspaceId, key },
        data: closedState(now),
      });
      return count > 0;
    },
  };
}
