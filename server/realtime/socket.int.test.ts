import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RunEvent } from "../../lib/run/events";
import { runsRepository } from "../db/runs-repository";
import { startTestServer, type TestServer } from "../testing/test-server";
import { connectedSocket } from "../testing/test-socket";

let t: TestServer;
let ada: string;
let bob: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  t = await startTestServer();
  ada = await t.signUp("ada@example.com");
  bob = await t.signUp("bob@example.com");
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.disconnect();
});
afterAll(() => t.close());

const connect = (cookie: string | undefined, origin: string = t.url) =>
  connectedSocket(t.url, cookie, { origin, opened: sockets });

type Reply = { ok: true; events: RunEvent[] } | { ok: false; error: string };
const watch = (socket: Socket, runId: string, afterSeq: unknown): Promise<Reply> =>
  socket.timeout(5000).emitWithAck("run:watch", { runId, afterSeq });

async function finishedRun(cookie: string): Promise<string> {
  const flow = await t.trpc(cookie).flows.create.mutate({ name: "Watched" });
  const { runId } = await t.trpc(cookie).runs.start.mutate({ flowId: flow.id });
  await t.app.services.engine.idle();
  return runId;
}

describe("handshake", () => {
  it("refuses a socket without a session", async () => {
    await expect(connect(undefined)).rejects.toThrow(/unauthorized/);
  });

  it("refuses a socket from a foreign origin, even with a session", async () => {
    await expect(connect(ada, "https://evil.example")).rejects.toThrow();
  });
});

describe("watching a run", () => {
  it("replays every event to a late watcher, in order, without gaps", async () => {
    const runId = await finishedRun(ada);
    const reply = await watch(await connect(ada), runId, 0);
    if (!reply.ok) throw new Error(reply.error);
    expect(reply.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(reply.events.at(-1)?.type).toBe("run.succeeded");
  });

  it("replays only what a reconnecting watcher missed", async () => {
    const runId = await finishedRun(ada);
    const reply = await watch(await connect(ada), runId, 4);
    expect(reply.ok && reply.events.map((e) => e.seq)).toEqual([5, 6]);
  });

  it("streams a run's events live to a watcher that joined before it started", async () => {
    const flow = await t.trpc(ada).flows.create.mutate({ name: "Live" });
    const me = await t.trpc(ada).me.get.query();
    // A queued run (row and snapshot, no events yet), watched before the engine starts it.
    const { id: runId } = await runsRepository(t.app.services.prisma, me.workspace!.workspaceId).create({
      flowId: flow.id,
      flowVersion: flow.version,
      definition: flow.document,
      runInput: {},
      startedById: me.user.id,
    });
    const socket = await connect(ada);
    const received: RunEvent[] = [];
    socket.on("run:events", (batch: RunEvent[]) => received.push(...batch));
    expect(await watch(socket, runId, 0)).toEqual({ ok: true, events: [] });
    await t.app.services.engine.start(runId);
    await t.app.services.engine.idle();
    await expect.poll(() => received.length).toBe(6);
    expect(received.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("never joins a socket to another workspace's run", async () => {
    const runId = await finishedRun(ada);
    const socket = await connect(bob);
    const received: RunEvent[] = [];
    socket.on("run:events", (batch: RunEvent[]) => received.push(...batch));
    expect(await watch(socket, runId, 0)).toEqual({ ok: false, error: "run not found" });
    // Even after more events for that run, nothing reaches Bob.
    await t.trpc(ada).runs.start.mutate({ flowId: (await t.trpc(ada).flows.list.query())[0]!.id });
    await t.app.services.engine.idle();
    expect(received).toEqual([]);
  });

  it("tells a workspace's sockets when its runs change, and no one else's", async () => {
    const mine = await connect(ada);
    const theirs = await connect(bob);
    const seen = { mine: [] as string[], theirs: [] as string[] };
    mine.on("runs:changed", (m: { runIds: string[] }) => seen.mine.push(...m.runIds));
    theirs.on("runs:changed", (m: { runIds: string[] }) => seen.theirs.push(...m.runIds));
    const runId = await finishedRun(ada);
    await expect.poll(() => seen.mine.includes(runId)).toBe(true);
    expect(seen.theirs).toEqual([]);
  });

  it("answers a malformed watch message with a clear error", async () => {
    const socket = await connect(ada);
    const reply = await watch(socket, "x", -1);
    expect(reply).toEqual({ ok: false, error: expect.stringContaining("afterSeq") });
  });
});
