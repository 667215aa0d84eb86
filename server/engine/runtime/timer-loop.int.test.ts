import { afterAll, beforeAll, expect, it } from "vitest";
import { prismaTimerStore } from "../../db/timer-store";
import { startTestServer, type TestServer } from "../../testing/test-server";
import { waitFor } from "../../testing/wait-for";
import type { DueTimer } from "./ports";
import { CLAIM_MS, TimerLoop } from "./timer-loop";

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

/** A clock the test moves by hand. */
function handClock(start: number) {
  let at = start;
  return {
    now: () => new Date(at),
    set(ms: number) {
      at = ms;
    },
  };
}

it("a claim left by a process that died: the loop sleeps until it runs out (no spinning), then delivers the timer", async () => {
  const store = prismaTimerStore(t.app.services.prisma);
  const now = Date.now();
  const clock = handClock(now);
  await store.schedule({ ...due("left-claimed"), dueAt: new Date(now - 1_000) });
  // The claim a loop takes as it starts delivering; its process died before it was delivered.
  expect(await store.claim("left-claimed", clock.now(), new Date(now + CLAIM_MS))).toBe(true);
  expect(CLAIM_MS).toBeLessThanOrEqual(5_000); // retaken within seconds, not half a minute

  const delivered: string[] = [];
  const loop = new TimerLoop(store, clock, async (timer) => {
    delivered.push(timer.key);
    return store.markFired(timer.key, clock.now());
  });
  await loop.start();
  expect(delivered).toEqual([]);
  // Next look when the claim runs out; not at the (past) due time, which would look again at once, and again.
  expect(loop.nextLookAt?.getTime()).toBe(now + CLAIM_MS);

  clock.set(now + CLAIM_MS);
  await loop.start(); // the look it slept until
  await loop.stop();
  expect(delivered).toEqual(["left-claimed"]);
  expect(await store.nextDueAt(clock.now())).toBeNull();
});

it("a delivery that outlasts its claim renews it: no other process takes the timer meanwhile", async () => {
  const store = prismaTimerStore(t.app.services.prisma);
  const now = Date.now();
  const clock = handClock(now);
  await store.schedule({ ...due("held-long"), dueAt: new Date(now - 1_000) });
  let finish = () => {};
  let delivering = () => {};
  const inDelivery = new Promise<void>((r) => (delivering = r));
  const slow = new TimerLoop(store, clock, async (timer) => {
    delivering();
    await new Promise<void>((r) => (finish = r));
    return store.markFired(timer.key, clock.now());
  });
  const slowLook = slow.start();
  await inDelivery;
  clock.set(now + 2 * CLAIM_MS); // the delivery outlasts its first claim
  const claimedUntil = async () =>
    (await t.app.services.prisma.timer.findUniqueOrThrow({ where: { key: "held-long" } })).claimedUntil?.getTime() ?? 0;
  await waitFor(
    "the claim to be renewed past the moved clock",
    claimedUntil,
    (until) => until > clock.now().getTime(),
    {
      everyMs: 50,
    },
  );

  const taken: string[] = [];
  const other = new TimerLoop(store, clock, async (timer) => {
    taken.push(timer.key);
    return true;
  });
  await other.start();
  await other.stop();
  expect(taken).toEqual([]);
  finish();
  await slowLook;
  await slow.stop();
  expect(await store.nextDueAt(clock.now())).toBeNull();
});

it("looks again when its clock jumps, not only when the armed wait ends", async () => {
  const store = prismaTimerStore(t.app.services.prisma);
  let offset = 0;
  const jumped = new Set<() => void>();
  const jumpy = {
    now: () => new Date(Date.now() + offset),
    onJump(listener: () => void) {
      jumped.add(listener);
      return () => jumped.delete(listener);
    },
  };
  await store.schedule({ ...due("an-hour-away"), dueAt: new Date(Date.now() + 3_600_000) });
  const delivered: string[] = [];
  const loop = new TimerLoop(store, jumpy, async (timer) => {
    delivered.push(timer.key);
    await store.markFired(timer.key, jumpy.now());
    return true;
  });
  await loop.start(); // armed for an hour from now
  expect(delivered).toEqual([]);
  offset = 3_600_000;
  for (const listener of jumped) listener();
  await waitFor(
    "the timer an hour away to be delivered",
    () => delivered,
    (keys) => keys.includes("an-hour-away"),
    { timeoutMs: 2_000 },
  );
  await loop.stop();
  expect(jumped.size).toBe(0); // a stopped loop stops listening
});
