// Circuit breakers through the real app: a flaky local API, steps that fall back on error, the
// breaker's state in Settings → Health.
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
let host: string;
let down = true;
let hits = 0;

beforeAll(async () => {
  api = createServer((_req, res) => {
    hits++;
    res
      .writeHead(down ? 503 : 200, { "content-type": "application/json" })
      .end(down ? '{"error":"down"}' : '{"ok":true}');
  });
  await new Promise<void>((r) => api.listen(0, "127.0.0.1", r));
  host = `127.0.0.1:${(api.address() as AddressInfo).port}`;
  t = await startTestServer({ outboundAllow: ["127.0.0.1"] });
  cookie = await t.signUp("breaker@example.com");
});
afterAll(async () => {
  await t.close();
  await new Promise<void>((r) => api.close(() => r()));
});

//  start ─▶ call ─ out ───────────▶ end
//               └ error ─▶ fallback ┘
const guarded = () =>
  flow(
    {
      start: ["start"],
      call: [
        "http",
        {
          method: "GET",
          url: `http://${host}/status`,
          onError: "route",
          breaker: { failures: 2, windowMs: 60_000, openMs: 1_000 },
        },
      ],
      fallback: ["transform", { expression: '"cached answer"' }],
      end: ["end", { output: 'nodes.call.output.body ? "live" : prev' }],
    },
    ["start -> call", "call -> end", "call.error -> fallback", "fallback -> end"],
  );

async function runOnce(flowId: string) {
  const trpc = t.trpc(cookie);
  const { runId } = await trpc.runs.start.mutate({ flowId, input: {} });
  const run = await waitFor(
    "the run to end",
    () => trpc.runs.get.query({ id: runId }),
    (r) => ["succeeded", "failed"].includes(r.status),
  );
  const events = (await trpc.runs.events.query({ id: runId })) as RunEvent[];
  const failed = events.find((e) => e.type === "node.failed" && "nodeId" in e && e.nodeId === "call");
  return { run, error: failed?.type === "node.failed" ? failed.data.error : undefined };
}

it("opens after repeated failures, refuses at once so the fallback answers, lets one probe through later, and closes", async () => {
  const trpc = t.trpc(cookie);
  const created = await trpc.flows.create.mutate({ name: "Flaky API" });
  await trpc.flows.save.mutate({ id: created.id, expectedVersion: 1, document: guarded() });

  for (let i = 1; i <= 2; i++) {
    const { run, error } = await runOnce(created.id);
    expect(run.output).toBe("cached answer");
    expect(error?.code).toBeUndefined();
  }
  expect(hits).toBe(2);
  const [open] = await trpc.health.breakers.query();
  expect(open).toMatchObject({ key: host, state: "open", failures: 2 });

  // Open: the step fails at once with circuit_open, without calling, and the fallback answers.
  const refused = await runOnce(created.id);
  expect(refused.run.output).toBe("cached answer");
  expect(refused.error).toMatchObject({ code: "circuit_open", retryable: false });
  expect(refused.error?.message).toContain(`the circuit for ${host} is open after 2 failures`);
  expect(hits).toBe(2);

  // After openMs one probe goes through; the API is back, so the breaker closes.
  down = false;
  await waitFor(
    "the breaker's next probe time",
    () => Date.now(),
    (now) => now >= open!.nextProbeAt!.getTime(),
  );
  const probe = await runOnce(created.id);
  expect(probe.run.output).toBe("live");
  expect(hits).toBe(3);
  expect((await trpc.health.breakers.query())[0]).toMatchObject({ state: "closed", failures: 0 });
});

it("an owner resets an open breaker from Health; the reset is audited; other workspaces have their own", async () => {
  const trpc = t.trpc(cookie);
  down = true;
  const created = await trpc.flows.create.mutate({ name: "Flaky again" });
  await trpc.flows.save.mutate({ id: created.id, expectedVersion: 1, document: guarded() });
  await runOnce(created.id);
  await runOnce(created.id);
  expect((await trpc.health.breakers.query())[0]!.state).toBe("open");

  // Another workspace calling the same host is not refused: breakers are per workspace.
  const other = await t.signUp(`breaker-other-${Date.now()}@example.com`);
  expect(await t.trpc(other).health.breakers.query()).toEqual([]);

  await trpc.health.resetBreaker.mutate({ key: host });
  expect((await trpc.health.breakers.query())[0]).toMatchObject({ state: "closed", failures: 0 });
  down = false;
  const before = hits;
  expect((await runOnce(created.id)).run.output).toBe("live");
  expect(hits).toBe(before + 1);
  const audit = await trpc.audit.list.query({});
  expect(audit.entries.some((e) => e.action === "breaker.reset")).toBe(true);
  await expect(trpc.health.resetBreaker.mutate({ key: "nope" })).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
});

it("a probe that fails opens the breaker again, for another openMs", async () => {
  const trpc = t.trpc(cookie);
  down = true;
  await trpc.health.resetBreaker.mutate({ key: host }).catch(() => {});
  const created = await trpc.flows.create.mutate({ name: "Still down" });
  await trpc.flows.save.mutate({ id: created.id, expectedVersion: 1, document: guarded() });
  await runOnce(created.id);
  await runOnce(created.id);
  const [open] = await trpc.health.breakers.query();
  expect(open!.state).toBe("open");
  await waitFor(
    "the next probe time",
    () => Date.now(),
    (now) => now >= open!.nextProbeAt!.getTime(),
  );
  const before = hits;
  const probe = await runOnce(created.id);
  expect(hits).toBe(before + 1); // the probe called out
  expect(probe.error?.code).toBeUndefined();
  const [again] = await trpc.health.breakers.query();
  expect(again!.state).toBe("open");
  expect(again!.nextProbeAt!.getTime()).toBeGreaterThan(open!.nextProbeAt!.getTime());
  expect((await runOnce(created.id)).error?.code).toBe("circuit_open");
});
