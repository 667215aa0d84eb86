import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { verifyAuditLog } from "../db/audit-repository";
import { projectRoot } from "../db/config";
import { flow } from "../engine/core/testing";
import { startTestServer, type TestServer } from "../testing/test-server";

let t: TestServer;
let owner: string;
beforeAll(async () => {
  t = await startTestServer();
  owner = await t.signUp("olga@example.com", "Olga Owner");
});
afterAll(() => t.close());

const verifyCli = () =>
  spawnSync(process.execPath, [path.join(projectRoot, "scripts/switchyard.mjs"), "audit", "verify", "--db", t.dbFile], {
    encoding: "utf8",
    timeout: 50_000,
  });

it("records each action that changes the workspace, with who did it and never a secret; verify finds any edit", async () => {
  const api = t.trpc(owner);
  const { id } = await api.flows.create.mutate({ name: "Audited" });
  await api.flows.save.mutate({
    id,
    expectedVersion: 1,
    document: { ...flow({ start: ["start"], end: ["end"] }, ["start -> end"]), name: "Audited" },
  });
  await api.flows.publish.mutate({ id, expectedVersion: 2, message: "go live" });
  await api.flows.rename.mutate({ id, name: "Audited flow" });
  const hook = await api.flows.setWebhook.mutate({ id, enabled: true, mode: "sync" });
  await api.credentials.create.mutate({ name: "stripe", secret: "sk_live_very_secret" });
  const invite = await api.team.createInvite.mutate({ role: "editor" });
  const token = await api.tokens.create.mutate({ name: "CI" });
  await api.settings.setOutboundAllow.mutate({ entries: ["10.0.0.0/8"] });
  // Through the REST API, a token's action is the token's.
  await fetch(`${t.url}/api/v1/flows/${id}/restore`, {
    method: "POST",
    headers: { authorization: `Bearer ${token.secret}`, "content-type": "application/json" },
    body: JSON.stringify({ version: 1 }),
  });
  const joiner = await t.signUp("jo@example.com", "Jo Joiner");
  await t.trpc(joiner).team.acceptInvite.mutate({ token: invite.token });

  const { entries, total } = await api.audit.list.query({});
  expect(entries.map((e) => e.action).reverse()).toEqual([
    "flow.published",
    "flow.renamed",
    "flow.webhook_on",
    "credential.created",
    "member.invited",
    "token.created",
    "network.allowlist_set",
    "flow.restored",
    "member.joined",
  ]);
  expect(total).toBe(9); // saving a draft is not an audited action
  const by = (action: string) => entries.find((e) => e.action === action)!;
  expect(by("flow.published")).toMatchObject({
    actorName: "Olga Owner",
    targetId: id,
    details: { version: 1, message: "go live" },
  });
  expect(by("flow.restored")).toMatchObject({ actorType: "token", actorName: "Olga Owner (API token)" });
  expect(by("member.joined")).toMatchObject({ actorName: "Jo Joiner", details: { role: "editor" } });
  const everything = JSON.stringify(entries);
  for (const secret of ["sk_live_very_secret", token.secret, hook!.token, invite.token])
    expect(everything).not.toContain(secret);
  expect((await api.audit.list.query({ action: "flow.renamed" })).entries).toHaveLength(1);

  expect(await verifyAuditLog(t.app.services.prisma)).toEqual({ ok: true, entries: 9 });
  expect(verifyCli()).toMatchObject({ status: 0, stdout: expect.stringContaining("intact: 9 entries") });

  // Someone edits a row directly: the chain names it.
  await t.app.services.prisma.$executeRawUnsafe(
    `UPDATE "AuditEntry" SET "details" = '{"version":1,"message":"nothing to see"}' WHERE "action" = 'flow.published'`,
  );
  expect(await verifyAuditLog(t.app.services.prisma)).toMatchObject({
    ok: false,
    seq: 1,
    reason: expect.stringMatching(/changed/),
  });
  const cli = verifyCli();
  expect(cli.status).toBe(1);
  expect(cli.stderr).toContain("broken at entry 1");
});

it("is the owners' to read", async () => {
  const invite = await t.trpc(owner).team.createInvite.mutate({ role: "editor" });
  const editor = await t.signUp("ed@example.com", "Ed");
  await t.trpc(editor).team.acceptInvite.mutate({ token: invite.token });
  await expect(t.trpc(editor).audit.list.query({})).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
});

