import { randomUUID } from "node:crypto";
// Team and roles through the API: invite links, what each role may do, groups.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flow } from "../engine/core/testing";
import { startTestServer, type TestServer } from "../testing/test-server";

let t: TestServer;
let owner: string;
const people: Record<"editor" | "approver" | "viewer", string> = { editor: "", approver: "", viewer: "" };
let outsider: string;

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (e: { data?: { code?: string } }) => e.data?.code ?? String(e),
  );

async function join(cookie: string, role: "owner" | "editor" | "approver" | "viewer") {
  const invite = await t.trpc(owner).team.createInvite.mutate({ role });
  return t.trpc(cookie).team.acceptInvite.mutate({ token: invite.token });
}

beforeAll(async () => {
  t = await startTestServer();
  owner = await t.signUp("olive@example.com", "Olive Owner");
  for (const role of ["editor", "approver", "viewer"] as const) {
    people[role] = await t.signUp(`${role}@example.com`, `${role[0]!.toUpperCase()}${role.slice(1)} Person`);
    await join(people[role], role);
  }
  outsider = await t.signUp("xavier@example.com", "Xavier Outsider");
});
afterAll(() => t.close());

describe("invite links", () => {
  it("join the owner's workspace with the invite's role, which becomes the workspace they work in", async () => {
    const me = await t.trpc(people.viewer).me.get.query();
    expect(me.workspace).toMatchObject({ workspaceName: expect.stringContaining("Olive"), role: "viewer" });
    const members = await t.trpc(owner).team.members.query();
    expect(members.map((m) => [m.name, m.role])).toEqual([
      ["Olive Owner", "owner"],
      ["Editor Person", "editor"],
      ["Approver Person", "approver"],
      ["Viewer Person", "viewer"],
    ]);
  });

  it("stop working once revoked, and only owners make them", async () => {
    const invite = await t.trpc(owner).team.createInvite.mutate({ role: "editor" });
    expect(await t.trpc(outsider).team.invite.query({ token: invite.token })).toMatchObject({ role: "editor" });
    await t.trpc(owner).team.revokeInvite.mutate({ id: invite.id });
    expect(await t.trpc(outsider).team.invite.query({ token: invite.token })).toBeNull();
    await expect(t.trpc(outsider).team.acceptInvite.mutate({ token: invite.token })).rejects.toThrow(
      "This invite link has expired or was revoked",
    );
    expect(await codeOf(t.trpc(people.editor).team.createInvite.mutate({ role: "owner" }))).toBe("FORBIDDEN");
    expect((await t.trpc(outsider).me.get.query()).workspace?.role).toBe("owner"); // still in their own
  });
});

describe("what each role may do", () => {
  it("viewers look; approvers look and decide; editors edit and run; owners also manage", async () => {
    // An approval any member allowed to decide may decide, waiting in a run the owner started.
    const api = t.trpc(owner);
    const created = await api.flows.create.mutate({ name: "Roles" });
    const doc = flow({ start: ["start"], ok: ["approval", { title: "OK?" }], end: ["end"] }, [
      "start -> ok",
      "ok.approved -> end",
    ]);
    await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });
    const waiting = async () => {
      const { runId } = await api.runs.start.mutate({ flowId: created.id });
      await t.app.services.engine.idle();
      return runId;
    };
    const waitingTask = async () => {
      const runId = await waiting();
      return (await t.app.services.prisma.approvalTask.findFirstOrThrow({ where: { runId } })).id;
    };
    const can = async (cookie: string) => {
      const x = t.trpc(cookie);
      return {
        view: await codeOf(x.flows.list.query()),
        edit: await codeOf(x.flows.rename.mutate({ id: created.id, name: "Roles" })),
        run: await codeOf(x.runs.start.mutate({ flowId: created.id })),
        decide: await codeOf(
          x.runs.decide.mutate({ runId: await waiting(), nodeId: "ok", decision: "approve", requestId: randomUUID() }),
        ),
        decideInInbox: await codeOf(
          x.inbox.decide.mutate({ taskId: await waitingTask(), decision: "approve", requestId: randomUUID() }),
        ),
        manage: await codeOf(x.team.createInvite.mutate({ role: "viewer" })),
      };
    };
    expect(await can(people.viewer)).toEqual({
      view: "ok",
      edit: "FORBIDDEN",
      run: "FORBIDDEN",
      decide: "FORBIDDEN",
      decideInInbox: "FORBIDDEN",
      manage: "FORBIDDEN",
    });
    expect(await can(people.approver)).toEqual({
      view: "ok",
      edit: "FORBIDDEN",
      run: "FORBIDDEN",
      decide: "ok",
      decideInInbox: "ok",
      manage: "FORBIDDEN",
    });
    expect(await can(people.editor)).toEqual({
      view: "ok",
      edit: "ok",
      run: "ok",
      decide: "ok",
      decideInInbox: "ok",
      manage: "FORBIDDEN",
    });
    expect(await can(owner)).toMatchObject({ view: "ok", edit: "ok", run: "ok", manage: "ok" });
  });

  it("owners change roles, but never leave the workspace without an owner", async () => {
    const ownerId = (await t.trpc(owner).me.get.query()).user.id;
    await expect(t.trpc(owner).team.setRole.mutate({ userId: ownerId, role: "editor" })).rejects.toThrow(
      "A workspace needs an owner",
    );
    const viewerId = (await t.trpc(people.viewer).me.get.query()).user.id;
    await t.trpc(owner).team.setRole.mutate({ userId: viewerId, role: "approver" });
    expect((await t.trpc(people.viewer).me.get.query()).workspace?.role).toBe("approver");
    await t.trpc(owner).team.setRole.mutate({ userId: viewerId, role: "viewer" });
  });
});

