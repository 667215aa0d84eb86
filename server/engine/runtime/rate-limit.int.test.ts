// Rate limits through the real app: steps of two runs share one limit; attempts over it wait
// on durable timers (throttled) and then run, each once.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { FlowDocument } from "../../../lib/flow/document";
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

const limited = (rateLimit: Record<string, unknown>) =>
  flow(
    {
      start: ["start"],
      each: ["loop", { mode: "forEach", items: "input.items", concurrency: 10, maxIterations: 10 }],
      call: ["http", { url: `${url}/{{ item }}`, rateLimit }, "each"],
      end: ["end"],
    },
    ["start -> each", "each -> end"],
  );

async function startRuns(doc: FlowDocument, itemLists: string[][]) {
  const trpc = t.trpc(cookie);
  const created = await trpc.flows.create.mutate({ name: "Limited" });
  await trpc.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });
  return Promise.all(itemLists.map((items) => trpc.runs.start.mutate({ flowId: created.id, input: { items } })));
}

const eventsOf = async (runIds: string[]) =>
  (await Promise.all(runIds.map((id) => t.trpc(cookie).runs.events.query({ id })))).flat() as RunEvent[];

it("two runs share one limit: the burst goes at once, every other attempt reserves its own later turn", async () => {
  arrivals.length = 0;
  // One a minute: nothing refills while the six attempts ask, however slow the machine.
  const started = await startRuns(limited({ key: "shared-minute", perMinute: 1, burst: 2 }), [
    ["a1", "a2", "a3"],
    ["b1", "b2", "b3"],
  ]);
  const runIds = started.map((r) => r.runId);
  const events = await waitFor(
    "four attempts to be throttled",
    () => eventsOf(runIds),
    (e) => e.filter((x) => x.type === "node.throttled").length === 4,
  );
  expect(arrivals).toHaveLength(2);
  const throttled = events.filter(
    (e): e is Extract<RunEvent, { type: "node.throttled" }> => e.type === "node.throttled",
  );
  for (const e of throttled) expect(e.data).toMatchObject({ key: "shared-minute" });
  // Each reserved its own turn, a minute after the one before, across both runs.
  const turns = throttled.map((e) => Date.parse(e.data.until)).sort((x, y) => x - y);
  for (let i = 1; i < turns.length; i++) expect(turns[i]! - turns[i - 1]!).toBeGreaterThanOrEqual(59_999);
  for (const { runId } of started) await t.trpc(cookie).runs.cancel.mutate({ id: runId });
  expect(arrivals).toHaveLength(2);
});

it("a throttled attempt waits on its timer, then runs once, never before its turn", async () => {
  arrivals.length = 0;
  const [first] = await startRuns(limited({ key: "wake", perSecond: 2, burst: 1 }), [["w1", "w2", "w3"]]);
  const runId = first!.runId;
  await waitFor(
    "the run to succeed",
    () => t.trpc(cookie).runs.get.query({ id: runId }),
    (r) => r.status === "succeeded",
  );
  expect(arrivals.map((a) => a.item).sort()).toEqual(["/w1", "/w2", "/w3"]);
  const events = await eventsOf([runId]);
  const throttled = events.filter(
    (e): e is Extract<RunEvent, { type: "node.throttled" }> => e.type === "node.throttled",
  );
  // However many had to wait: each did on its own timer, ran as the same attempt, and not before its turn.
  expect(events.filter((e) => e.type === "timer.fired" && e.data.purpose === "throttle")).toHaveLength(
    throttled.length,
  );
  expect(events.filter((e) => e.type === "node.started" && e.nodeId === "call")).toHaveLength(3);
  for (const e of throttled)
    expect(arrivals.find((a) => a.item === `/w${e.path![0]! + 1}`)!.at).toBeGreaterThanOrEqual(
      Date.parse(e.data.until),
    );
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
