// Scale-out with real processes: a web process on PostgreSQL hands node attempts through a
// Redis queue to worker processes; events come back over a Redis channel.
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Queue } from "bullmq";
import pg from "pg";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { RunEvent } from "../lib/run/events";
import { idempotencyKey } from "./engine/core/commands";
import { flow } from "./engine/core/testing";
import { freePort } from "./testing/free-port";
import { ServerProcess } from "./testing/server-process";
import { connectedSocket, dropped, testSocket } from "./testing/test-socket";
import { waitFor } from "./testing/wait-for";
import { WorkerProcess } from "./testing/worker-process";

const PG_ADMIN = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const database = `switchyard_scale_${process.pid}_${Date.now()}`;
const url = new URL(PG_ADMIN);
url.pathname = `/${database}`;
const env = {
  DB_PROVIDER: "postgresql",
  DATABASE_URL: url.toString(),
  REDIS_URL,
  STEP_QUEUE: `switchyard-test-${randomUUID()}`,
  STEP_LOCK_MS: "2000",
  STEP_REDISPATCH_MS: "1000",
  // Agents' tools call an API this test serves on loopback.
  OUTBOUND_ALLOW: "127.0.0.1",
};
const web = new ServerProcess(await freePort(), "", { env });
/** A second web process on the same database and Redis, started by the test that needs it. */
const otherWeb = new ServerProcess(await freePort(), "", { env });
// Workers build wait nodes' resume URLs: they are told the address users reach (as in production).
const workers = [
  new WorkerProcess({ ...env, PUBLIC_URL: web.url }),
  new WorkerProcess({ ...env, PUBLIC_URL: web.url }),
];
/** A third web process, for the schedule every process watches. */
const thirdWeb = new ServerProcess(await freePort(), "", { env });
let socket: Socket | undefined;

async function admin(sql: string, connectionString = PG_ADMIN) {
  const client = new pg.Client({ connectionString });
  await client.connect();
  await client.query(sql);
  await client.end();
}

beforeAll(async () => {
  await admin(`CREATE DATABASE ${database}`);
  await web.start();
}, 60_000);
afterAll(async () => {
  socket?.disconnect();
  for (const w of workers) await w.stop();
  await web.stop();
  await otherWeb.stop();
  await thirdWeb.stop();
  await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  const queue = new Queue(env.STEP_QUEUE, { connection: { url: REDIS_URL } });
  await queue.obliterate({ force: true });
  await queue.close();
});

type Api = Awaited<ReturnType<ServerProcess["signUp"]>>;
async function startFlow(api: Api, nodes: Parameters<typeof flow>[0], edges: string[]) {
  const created = await api.flows.create.mutate({ name: "Scaled" });
  await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document: flow(nodes, edges) });
  return (await api.runs.start.mutate({ flowId: created.id })).runId;
}
const runOf = (api: Api, runId: string) => () => api.runs.get.query({ id: runId });
const eventsOf = (api: Api, runId: string) => () => api.runs.events.query({ id: runId });
/** Where the attempt's job is in the step queue ("waiting", "active"…), or "gone" once a worker finished with it. */
async function jobState(runId: string, nodeId: string): Promise<string> {
  const queue = new Queue(env.STEP_QUEUE, { connection: { url: REDIS_URL } });
  try {
    const job = await queue.getJob(idempotencyKey(runId, nodeId, [], 1).replaceAll(":", "|"));
    return job ? await job.getState() : "gone";
  } finally {
    await queue.close();
  }
}
const count = (events: RunEvent[], type: string, nodeId: string) =>
  events.filter((e) => e.type === type && "nodeId" in e && e.nodeId === nodeId).length;

