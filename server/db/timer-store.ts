import type { EngineEvent } from "../../lib/run/events";
import type { TimerStore } from "../engine/runtime/ports";
import type { Prisma } from "./client";
import { toJson } from "./json";

/** Not claimed, or claimed until `now` at the latest (the claim ran out: its process died or gave up). */
const unclaimed = (now: Date) => ({ OR: [{ claimedUntil: null }, { claimedUntil: { lte: now } }] });

export function prismaTimerStore(prisma: Prisma): TimerStore {
  return {
    async schedule(timer) {
      await prisma.timer.upsert({
        where: { key: timer.key },
        create: { key: timer.key, runId: timer.runId, dueAt: timer.dueAt, event: toJson(timer.event) },
        update: {},
      });
    },
    async due(now, limit) {
      const rows = await prisma.timer.findMany({
        where: { firedAt: null, dueAt: { lte: now }, ...unclaimed(now) },
        orderBy: { dueAt: "asc" },
        take: limit,
      });
      return rows.map((r) => ({ key: r.key, runId: r.runId, dueAt: r.dueAt, event: r.event as EngineEvent }));
    },
    async nextDueAt(now) {
      // A claimed timer is left alone until its claim runs out: counted then, not at its due time.
      const [free, held] = await Promise.all([
        prisma.timer.findFirst({
          where: { firedAt: null, ...unclaimed(now) },
          orderBy: { dueAt: "asc" },
          select: { dueAt: true },
        }),
        prisma.timer.findFirst({
          where: { firedAt: null, claimedUntil: { gt: now } },
          orderBy: { claimedUntil: "asc" },
          select: { claimedUntil: true },
        }),
      ]);
      const times = [free?.dueAt, held?.claimedUntil].filter((t): t is Date => t instanceof Date);
      return times.length > 0 ? new Date(Math.min(...times.map((t) => t.getTime()))) : null;
    },
    async claim(key, now, until) {
      const { count } = await prisma.timer.updateMany({
        where: { key, firedAt: null, ...unclaimed(now) },
        data: { claimedUntil: until },
      });
      return count === 1;
    },
    async renew(key, held, until) {
      const { count } = await prisma.timer.updateMany({
        where: { key, firedAt: null, claimedUntil: held },
        data: { claimedUntil: until },
      });
      return count === 1;
    },
    async release(key) {
      await prisma.timer.updateMany({ where: { key, firedAt: null }, data: { claimedUntil: null } });
    },
    async markFired(key, at) {
      const { count } = await prisma.timer.updateMany({ where: { key, firedAt: null }, data: { firedAt: at } });
      return count === 1;
    },
  };
}
