// Rate limits through the real app: steps of two runs share one limit; attempts over it wait
// on durable timers (throttled) and then run, each once.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { RunEvent } from "../../../lib/run/events";
import { startTestServer, type TestServer } from "../../testing/test-server";
import { waitFor } from "../../testing/wait-for";
import { flow } from "../core/testing";

let t: TestServer;
let cookie: string;
let api: Server;
let url: string;
const arrivals: { at: number; item: string }[] = [];

beforeAll(async () => {
  api = createServer((req, res) => {
    arrivals.push({ at: Date.now(), item: req.url ?? "" });
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  await new Promise<void>((r) => api.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  t = await startTestServer({ outboundAllow: ["127.0.0.1"] });
  cookie = await t.signUp("limits@example.com");
});
afterAll(async () => {
  await t.close();
  await new Promise<void>((r) => api.close(() => r()));
});

it("two runs share one limit: a burst goes at once, the rest wait their turn on timers, and every call is made once", async () => {
  const trpc = t.trpc(cookie);
  const doc = flow(
    {
      start: ["start"],
      each: ["loop", { mode: "forEach", items: "input.items", concurrency: 10, maxIterations: 10 }],
      call: ["http", { url: `${url}/{{ item }}`, rateLimit: { key: "partner-api", perSecond: 5, burst: 2 } }, "each"],
      end: ["end"],
    },
    ["start -> each", "each -> end"],
  );
  const created = await trpc.flows.create.mutate({ name: "Limited" });
  await trpc.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });
  const started = await Promise.all(
    [
      ["a1", "a2", "a3"],
      ["b1", "b2", "b3"],
    ].map((items) => trpc.runs.start.mutate({ flowId: created.id, input: { items } })),
  );
  for (const { runId } of started)
    await waitFor(
      "the run to succeed",
      () => trpc.runs.get.query({ id: runId }),
      (r) => r.status === "succeeded",
    );

  expect(arrivals.map((a) => a.item).sort()).toEqual(["/a1", "/a2", "/a3", "/b1", "/b2", "/b3"]);
  const perRun = await Promise.all(started.map(({ runId }) => trpc.runs.events.query({ id: runId })));
  const events = perRun.flat() as RunEvent[];
  const throttled = events.filter(
    (e): e is Extract<RunEvent, { type: "node.throttled" }> => e.type === "node.throttled",
  );
  expect(throttled).toHaveLength(4);
  for (const e of throttled) expect(e.data).toMatchObject({ key: "partner-api" });
  // Burst 2, then 5 a second: the reserved turns are 200 ms apart, across both runs.
  const turns = throttled.map((e) => Date.parse(e.data.until)).sort((x, y) => x - y);
  for (let i = 1; i < turns.length; i++) expect(turns[i]! - turns[i - 1]!).toBeGreaterThanOrEqual(199);
  // No call came before its turn.
  perRun.forEach((runEvents, r) => {
    for (const e of runEvents as RunEvent[]) {
      if (e.type !== "node.throttled") continue;
      const item = `/${r === 0 ? "a" : "b"}${e.path![0]! + 1}`;
      expect(arrivals.find((x) => x.item === item)!.at).toBeGreaterThanOrEqual(Date.parse(e.data.until));
    }
  });
  // Each throttled attempt waited on its own timer and ran once, as the same attempt.
  expect(events.filter((e) => e.type === "timer.fired" && e.data.purpose === "throttle")).toHaveLength(4);
  expect(events.filter((e) => e.type === "node.started" && e.nodeId === "call")).toHaveLength(6);
  expect(events.filter((e) => e.type === "node.succeeded" && e.nodeId === "call")).toHaveLength(6);
});

it("refuses to save a limit without a rate, or with two, naming the field", async () => {
  const trpc = t.trpc(cookie);
  const created = await trpc.flows.create.mutate({ name: "Bad limit" });
  const doc = flow({ start: ["start"], call: ["http", { url: `${url}/x`, rateLimit: { key: "k" } }], end: ["end"] }, [
    "start -> call",
    "call -> end",
  ]);
  await expect(trpc.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc })).rejects.toThrow(
    'node "call" (nodes[1].data.rateLimit): give perSecond or perMinute (one of them)',
  );
  const both = structuredClone(doc);
  both.nodes[1]!.data.rateLimit = { key: "k", perSecond: 1, perMinute: 60 };
  await expect(trpc.flows.save.mutate({ id: created.id, expectedVersion: 1, document: both })).rejects.toThrow(
    "give perSecond or perMinute (one of them)",
  );
});