it("the web process hands attempts to workers: a run waits until one is up, then finishes, watched live from the web process", async () => {
  const cookie = await web.signUpCookie(`scale-${Date.now()}@example.com`);
  const api = web.client(cookie);
  const runId = await startFlow(
    api,
    {
      start: ["start"],
      prep: ["agent", { response: "prepared", latencyMs: 50 }],
      split: ["parallel"],
      a: ["agent", { response: "a after {{ prev }}", latencyMs: 100 }],
      b: ["agent", { response: "b after {{ prev }}", latencyMs: 100 }],
      join: ["join"],
      end: ["end", { output: "[nodes.a.output, nodes.b.output]" }],
    },
    ["start -> prep", "prep -> split", "split -> a", "split -> b", "a -> join", "b -> join", "join -> end"],
  );

  // No worker yet: the agent is handed over (its job waits in the queue), not run by the web process.
  await waitFor(
    "prep's attempt to wait in the step queue",
    () => jobState(runId, "prep"),
    (state) => state === "waiting",
  );
  expect((await api.runs.get.query({ id: runId })).status).toBe("running");
  const handedOver = await api.runs.events.query({ id: runId });
  expect(count(handedOver, "node.started", "prep")).toBe(1);
  expect(count(handedOver, "node.input", "prep")).toBe(0); // nobody has begun the attempt

  // A browser watching on the web process hears what the worker records.
  socket = testSocket(web.url, cookie);
  const heard: RunEvent[] = [];
  socket.on("run:events", (batch: RunEvent[]) => heard.push(...batch));
  await new Promise<void>((resolve) => socket!.on("connect", () => resolve()));
  await socket.timeout(5_000).emitWithAck("run:watch", { runId, afterSeq: 1_000_000 });

  await workers[0]!.start();
  const run = await waitFor("the run to succeed", runOf(api, runId), (r) => r.status === "succeeded");
  expect(run.output).toEqual(["a after prepared", "b after prepared"]);
  await waitFor(
    "the browser to hear run.succeeded",
    () => heard,
    (events) => events.some((e) => e.type === "run.succeeded"),
  );
  expect(heard.some((e) => e.type === "node.succeeded" && "nodeId" in e && e.nodeId === "a")).toBe(true);
  const events = await api.runs.events.query({ id: runId });
  for (const nodeId of ["prep", "a", "b"]) expect(count(events, "node.succeeded", nodeId)).toBe(1);
}, 60_000);

it("a worker killed with SIGKILL mid-attempt: its lease runs out, another worker runs the attempt, recorded once", async () => {
  const api = await web.signUp(`lease-${Date.now()}@example.com`);
  const runId = await startFlow(
    api,
    {
      start: ["start"],
      slow: ["agent", { response: "slow and steady wins", latencyMs: 3_000 }],
      end: ["end", { output: "prev" }],
    },
    ["start -> slow", "slow -> end"],
  );
  // The worker streams the mock's words as it goes: it holds the attempt.
  await waitFor("a worker to stream slow's words", eventsOf(api, runId), (e) => count(e, "node.progress", "slow") > 0);
  await workers[0]!.crash();
  await workers[1]!.start();
  await waitFor("the run to succeed on the other worker", runOf(api, runId), (r) => r.status === "succeeded", {
    timeoutMs: 30_000,
  });
  const events = await api.runs.events.query({ id: runId });
  expect((await api.runs.get.query({ id: runId })).output).toBe("slow and steady wins");
  expect(count(events, "node.started", "slow")).toBe(1); // the same attempt, handed on
  expect(count(events, "node.succeeded", "slow")).toBe(1);
}, 60_000);

it("cancelling on the web process stops the attempt a worker holds: the run ends cancelled and nothing after it runs", async () => {
  const api = await web.signUp(`cancel-${Date.now()}@example.com`);
  if (!workers[1]!.child) await workers[1]!.start();
  const runId = await startFlow(
    api,
    {
      start: ["start"],
      slow: ["agent", { response: "one two three four five six", latencyMs: 4_000 }],
      after: ["agent", { response: "should not run" }],
      end: ["end"],
    },
    ["start -> slow", "slow -> after", "after -> end"],
  );
  await waitFor("a worker to stream slow's words", eventsOf(api, runId), (e) => count(e, "node.progress", "slow") > 0);
  await api.runs.cancel.mutate({ id: runId });
  await waitFor("the run to be cancelled", runOf(api, runId), (r) => r.status === "cancelled");
  // The worker lets go of the attempt at once, well before its 4 s would have passed: whatever
  // it was going to record, it has recorded.
  await waitFor(
    "the worker to drop slow's attempt",
    () => jobState(runId, "slow"),
    (state) => state === "gone",
    { timeoutMs: 2_500 },
  );
  const events = await api.runs.events.query({ id: runId });
  expect(count(events, "node.cancelled", "slow")).toBe(1);
  expect(count(events, "node.succeeded", "slow")).toBe(0);
  expect(count(events, "node.started", "after")).toBe(0);
  // The worker stopped streaming once it heard of the cancel.
  const cancelledAt = events.findIndex((e) => e.type === "run.cancelled");
  expect(events.slice(cancelledAt).filter((e) => e.type === "node.progress")).toEqual([]);
}, 60_000);

