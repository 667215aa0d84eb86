import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flow } from "../engine/core/testing";
import { startTestServer, type TestServer } from "../testing/test-server";
import { waitFor } from "../testing/wait-for";

let t: TestServer;
let owner: string;
let viewer: string;
let outsider: string;
let model: Server;
let modelUrl: string;

beforeAll(async () => {
  // A "self-hosted model" on loopback: private, so flows may not reach it until allowed.
  model = createServer((_, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}'));
  await new Promise<void>((resolve) => model.listen(0, "127.0.0.1", resolve));
  modelUrl = `http://127.0.0.1:${(model.address() as AddressInfo).port}/v1/health`;
  t = await startTestServer();
  owner = await t.signUp("net-owner@example.com", "Nell Owner");
  viewer = await t.signUp("net-viewer@example.com", "Vic Viewer");
  outsider = await t.signUp("net-outsider@example.com", "Oscar Outsider");
  const me = await t.trpc(viewer).me.get.query();
  const workspace = (await t.trpc(owner).me.get.query()).workspace!;
  await t.app.services.prisma.membership.deleteMany({ where: { userId: me.user.id } });
  await t.app.services.prisma.membership.create({
    data: { userId: me.user.id, workspaceId: workspace.workspaceId, role: "viewer" },
  });
});
afterAll(async () => {
  await t.close();
  await new Promise((resolve) => model.close(resolve));
});

async function callModel(cookie: string) {
  const api = t.trpc(cookie);
  const created = await api.flows.create.mutate({ name: "Calls the LAN" });
  const doc = flow({ start: ["start"], call: ["http", { url: modelUrl }], end: ["end", { output: "prev.body" }] }, [
    "start -> call",
    "call -> end",
  ]);
  await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });
  const { runId } = await api.runs.start.mutate({ flowId: created.id });
  return waitFor(
    "the run calling the LAN to finish",
    () => api.runs.get.query({ id: runId }),
    (run) => run.status === "succeeded" || run.status === "failed",
  );
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (e: { data?: { code?: string } }) => e.data?.code,
  );

describe("Settings → Network: private addresses flows may reach", () => {
  it("blocks a private address until an owner allows it, for that workspace only", async () => {
    const blocked = await callModel(owner);
    expect(blocked.status).toBe("failed");
    expect(blocked.error?.message).toContain("private or local address; allow it in Settings → Network");

    await t.trpc(owner).settings.setOutboundAllow.mutate({ entries: ["127.0.0.1"] });
    expect(await t.trpc(viewer).settings.outboundAllow.query()).toEqual(["127.0.0.1"]);
    expect(await callModel(owner)).toMatchObject({ status: "succeeded", output: { ok: true } });

    // Another workspace's flows are still kept off the LAN.
    expect((await callModel(outsider)).status).toBe("failed");
    expect(await t.trpc(outsider).settings.outboundAllow.query()).toEqual([]);
  });

  it("lets only owners change it, and names an entry that is not an address", async () => {
    expect(await codeOf(t.trpc(viewer).settings.setOutboundAllow.mutate({ entries: ["10.0.0.0/8"] }))).toBe(
      "FORBIDDEN",
    );
    const bad = t.trpc(owner).settings.setOutboundAllow.mutate({ entries: ["10.0.0.0/8", "http://model.lan"] });
    await expect(bad).rejects.toThrow(
      'entries[1]: "http://model.lan" is not a host name, an IP address or a CIDR range (leave out http:// and the port)',
    );
    expect(await t.trpc(owner).settings.outboundAllow.query()).toEqual(["127.0.0.1"]); // nothing lost
  });
});
