import type { Prisma } from "./db/client";
import { prismaRunStore } from "./db/run-store";
import { prismaTimerStore } from "./db/timer-store";
import { executors } from "./engine/runtime/executors";
import { inProcessBus, systemClock } from "./engine/runtime/in-process-bus";
import type { Clock, EventBus } from "./engine/runtime/ports";
import { RunEngine } from "./engine/runtime/run-engine";

/** The engine on Prisma with the in-process bus: embedded mode's wiring, shared by the app, tests and benches. */
export function createEmbeddedEngine(
  prisma: Prisma,
  options: { bus?: EventBus; clock?: Clock; onError?: (error: unknown, runId: string) => void } = {},
) {
  const bus = options.bus ?? inProcessBus();
  const engine = new RunEngine({
    store: prismaRunStore(prisma),
    timers: prismaTimerStore(prisma),
    bus,
    clock: options.clock ?? systemClock,
    executors,
    onError: options.onError,
  });
  return { engine, bus };
}