it("an attempt whose hand-over was lost (its job gone from the queue) is handed on again and runs", async () => {
  const api = await web.signUp(`lost-${Date.now()}@example.com`);
  for (const w of workers) await w.stop(); // nobody takes the job while it is lost
  const runId = await startFlow(
    api,
    { start: ["start"], step: ["agent", { response: "done at last" }], end: ["end", { output: "prev" }] },
    ["start -> step", "step -> end"],
  );
  await waitFor(
    "step's attempt to be handed over",
    eventsOf(api, runId),
    (e) => count(e, "node.started", "step") === 1,
  );
  const queue = new Queue(env.STEP_QUEUE, { connection: { url: REDIS_URL } });
  await queue.obliterate({ force: true }); // as if Redis lost it, or the process died before handing it over
  await queue.close();
  await workers[0]!.start();
  const run = await waitFor("the lost attempt to run after all", runOf(api, runId), (r) => r.status === "succeeded");
  expect(run.output).toBe("done at last");
  expect(count(await api.runs.events.query({ id: runId }), "node.succeeded", "step")).toBe(1);
}, 60_000);

it("a member removed, or a session signed out, on one web process loses its sockets on another at once", async () => {
  await otherWeb.start();
  const ownerCookie = await web.signUpCookie(`owner-${Date.now()}@example.com`);
  const memberCookie = await web.signUpCookie(`member-${Date.now()}@example.com`);
  const owner = web.client(ownerCookie);
  const invite = await owner.team.createInvite.mutate({ role: "editor" });
  await web.client(memberCookie).team.acceptInvite.mutate({ token: invite.token });
  const memberId = (await web.client(memberCookie).me.get.query()).user.id;

  // Both watch from the other process.
  const onOther = (cookie: string) => connectedSocket(otherWeb.url, cookie);
  const [memberSocket, ownerSocket] = [await onOther(memberCookie), await onOther(ownerCookie)];
  try {
    const memberGone = dropped(memberSocket);
    await owner.team.removeMember.mutate({ userId: memberId });
    expect(await memberGone).toBe("io server disconnect");

    const ownerGone = dropped(ownerSocket);
    const signOut = await fetch(`${web.url}/api/auth/sign-out`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: web.url, cookie: ownerCookie },
      body: "{}",
    });
    expect(signOut.ok).toBe(true);
    expect(await ownerGone).toBe("io server disconnect");
  } finally {
    memberSocket.disconnect();
    ownerSocket.disconnect();
  }
}, 60_000);

it("with workers: a sub-flow's child runs on them, a delay fires, a wait is resumed through the web process", async () => {
  for (const w of workers) if (!w.child) await w.start();
  const cookie = await web.signUpCookie(`compose-${Date.now()}@example.com`);
  const api = web.client(cookie);
  const child = await api.flows.create.mutate({ name: "Child on workers" });
  const saved = await api.flows.save.mutate({
    id: child.id,
    expectedVersion: 1,
    document: flow({ start: ["start"], work: ["agent", { response: "worked", latencyMs: 100 }], end: ["end"] }, [
      "start -> work",
      "work -> end",
    ]),
  });
  await api.flows.publish.mutate({ id: child.id, expectedVersion: saved.version, message: "" });
  const runId = await startFlow(
    api,
    {
      start: ["start"],
      call: ["subflow", { flowId: child.id }],
      pause: ["delay", { ms: "200" }],
      hold: ["wait", { timeoutMs: 60_000 }],
      end: ["end", { output: '{ "child": nodes.call.output, "resumed": prev }' }],
    },
    ["start -> call", "call -> pause", "pause -> hold", "hold -> end"],
  );
  const parked = await waitFor("the wait to park", eventsOf(api, runId), (events) =>
    events.some((e) => e.type === "wait.started"),
  );
  const { resumeUrl } = parked.find((e) => e.type === "wait.started")!.data as { resumeUrl: string };
  expect(resumeUrl.startsWith(`${web.url}/api/v1/resume/`)).toBe(true);
  expect((await fetch(resumeUrl, { method: "POST", body: '{"ok":true}' })).status).toBe(202);
  const run = await waitFor("the run to succeed", runOf(api, runId), (r) => r.status === "succeeded");
  expect(run.output).toEqual({ child: "worked", resumed: { ok: true } });
  const events = await api.runs.events.query({ id: runId });
  expect(count(events, "subflow.finished", "call")).toBe(1);
  expect(count(events, "timer.fired", "pause")).toBe(1);
}, 60_000);

