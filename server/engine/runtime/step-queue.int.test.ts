import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { afterAll, expect, it } from "vitest";
import { bullStepQueue, type StepJob } from "./step-queue";

const url = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const name = `switchyard-test-${randomUUID()}`;
const web = bullStepQueue(url, { name });
const worker = bullStepQueue(url, { name });
afterAll(async () => {
  await web.close();
  await worker.close();
  const queue = new Queue(name, { connection: { url } });
  await queue.obliterate({ force: true });
  await queue.close();
});

const job = (nodeId: string, attempt = 1): StepJob => ({
  runId: "run1",
  command: {
    type: "execute",
    nodeId,
    path: [],
    iteration: 0,
    attempt,
    idempotencyKey: `run1:${nodeId}:0:${attempt}`,
  },
});

it("hands each attempt to a worker once, however often it is dispatched", async () => {
  const taken: string[] = [];
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  worker.work(async (j) => {
    taken.push(j.command.idempotencyKey);
    await held; // the attempt is still held when it is dispatched again (recovery after a restart)
  }, 4);
  await web.dispatch(job("a"));
  await web.dispatch(job("b"));
  await expect.poll(() => taken.length).toBe(2);
  await web.dispatch(job("a"));
  await web.dispatch(job("a", 2)); // the next attempt is another job
  await expect.poll(() => taken.length).toBe(3);
  release();
  await new Promise((r) => setTimeout(r, 200));
  expect(taken.sort()).toEqual(["run1:a:0:1", "run1:a:0:2", "run1:b:0:1"]);
});
