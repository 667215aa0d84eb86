import { Queue, Worker } from "bullmq";
import { z } from "zod";
import type { Command } from "../core/commands";

export type ExecuteCommand = Extract<Command, { type: "execute" }>;

/** One attempt of one node, handed from the process that decided it to whichever worker is free. */
export interface StepJob {
  runId: string;
  command: ExecuteCommand;
}

/** Scale-out's hand-off of node attempts to worker processes. */
export interface StepQueue {
  /** Hands an attempt over; an attempt already waiting or held by a worker is not added twice. */
  dispatch(job: StepJob): Promise<void>;
  /** Starts taking attempts in this process, `concurrency` at a time. */
  work(handler: (job: StepJob) => Promise<void>, concurrency: number): void;
  close(): Promise<void>;
}

const DISPATCH_TIMEOUT_MS = 5_000;

/** A job comes back from Redis: parsed like any input from outside the process. */
const stepJobSchema = z.object({
  runId: z.string().min(1),
  command: z.object({
    type: z.literal("execute"),
    nodeId: z.string().min(1),
    path: z.array(z.number().int().nonnegative()),
    iteration: z.number().int().nonnegative(),
    attempt: z.number().int().positive(),
    idempotencyKey: z.string().min(1),
  }),
});

/**
 * The step queue on BullMQ (Redis). A job's id is the attempt's idempotency key, so recovery
 * re-dispatching an attempt a worker still holds adds nothing. The job lock is the lease: a
 * worker that dies stops renewing it, and after `lockMs` the attempt is handed to another
 * worker (the outcome is fenced by attempt and seq, so a late one changes nothing).
 */
export function bullStepQueue(url: string, options: { name?: string; lockMs?: number } = {}): StepQueue {
  const connection = { url, maxRetriesPerRequest: null };
  const name = options.name ?? "switchyard-steps";
  const queue = new Queue(name, { connection });
  let worker: Worker | undefined;
  return {
    async dispatch(job) {
      const added = queue.add("execute", job, {
        // BullMQ ids may not contain ":".
        jobId: job.command.idempotencyKey.replaceAll(":", "|"),
        removeOnComplete: true,
        // A failed job is removed too: one kept under its id would block the re-dispatch that repairs it.
        removeOnFail: true,
        attempts: 1, // a node's retries are the engine's (durable timers), not the queue's
      });
      // Redis down: give up rather than hold the run's queue; the periodic re-dispatch repairs it.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("the step queue did not answer within 5 s")), DISPATCH_TIMEOUT_MS);
      });
      try {
        await Promise.race([added, late]);
      } finally {
        clearTimeout(timer);
      }
    },
    work(handler, concurrency) {
      const lockDuration = options.lockMs ?? 30_000;
      worker = new Worker(name, async (job) => handler(stepJobSchema.parse(job.data) as StepJob), {
        connection,
        concurrency,
        lockDuration,
        stalledInterval: Math.max(1_000, Math.floor(lockDuration / 2)),
        maxStalledCount: 5,
      });
      worker.on("error", (error) => console.error("step worker:", error));
    },
    async close() {
      await worker?.close();
      await queue.close();
    },
  };
}
