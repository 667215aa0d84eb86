import type { EngineEvent } from "../../lib/run/events";
import type { TimerStore } from "../engine/runtime/ports";
import type { Prisma } from "./client";
import { toJson } from "./json";

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
        where: { firedAt: null, dueAt: { lte: now }, OR: [{ claimedUntil: null }, { claimedUntil: { lt: now } }] },
        orderBy: { dueAt: "asc" },
        take: limit,
      });
      return rows.map((r) => ({ key: r.key, runId: r.runId, dueAt: r.dueAt, event: r.event as EngineEvent }));
    },
    async nextDueAt() {
      const row = await prisma.timer.findFirst({
        where: { firedAt: null },
        orderBy: { dueAt: "asc" },
        select: { dueAt: true },
      });
      return row?.dueAt ?? null;
    },
    async claim(key, now, until) {
      const { count } = await prisma.timer.updateMany({
        where: { key, firedAt: null, OR: [{ claimedUntil: null }, { claimedUntil: { lt: now } }] },
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