it("has an entry for every audited action, each naming what it acted on", async () => {
  const ownerCookie = await t.signUp("ada@example.com", "Ada");
  const api = t.trpc(ownerCookie);
  const doc = (name: string) => ({
    ...flow({ start: ["start"], review: ["approval", { allowRequesterToApprove: true }], end: ["end"] }, [
      "start -> review",
      "review.approved -> end",
    ]),
    name,
  });
  const { id } = await api.flows.create.mutate({ name: "Everything" });
  await api.flows.save.mutate({ id, expectedVersion: 1, document: doc("Everything") });
  await api.flows.setWebhook.mutate({ id, enabled: true });
  await api.flows.setWebhook.mutate({ id, enabled: false });
  const credential = await api.credentials.create.mutate({ name: "key", secret: "shh-secret" });
  await api.credentials.remove.mutate({ id: credential.id });
  const invite = await api.team.createInvite.mutate({ role: "viewer" });
  await api.team.revokeInvite.mutate({ id: invite.id });
  const joining = await api.team.createInvite.mutate({ role: "viewer" });
  const mate = await t.signUp("mate@example.com", "Mate");
  await t.trpc(mate).team.acceptInvite.mutate({ token: joining.token });
  const mateId = (await api.team.members.query()).find((m) => m.email === "mate@example.com")!.userId;
  await api.team.setRole.mutate({ userId: mateId, role: "editor" });
  const group = await api.team.createGroup.mutate({ name: "finance" });
  await api.team.setGroupMembers.mutate({ id: group.id, userIds: [mateId] });
  await api.team.removeGroup.mutate({ id: group.id });
  await api.team.removeMember.mutate({ userId: mateId });
  const token = await api.tokens.create.mutate({ name: "t" });
  await api.tokens.revoke.mutate({ id: token.id });
  await api.settings.setRunRetention.mutate({ days: 90 });
  // Runs: one decided in the inbox, one in the run view, one cancelled, one retried.
  const start = async () => {
    const { runId } = await api.runs.start.mutate({ flowId: id, input: {} });
    await t.app.services.engine.idle();
    return runId;
  };
  const first = await start();
  const [task] = await api.inbox.ofRun.query({ runId: first });
  await api.inbox.decide.mutate({ taskId: task!.id, decision: "approve", requestId: "inbox-decision" });
  const second = await start();
  await api.runs.decide.mutate({
    runId: second,
    nodeId: "review",
    decision: "reject",
    comment: "no",
    requestId: "run-view-decision",
  });
  const third = await start();
  await api.runs.cancel.mutate({ id: third });
  await t.app.services.engine.idle();
  await api.flows.save.mutate({
    id,
    expectedVersion: 2,
    document: {
      ...doc("Everything"),
      nodes: [
        ...doc("Everything").nodes,
        {
          id: "boom",
          type: "transform",
          position: { x: 0, y: 300 },
          data: { label: "boom", expression: '$error("x")' },
        },
      ],
      edges: [
        ...doc("Everything").edges,
        { id: "e_start_boom", source: "start", sourceHandle: "out", target: "boom", targetHandle: "in" },
      ],
    },
  });
  const failing = await start();
  await api.runs.retry.mutate({ id: failing });
  await api.flows.remove.mutate({ id });

  const { entries } = await api.audit.list.query({ pageSize: 200 });
  const actions = new Set(entries.map((e) => e.action));
  for (const action of [
    "flow.webhook_on",
    "flow.webhook_off",
    "credential.created",
    "credential.deleted",
    "member.invited",
    "invite.revoked",
    "member.joined",
    "member.role_changed",
    "group.created",
    "group.members_set",
    "group.removed",
    "member.removed",
    "token.created",
    "token.revoked",
    "runs.retention_set",
    "approval.decided",
    "run.cancelled",
    "run.retried",
    "flow.deleted",
  ])
    expect(actions, action).toContain(action);
  expect(entries.filter((e) => e.action === "approval.decided")).toHaveLength(2);
  expect(entries.find((e) => e.action === "member.role_changed")).toMatchObject({
    targetId: mateId,
    details: { role: "editor" },
  });
  expect(entries.find((e) => e.action === "run.cancelled")).toMatchObject({ targetId: third });
  expect(JSON.stringify(entries)).not.toContain("shh-secret");
});
