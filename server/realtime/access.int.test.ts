// Access on live sockets: a removal, a change of role, a sign-out or a revoked session ends the
// sockets concerned at once, and every watch is authorized against the database again.
import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openSocket } from "../../components/open-socket";
import type { RunEvent } from "../../lib/run/events";
import { flow } from "../engine/core/testing";
import { startTestServer, type TestServer } from "../testing/test-server";
import { connectedSocket, dropped } from "../testing/test-socket";

let t: TestServer;
let owner: string;
let ownerFlowId: string;
const sockets: Socket[] = [];
let people = 0;

beforeAll(async () => {
  t = await startTestServer({ signInPerMinute: 100 });
  owner = await t.signUp("olive@example.com", "Olive Owner");
  // start ─▶ ok (an approval): its runs wait, so they stay live to watch.
  const created = await t.trpc(owner).flows.create.mutate({ name: "Waits" });
  const doc = flow({ start: ["start"], ok: ["approval", { title: "OK?" }], end: ["end"] }, [
    "start -> ok",
    "ok.approved -> end",
  ]);
  await t.trpc(owner).flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });
  ownerFlowId = created.id;
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.disconnect();
});
afterAll(() => t.close());

/** A new account in the owner's workspace with a role; returns its cookie and id. */
async function member(role: "editor" | "viewer" = "editor") {
  const email = `member-${++people}@example.com`;
  const cookie = await t.signUp(email, `Member ${people}`);
  const invite = await t.trpc(owner).team.createInvite.mutate({ role });
  await t.trpc(cookie).team.acceptInvite.mutate({ token: invite.token });
  const me = await t.trpc(cookie).me.get.query();
  return { cookie, email, id: me.user.id };
}

/** Another session of the same account, through the real sign-in endpoint. */
async function signIn(email: string): Promise<string> {
  const res = await fetch(`${t.url}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: t.url },
    body: JSON.stringify({ email, password: "correct horse battery" }),
  });
  if (!res.ok) throw new Error(`sign-in failed: ${res.status}`);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

const authPost = (path: string, cookie: string) =>
  fetch(`${t.url}/api/auth/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: t.url, cookie },
    body: "{}",
  });

const connect = (cookie: string) => connectedSocket(t.url, cookie, { opened: sockets });

type Reply = { ok: true; events: RunEvent[] } | { ok: false; error: string };
const watch = (socket: Socket, runId: string): Promise<Reply> =>
  socket.timeout(5000).emitWithAck("run:watch", { runId, afterSeq: 0 });

async function startRun(cookie: string, flowId: string): Promise<string> {
  const { runId } = await t.trpc(cookie).runs.start.mutate({ flowId });
  await t.app.services.engine.idle();
  return runId;
}

/** Every run id the socket is told of on `runs:changed`. */
function runsHeard(socket: Socket): string[] {
  const heard: string[] = [];
  socket.on("runs:changed", (m: { runIds: string[] }) => heard.push(...m.runIds));
  return heard;
}