describe("the webhook address", () => {
  it("is shown only to those who may run the flow, wherever a viewer or approver looks", async () => {
    const api = t.trpc(owner);
    const created = await api.flows.create.mutate({ name: "Hooked" });
    await api.flows.publish.mutate({ id: created.id, expectedVersion: 1 });
    const hook = (await api.flows.setWebhook.mutate({ id: created.id, enabled: true, mode: "async" }))!;
    // A run started through the address: whoever may look at runs may look at this one too.
    const res = await fetch(`${t.url}${hook.path}`, { method: "POST", body: "{}" });
    expect(res.status).toBe(202);
    const { runId } = (await res.json()) as { runId: string };
    await t.app.services.engine.idle();

    const everything = async (cookie: string) => {
      const x = t.trpc(cookie);
      const seen = [
        await x.flows.get.query({ id: created.id }),
        await x.flows.list.query(),
        await x.runs.list.query({}),
        await x.runs.get.query({ id: runId }),
        await x.runs.export.query({ id: runId }),
        await x.runs.events.query({ id: runId }),
        await x.inbox.list.query({ tab: "decided" }),
        await x.me.get.query(),
        await x.team.members.query(),
      ];
      return JSON.stringify(seen);
    };
    for (const role of ["viewer", "approver"] as const) {
      const flow = await t.trpc(people[role]).flows.get.query({ id: created.id });
      expect(flow).toMatchObject({ webhook: null, may: { edit: false, run: false } });
      expect(await everything(people[role])).not.toContain(hook.token);
    }
    for (const cookie of [people.editor, owner]) {
      const flow = await t.trpc(cookie).flows.get.query({ id: created.id });
      expect(flow).toMatchObject({ webhook: { token: hook.token, mode: "async" }, may: { edit: true, run: true } });
    }
  });
});

describe("groups", () => {
  it("gather members by name; someone outside the workspace cannot join one", async () => {
    const api = t.trpc(owner);
    const finance = await api.team.createGroup.mutate({ name: "finance" });
    await expect(api.team.createGroup.mutate({ name: "finance" })).rejects.toThrow('already a group named "finance"');
    const approverId = (await t.trpc(people.approver).me.get.query()).user.id;
    await api.team.setGroupMembers.mutate({ id: finance.id, userIds: [approverId] });
    expect(await t.trpc(people.viewer).team.groups.query()).toEqual([
      { id: finance.id, name: "finance", memberIds: [approverId] },
    ]);
    const outsiderId = (await t.trpc(outsider).me.get.query()).user.id;
    await expect(api.team.setGroupMembers.mutate({ id: finance.id, userIds: [outsiderId] })).rejects.toThrow(
      "Only members of this workspace",
    );
    // Another workspace sees neither the group nor can change it.
    expect(await t.trpc(outsider).team.groups.query()).toEqual([]);
    expect(await codeOf(t.trpc(outsider).team.removeGroup.mutate({ id: finance.id }))).toBe("NOT_FOUND");
  });
});