it("with workers: an agent's tool calls run on them, one waits for approval decided on the web process, a sub-flow tool's child runs; the step cache is shared", async () => {
  for (const w of workers) if (!w.child) await w.start();
  const seen: unknown[] = [];
  const tool = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    seen.push(JSON.parse(body));
    res.writeHead(200, { "content-type": "application/json" }).end('{"sent":true}');
  });
  await new Promise<void>((r) => tool.listen(0, "127.0.0.1", r));
  try {
    const cookie = await web.signUpCookie(`tools-${Date.now()}@example.com`);
    const api = web.client(cookie);
    const child = await api.flows.create.mutate({ name: "Tool child" });
    const saved = await api.flows.save.mutate({
      id: child.id,
      expectedVersion: 1,
      document: flow({ start: ["start"], work: ["agent", { response: "looked up", latencyMs: 50 }], end: ["end"] }, [
        "start -> work",
        "work -> end",
      ]),
    });
    await api.flows.publish.mutate({ id: child.id, expectedVersion: saved.version, message: "" });
    const url = `http://127.0.0.1:${(tool.address() as AddressInfo).port}/send`;
    const runId = await startFlow(
      api,
      {
        start: ["start"],
        ask: [
          "agent",
          {
            tools: [
              { name: "lookup", parameters: { type: "object" }, use: { kind: "subflow", flowId: child.id } },
              {
                name: "send",
                parameters: { type: "object", properties: { to: { type: "string" } } },
                use: { kind: "http", method: "POST", url, body: "{{ $string(args) }}" },
                approval: { allowRequesterToApprove: true },
              },
            ],
            script: [
              { toolCalls: [{ name: "lookup", args: {} }] },
              { toolCalls: [{ name: "send", args: { to: "a@example.com" } }] },
              { response: "{{ tools.lookup }} and sent: {{ tools.send.body.sent }}" },
            ],
          },
        ],
        end: ["end"],
      },
      ["start -> ask", "ask -> end"],
    );
    const [task] = await waitFor(
      "the send call's task",
      () => api.inbox.ofRun.query({ runId }),
      (tasks) => tasks.length === 1,
    );
    expect(task!.tool).toMatchObject({ name: "send", args: { to: "a@example.com" } });
    await api.inbox.decide.mutate({
      taskId: task!.id,
      decision: "approve",
      requestId: randomUUID(),
      args: { to: "b@example.com" },
    });
    const run = await waitFor("the run to succeed", runOf(api, runId), (r) => r.status === "succeeded");
    expect(run.output).toBe("looked up and sent: true");
    expect(seen).toEqual([{ to: "b@example.com" }]);
    // The agent ran as queued attempts (on the workers), resumed once per wait.
    const events = await api.runs.events.query({ id: runId });
    expect(events.filter((e) => e.type === "node.resumed")).toHaveLength(2);

    // The step cache is shared by the workers: the second identical request is answered from it.
    seen.length = 0;
    const cachedRun = () =>
      startFlow(
        api,
        {
          start: ["start"],
          post: ["http", { method: "POST", url, body: '{"to":"cache@example.com"}', cache: { ttlMs: 60_000 } }],
          end: ["end"],
        },
        ["start -> post", "post -> end"],
      );
    const one = await cachedRun();
    await waitFor("the first cached run", runOf(api, one), (r) => r.status === "succeeded");
    const two = await cachedRun();
    await waitFor("the second cached run", runOf(api, two), (r) => r.status === "succeeded");
    expect(seen).toHaveLength(1);
    const again = await api.runs.events.query({ id: two });
    expect(again.find((e) => e.type === "node.succeeded" && "nodeId" in e && e.nodeId === "post")?.data).toMatchObject({
      cached: true,
    });
  } finally {
    await new Promise<void>((r) => tool.close(() => r()));
  }
}, 60_000);

