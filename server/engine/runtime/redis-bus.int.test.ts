import { randomUUID } from "node:crypto";
import { afterAll, expect, it } from "vitest";
import type { RunEvent } from "../../../lib/run/events";
import { redisBus } from "./redis-bus";

const url = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const channel = `switchyard:test:${randomUUID()}`;
const closers: (() => Promise<void>)[] = [];
afterAll(() => Promise.all(closers.map((close) => close())));

const event = (seq: number): RunEvent => ({
  runId: "r1",
  seq,
  at: "2026-11-30T00:00:00.000Z",
  type: "run.waiting",
  data: {},
});

it("carries committed events from one process's bus to every other's, once each, a publisher's in order", async () => {
  const web = await redisBus(url, channel);
  const worker = await redisBus(url, channel);
  closers.push(web.close, worker.close);
  const heardByWeb: number[] = [];
  const heardByWorker: number[] = [];
  web.subscribe((events, workspaceId) => {
    expect(workspaceId).toBe("w1");
    heardByWeb.push(...events.map((e) => e.seq));
  });
  worker.subscribe((events) => heardByWorker.push(...events.map((e) => e.seq)));

  worker.publish([event(1), event(2)], "w1");
  worker.publish([event(3)], "w1");
  web.publish([event(4)], "w1");
  await expect.poll(() => heardByWeb.length).toBe(4);
  await expect.poll(() => heardByWorker.length).toBe(4);
  // One publisher's events keep their order; two publishers' may interleave (clients fill gaps by seq).
  for (const heard of [heardByWeb, heardByWorker]) {
    expect([...heard].sort()).toEqual([1, 2, 3, 4]);
    expect(heard.filter((seq) => seq < 4)).toEqual([1, 2, 3]);
  }
});

it("carries access changes to every process's bus, the publisher's too, apart from run events", async () => {
  const web = await redisBus(url, channel);
  const other = await redisBus(url, channel);
  closers.push(web.close, other.close);
  const heard: { web: unknown[]; other: unknown[]; events: number } = { web: [], other: [], events: 0 };
  web.subscribeAccessChanges((change) => heard.web.push(change));
  other.subscribeAccessChanges((change) => heard.other.push(change));
  other.subscribe(() => heard.events++);

  web.publishAccessChange({ userId: "u1" });
  web.publishAccessChange({ sessionId: "s1" });
  await expect.poll(() => heard.other.length).toBe(2);
  await expect.poll(() => heard.web.length).toBe(2);
  expect(heard.other).toEqual([{ userId: "u1" }, { sessionId: "s1" }]);
  expect(heard.web).toEqual(heard.other);
  expect(heard.events).toBe(0);
});
