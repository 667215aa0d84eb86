// The page's one socket against a real socket.io server that speaks lib/run/socket-protocol.ts.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server, type Socket as ServerSocket } from "socket.io";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RunEvent } from "@/lib/run/events";
import {
  type ClientToServerEvents,
  type ServerToClientEvents,
  SOCKET_PATH,
  type WatchRunMessage,
} from "@/lib/run/socket-protocol";
import { openSocket } from "./open-socket";
import { sharedSocket } from "./page-socket";
import { createRunStore } from "./runs/run-store";
import { type FrameScheduler, watchRun } from "./runs/use-run-watch";

const http = createServer();
const io = new Server<ClientToServerEvents, ServerToClientEvents>(http, {
  path: SOCKET_PATH,
  transports: ["websocket"],
});
let url: string;
const connected: ServerSocket<ClientToServerEvents, ServerToClientEvents>[] = [];
const watched: WatchRunMessage[] = [];
const unwatched: string[] = [];
const stored = (runId: string, seq: number): RunEvent =>
  seq === 1
    ? { runId, seq, at: "2026-11-22T10:00:00.000Z", type: "run.started", data: { input: {} } }
    : {
        runId,
        seq,
        at: "2026-11-22T10:00:00.000Z",
        type: "node.started",
        nodeId: `n${seq}`,
        iteration: 0,
        data: { attempt: 1 },
      };

beforeAll(async () => {
  io.on("connection", (socket) => {
    connected.push(socket);
    socket.on("run:watch", (message, ack) => {
      watched.push(message);
      ack({
        ok: true,
        events: [1, 2].filter((seq) => seq > message.afterSeq).map((seq) => stored(message.runId, seq)),
      });
    });
    socket.on("run:unwatch", (message) => void unwatched.push(message.runId));
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
const opened: ReturnType<typeof openSocket>[] = [];
afterEach(() => {
  for (const socket of opened.splice(0)) socket.disconnect();
  io.disconnectSockets(true);
  connected.length = 0;
  watched.length = 0;
  unwatched.length = 0;
});
afterAll(async () => {
  await io.close();
});

const lingerMs = 50;
const pageSocket = () =>
  sharedSocket(() => {
    const socket = openSocket({ url, headers: {} });
    opened.push(socket);
    return socket;
  }, lingerMs);
const connectedOnce = (socket: ReturnType<typeof openSocket>) =>
  socket.connected ? Promise.resolve() : new Promise<void>((resolve) => socket.once("connect", () => resolve()));
const frames: FrameScheduler = {
  request: (fold) => {
    setTimeout(fold, 0);
    return 0;
  },
  cancel: () => {},
};

describe("the page's one socket", () => {
  it("gives every holder the same connection, and closes it a moment after the last lets go", async () => {
    const shared = pageSocket();
    const shell = shared.acquire();
    const runView = shared.acquire();
    expect(runView).toBe(shell);
    await connectedOnce(shell);
    expect(connected).toHaveLength(1);

    shared.release();
    await new Promise((r) => setTimeout(r, lingerMs * 3));
    expect(shell.connected).toBe(true); // one holder left

    shared.release();
    expect(shared.acquire()).toBe(shell); // back within the moment: still the same socket
    shared.release();
    await expect.poll(() => shell.connected).toBe(false);
    const next = shared.acquire();
    expect(next).not.toBe(shell);
    await connectedOnce(next);
    shared.release();
  });

  it("watches a run on a socket the shell already opened, and stopping leaves the socket to the shell", async () => {
    const shared = pageSocket();
    const shell = shared.acquire();
    await connectedOnce(shell);
    const news: string[][] = [];
    shell.on("runs:changed", (change) => void news.push(change.runIds));

    const store = createRunStore();
    store.getState().watch("r1");
    const stop = watchRun(shared.acquire(), store, "r1", frames);
    // Connected already: no `connect` comes, it asks at once.
    await expect.poll(() => store.getState().run.lastSeq).toBe(2);
    expect(store.getState().connection).toBe("live");
    expect(watched).toEqual([{ runId: "r1", afterSeq: 0 }]);

    // Live events of another run watched on the same socket are not this store's.
    connected[0]!.emit("run:events", [stored("r2", 3)]);
    connected[0]!.emit("run:events", [stored("r1", 3)]);
    await expect.poll(() => store.getState().run.lastSeq).toBe(3);
    expect(store.getState().events.every((e) => e.runId === "r1")).toBe(true);

    stop();
    shared.release();
    await expect.poll(() => unwatched).toEqual(["r1"]);
    connected[0]!.emit("runs:changed", { runIds: ["r1"] });
    await expect.poll(() => news).toEqual([["r1"]]);
    expect(shell.connected).toBe(true);
    expect(connected).toHaveLength(1); // one socket for the shell and the run view
    shared.release();
  });

  it("asks again for what it missed after the connection drops", async () => {
    const shared = pageSocket();
    const socket = shared.acquire();
    const store = createRunStore();
    store.getState().watch("r1");
    const stop = watchRun(socket, store, "r1", frames);
    await expect.poll(() => store.getState().run.lastSeq).toBe(2);
    connected[0]!.disconnect(true); // as an access change does: it connects again by itself
    await expect.poll(() => watched.length).toBe(2);
    expect(watched[1]).toEqual({ runId: "r1", afterSeq: 2 });
    await expect.poll(() => store.getState().connection).toBe("live");
    stop();
    shared.release();
  });
});