it("with workers: one circuit breaker for every process, opened by failures on any of them", async () => {
  for (const w of workers) if (!w.child) await w.start();
  let hits = 0;
  const flaky = createServer((_req, res) => {
    hits++;
    res.writeHead(503).end("down");
  });
  await new Promise<void>((r) => flaky.listen(0, "127.0.0.1", r));
  try {
    const cookie = await web.signUpCookie(`breaker-${Date.now()}@example.com`);
    const api = web.client(cookie);
    const host = `127.0.0.1:${(flaky.address() as AddressInfo).port}`;
    const nodes = {
      start: ["start"],
      call: [
        "http",
        { url: `http://${host}/`, onError: "continue", breaker: { failures: 3, windowMs: 60_000, openMs: 60_000 } },
      ],
      end: ["end"],
    } as Parameters<typeof flow>[0];
    const errors: (string | undefined)[] = [];
    for (let i = 0; i < 5; i++) {
      const runId = await startFlow(api, nodes, ["start -> call", "call -> end"]);
      await waitFor("the run to end", runOf(api, runId), (r) => r.status === "succeeded");
      const events = await api.runs.events.query({ id: runId });
      const failed = events.find((e) => e.type === "node.failed");
      errors.push((failed?.data as { error?: { code?: string } } | undefined)?.error?.code);
    }
    // Three failures (on whichever worker) open it; the next two are refused without a call.
    expect(hits).toBe(3);
    expect(errors).toEqual([undefined, undefined, undefined, "circuit_open", "circuit_open"]);
    expect((await api.health.breakers.query())[0]).toMatchObject({ key: host, state: "open", failures: 3 });
  } finally {
    await new Promise<void>((r) => flaky.close(() => r()));
  }
}, 60_000);

it("with workers: one rate limit for every process; each attempt over it reserves its own turn", async () => {
  for (const w of workers) if (!w.child) await w.start();
  let calls = 0;
  const api = createServer((_req, res) => {
    calls++;
    res.writeHead(200).end("{}");
  });
  await new Promise<void>((r) => api.listen(0, "127.0.0.1", r));
  try {
    const client = web.client(await web.signUpCookie(`limits-${Date.now()}@example.com`));
    const url = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    // One a minute, burst 2: nothing refills while six attempts ask on two workers.
    const runId = await startFlow(
      client,
      {
        start: ["start"],
        each: ["loop", { mode: "forEach", items: "[1,2,3,4,5,6]", concurrency: 6, maxIterations: 10 }],
        call: ["http", { url: `${url}/{{ item }}`, rateLimit: { key: "shared", perMinute: 1, burst: 2 } }, "each"],
        end: ["end"],
      },
      ["start -> each", "each -> end"],
    );
    const events = await waitFor(
      "four attempts to be throttled",
      eventsOf(client, runId),
      (e) => e.filter((x) => x.type === "node.throttled").length === 4,
    );
    expect(calls).toBe(2);
    const turns = events
      .flatMap((e) => (e.type === "node.throttled" ? [Date.parse((e.data as { until: string }).until)] : []))
      .sort((a, b) => a - b);
    for (let i = 1; i < turns.length; i++) expect(turns[i]! - turns[i - 1]!).toBeGreaterThanOrEqual(59_999);
    await client.runs.cancel.mutate({ id: runId });
    expect(calls).toBe(2);
  } finally {
    await new Promise<void>((r) => api.close(() => r()));
  }
}, 60_000);

it("three web processes watch the same schedule: its due fire runs once", async () => {
  if (!otherWeb.child) await otherWeb.start(); // an earlier test may have started it
  await thirdWeb.start();
  const processes = [web, otherWeb, thirdWeb];
  const cookie = await web.signUpCookie(`schedule-${Date.now()}@example.com`);
  const api = web.client(cookie);
  const created = await api.flows.create.mutate({ name: "Scheduled everywhere" });
  const saved = await api.flows.save.mutate({
    id: created.id,
    expectedVersion: 1,
    document: flow({ start: ["start"], end: ["end"] }, ["start -> end"]),
  });
  await api.flows.publish.mutate({ id: created.id, expectedVersion: saved.version, message: "" });
  const yearly = await api.schedules.create.mutate({ flowId: created.id, cron: "0 0 1 1 *" });
  // Its fire falls due now, as if the server had been down over new year.
  await admin(
    `UPDATE "Schedule" SET "nextAt" = now() - interval '1 second' WHERE "id" = '${yearly.id}'`,
    url.toString(),
  );
  // Each process looks at once (adding a schedule makes it look before it answers).
  await Promise.all(
    processes.map((p) =>
      p.client(cookie).schedules.create.mutate({ flowId: created.id, cron: "0 0 1 1 *", enabled: false }),
    ),
  );
  const runs = () => api.runs.list.query({ flowId: created.id, page: 0, pageSize: 20 });
  await waitFor("the fire's run", runs, (r) => r.total >= 1);
  // Every process has looked again since: still one run.
  for (const p of processes)
    await p.client(cookie).schedules.create.mutate({ flowId: created.id, cron: "0 0 1 1 *", enabled: false });
  const after = await runs();
  expect(after.total).toBe(1);
  expect(after.items[0]).toMatchObject({ trigger: "schedule" });
}, 90_000);
