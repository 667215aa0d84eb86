import type { Prisma } from "./db/client";
import { createEmbeddedEngine } from "./embedded-engine";
import { redisBus } from "./engine/runtime/redis-bus";
import { bullStepQueue } from "./engine/runtime/step-queue";

export interface ScaleOutOptions {
  redisUrl: string;
  /** Names the queue and the event channel; processes that share it share the work. */
  queueName: string;
  /** How long a worker's hold on an attempt lasts without renewal (its lease). */
  lockMs: number;
  /** How often the web process hands running attempts on again (a lost hand-over). */
  redispatchMs: number;
}

/**
 * Scale-out's wiring: the same engine on PostgreSQL, with the event bus on a Redis channel and
 * attempts handed to worker processes through a BullMQ queue. The web process and the workers
 * build it alike; only workers take jobs (`steps.work`).
 */
export async function createScaleOutEngine(
  prisma: Prisma,
  scaleOut: ScaleOutOptions,
  options: Omit<NonNullable<Parameters<typeof createEmbeddedEngine>[1]>, "bus" | "steps" | "follow"> = {},
) {
  const bus = await redisBus(scaleOut.redisUrl, `${scaleOut.queueName}:events`);
  const steps = bullStepQueue(scaleOut.redisUrl, { name: scaleOut.queueName, lockMs: scaleOut.lockMs });
  const { engine } = createEmbeddedEngine(prisma, {
    ...options,
    bus,
    steps,
    follow: true,
    redispatchMs: scaleOut.redispatchMs,
  });
  return {
    engine,
    bus,
    steps,
    async close() {
      await steps.close();
      await bus.close();
    },
  };
}
