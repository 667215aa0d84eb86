import { afterAll, beforeAll, expect, it } from "vitest";
import { prismaTimerStore } from "../../db/timer-store";
import { startTestServer, type TestServer } from "../../testing/test-server";
import type { DueTimer } from "./ports";
import { TimerLoop } from "./timer-loop";

let t: TestServer;
let runId: string;

beforeAll(async () => {
  t = await startTestServer();
  const api = t.trpc(await t.signUp("timers@example.com"));
  const flow = await api.flows.create.mutate({ name: "Timers" });
  runId = (await api.runs.start.mutate({ flowId: flow.id })).runId; // a run row the timers belong to
});
afterAll(() => t.close());

const clock = { now: () => new Date() };
const due = (key: string): DueTimer => ({
  key,
  runId,
  dueAt: new Date(Date.now() - 1_000),
  event: { type: "run.waiting", data: {} },
});

it("several processes watching the same timers deliver each one once", async () => {
  const store = prismaTimerStore(t.app.services.prisma);
  await store.schedule(due("shared-1"));
  await store.schedule(due("shared-2"));
  const delivered: string[] = [];
  const loops = [0, 1, 2].map(
    () =>
      new TimerLoop(store, clock, async (timer) => {
        delivered.push(timer.key);
        await new Promise((r) => setTimeout(r, 20)); // delivering takes a moment: the others look meanwhile
        await store.markFired(timer.key, new Date());
        return true;
      }),
  );
  await Promise.all(loops.map((loop) => loop.start()));
  await Promise.all(loops.map((loop) => loop.stop()));
  expect(delivered.sort()).toEqual(["shared-1", "shared-2"]);
});

it("a timer whose delivery did not happen is given back and delivered later", async () => {
  const store = prismaTimerStore(t.app.services.prisma);
  await store.schedule(due("given-back"));
  let tries = 0;
  const loop = new TimerLoop(store, clock, async (timer) => {
    tries++;
    if (tries === 1) return false; // e.g. another process moved the run on first
    await store.markFired(timer.key, new Date());
    return true;
  });
  await loop.start();
  await loop.start(); // the next look
  await loop.stop();
  expect(tries).toBe(2);
  expect(await store.due(new Date(), 10)).toEqual([]);
});