describe("membership changes", () => {
  it("closes a removed member's socket at once; reconnected, it hears nothing more of the workspace", async () => {
    const ed = await member();
    const socket = await connect(ed.cookie);
    const waiting = await startRun(owner, ownerFlowId);
    expect((await watch(socket, waiting)).ok).toBe(true);

    const closed = dropped(socket);
    await t.trpc(owner).team.removeMember.mutate({ userId: ed.id });
    expect(await closed).toBe("io server disconnect");

    // Reconnected, Ed works in his own workspace again: the owner's runs are not his to watch or hear of.
    const again = await connect(ed.cookie);
    const heard = runsHeard(again);
    expect(await watch(again, waiting)).toEqual({ ok: false, error: "run not found" });
    const theirs = await startRun(owner, ownerFlowId);
    const own = await t.trpc(ed.cookie).flows.create.mutate({ name: "Mine" });
    const mine = await startRun(ed.cookie, own.id);
    await expect.poll(() => heard.includes(mine)).toBe(true); // heard after the owner's run, on the same bus
    expect(heard).not.toContain(theirs);
  });

  it("closes a member's socket when their role changes; they reconnect with the new role", async () => {
    const vi = await member("editor");
    const socket = await connect(vi.cookie);
    const closed = dropped(socket);
    await t.trpc(owner).team.setRole.mutate({ userId: vi.id, role: "viewer" });
    expect(await closed).toBe("io server disconnect");
    const again = await connect(vi.cookie);
    expect((await watch(again, await startRun(owner, ownerFlowId))).ok).toBe(true); // viewers still look
  });

  it("moves a socket into the workspace its person just joined", async () => {
    const newcomer = await t.signUp("newcomer@example.com", "New Comer");
    const socket = await connect(newcomer);
    const closed = dropped(socket);
    const invite = await t.trpc(owner).team.createInvite.mutate({ role: "viewer" });
    await t.trpc(newcomer).team.acceptInvite.mutate({ token: invite.token });
    expect(await closed).toBe("io server disconnect");
    const heard = runsHeard(await connect(newcomer));
    const runId = await startRun(owner, ownerFlowId);
    await expect.poll(() => heard.includes(runId)).toBe(true);
  });

  it("refuses a watch from a socket whose member is gone, even if it missed the notice", async () => {
    const ed = await member();
    const socket = await connect(ed.cookie);
    const waiting = await startRun(owner, ownerFlowId);
    // Removed behind the API's back: no notice is sent, as if it had been lost on the way.
    const { workspaceId } = (await t.trpc(owner).me.get.query()).workspace!;
    await t.app.services.prisma.membership.delete({ where: { workspaceId_userId: { workspaceId, userId: ed.id } } });

    const closed = dropped(socket);
    expect(await watch(socket, waiting)).toEqual({ ok: false, error: "unauthorized: sign in again" });
    expect(await closed).toBe("io server disconnect");
  });
});

describe("sessions", () => {
  it("signing out closes that session's sockets, and no other session's", async () => {
    const ed = await member();
    const laptop = ed.cookie;
    const phone = await signIn(ed.email);
    const onLaptop = await connect(laptop);
    const onPhone = await connect(phone);
    const heardOnPhone = runsHeard(onPhone);

    const closed = dropped(onLaptop);
    expect((await authPost("sign-out", laptop)).ok).toBe(true);
    expect(await closed).toBe("io server disconnect");
    await expect(connect(laptop)).rejects.toThrow(/unauthorized/);

    const runId = await startRun(phone, ownerFlowId);
    await expect.poll(() => heardOnPhone.includes(runId)).toBe(true);
    expect(onPhone.connected).toBe(true);
  });

  it("revoking the other sessions closes their sockets", async () => {
    const ed = await member();
    const kept = ed.cookie;
    const revoked = await signIn(ed.email);
    const onKept = await connect(kept);
    const onRevoked = await connect(revoked);
    const heardOnKept = runsHeard(onKept);

    const closed = dropped(onRevoked);
    expect((await authPost("revoke-other-sessions", kept)).ok).toBe(true);
    expect(await closed).toBe("io server disconnect");

    const runId = await startRun(kept, ownerFlowId);
    await expect.poll(() => heardOnKept.includes(runId)).toBe(true);
    expect(onKept.connected).toBe(true);
  });
});

describe("the browser's socket (components/open-socket)", () => {
  const open = (cookie: string) => {
    const socket = openSocket({ url: t.url, headers: { cookie, origin: t.url } });
    sockets.push(socket);
    return socket;
  };
  const next = (socket: Socket, event: "connect" | "connect_error") =>
    new Promise<void>((resolve) => socket.once(event, () => resolve()));

  it("connects again by itself when the server drops it, authorized afresh; once refused, it stays closed", async () => {
    const ed = await member();
    const socket = open(ed.cookie);
    await next(socket, "connect");
    const heard = runsHeard(socket);

    const back = next(socket, "connect");
    await t.trpc(owner).team.setRole.mutate({ userId: ed.id, role: "viewer" });
    await back;
    const runId = await startRun(owner, ownerFlowId);
    await expect.poll(() => heard.includes(runId)).toBe(true);

    const refused = next(socket, "connect_error");
    expect((await authPost("sign-out", ed.cookie)).ok).toBe(true);
    await refused;
    expect(socket.active).toBe(false); // no retry loop against a refusing server
  });
});
