// Compensation with real executors, through the API: a handler sees what it undoes
// (`compensating`), a cancel with compensate undoes what ran, and the run says it compensated.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import type { FlowDocument } from "../../../lib/flow/document";
import type { RunEvent } from "../../../lib/run/events";
import { startTestServer, type TestServer } from "../../testing/test-server";
import { waitFor } from "../../testing/wait-for";
import { flow } from "../core/testing";

let t: TestServer;
let cookie: string;
let api: Server;
let url: string;
const calls: { path: string; body: unknown }[] = [];

beforeAll(async () => {
  api = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    calls.push({ path: req.url ?? "", body: body ? JSON.parse(body) : null });
    const fail = req.url?.startsWith("/ship");
    res
      .writeHead(fail ? 400 : 200, { "content-type": "application/json" })
      .end(JSON.stringify({ id: `${req.url}-42` }));
  });
  await new Promise<void>((r) => api.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  t = await startTestServer({ outboundAllow: ["127.0.0.1"] });
  cookie = await t.signUp("saga@example.com");
});
afterAll(async () => {
  await t.close();
  await new Promise<void>((r) => api.close(() => r()));
});
beforeEach(() => {
  calls.length = 0;
});

async function start(doc: FlowDocument) {
  const trpc = t.trpc(cookie);
  const created = await trpc.flows.create.mutate({ name: `Saga ${Date.now()}` });
  await trpc.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });
  return (await trpc.runs.start.mutate({ flowId: created.id, input: { order: "o-7" } })).runId;
}
const ended = (runId: string) =>
  waitFor(
    "the run to end",
    () => t.trpc(cookie).runs.get.query({ id: runId }),
    (r) => ["succeeded", "failed", "cancelled"].includes(r.status),
  );

it("an order saga: shipping fails, the charge is refunded and the stock released, in that order, each handler seeing what it undoes", async () => {
  const doc = flow(
    {
      start: ["start"],
      reserve: ["http", { method: "POST", url: `${url}/reserve`, body: '{"order":"{{ input.order }}"}' }],
      charge: ["http", { method: "POST", url: `${url}/charge`, body: '{"order":"{{ input.order }}"}' }],
      ship: ["http", { method: "POST", url: `${url}/ship`, body: "{}" }],
      end: ["end"],
      refund: [
        "http",
        {
          method: "POST",
          url: `${url}/refund`,
          body: '{"charge":"{{ compensating.output.body.id }}","step":"{{ compensating.nodeId }}","why":"{{ compensating.reason }}"}',
        },
      ],
      release: [
        "http",
        { method: "POST", url: `${url}/release`, body: '{"reservation":"{{ compensating.output.body.id }}"}' },
      ],
    },
    [
      "start -> reserve",
      "reserve -> charge",
      "charge -> ship",
      "ship -> end",
      "charge.compensate -> refund",
      "reserve.compensate -> release",
    ],
  );
  const runId = await start(doc);
  const run = await ended(runId);
  expect(run.status).toBe("failed");
  expect(calls.map((c) => c.path)).toEqual(["/reserve", "/charge", "/ship", "/refund", "/release"]);
  expect(calls[3]!.body).toEqual({ charge: "/charge-42", step: "charge", why: "failed" });
  expect(calls[4]!.body).toEqual({ reservation: "/reserve-42" });
  const events = (await t.trpc(cookie).runs.events.query({ id: runId })) as RunEvent[];
  expect(events.find((e) => e.type === "compensation.started")?.data).toMatchObject({ steps: ["charge", "reserve"] });
  expect(events.at(-1)).toMatchObject({ type: "run.failed", data: { compensated: true, error: { nodeId: "ship" } } });
});

it("cancelling with compensate undoes what already ran; a plain cancel does not", async () => {
  const doc = (name: string) =>
    flow(
      {
        start: ["start"],
        book: ["http", { method: "POST", url: `${url}/book-${name}`, body: "{}" }],
        hold: ["wait", { timeoutMs: 60_000 }],
        end: ["end"],
        unbook: ["http", { method: "POST", url: `${url}/unbook-${name}`, body: "{}" }],
      },
      ["start -> book", "book -> hold", "hold -> end", "book.compensate -> unbook"],
    );
  const trpc = t.trpc(cookie);
  for (const compensate of [true, false]) {
    const runId = await start(doc(String(compensate)));
    await waitFor(
      "the run to wait",
      () => trpc.runs.events.query({ id: runId }),
      (events) => events.some((e) => e.type === "wait.started"),
    );
    await trpc.runs.cancel.mutate({ id: runId, compensate });
    const run = await ended(runId);
    expect(run.status).toBe("cancelled");
    const events = (await trpc.runs.events.query({ id: runId })) as RunEvent[];
    const cancelled = events.find((e) => e.type === "run.cancelled");
    expect(cancelled?.data).toMatchObject(compensate ? { compensated: true } : {});
    expect(events.some((e) => e.type === "compensation.started")).toBe(compensate);
  }
  expect(calls.map((c) => c.path)).toEqual(["/book-true", "/unbook-true", "/book-false"]);
});
