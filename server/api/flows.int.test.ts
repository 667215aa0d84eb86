import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newFlowDocument } from "../../lib/flow/document";
import { eventLabel } from "../../lib/run/event-label";
import { rejection } from "../testing/rejection";
import { startTestServer, type TestServer } from "../testing/test-server";

let t: TestServer;
let ada: string;
let bob: string;

beforeAll(async () => {
  t = await startTestServer();
  ada = await t.signUp("ada@example.com", "Ada Lovelace");
  bob = await t.signUp("bob@example.com", "Bob Builder");
});
afterAll(() => t.close());

describe("accounts", () => {
  it("gives each new account its own workspace, as owner", async () => {
    const me = await t.trpc(ada).me.get.query();
    expect(me.user.email).toBe("ada@example.com");
    expect(me.workspace).toMatchObject({ role: "owner", workspaceName: "Ada's workspace" });
    const bobs = await t.trpc(bob).me.get.query();
    expect(bobs.workspace?.workspaceId).not.toBe(me.workspace?.workspaceId);
  });

  it("refuses every workspace procedure without a session", async () => {
    const error = await rejection(t.trpc().flows.list.query());
    expect(error.data.code).toBe("UNAUTHORIZED");
    expect(error.message).toMatch(/sign in/i);
  });

  it("stores argon2id password hashes", async () => {
    const account = await t.app.services.prisma.account.findFirst({ where: { user: { email: "ada@example.com" } } });
    expect(account?.password).toMatch(/^\$argon2id\$/);
  });
});

describe("flows", () => {
  it("creates a flow that starts with a start joined to an end", async () => {
    const flow = await t.trpc(ada).flows.create.mutate({ name: "Contract review" });
    expect(flow.version).toBe(1);
    expect(flow.document.nodes.map((n) => n.type)).toEqual(["start", "end"]);
    expect(flow.document.edges).toEqual([expect.objectContaining({ source: "start", target: "end" })]);
    const list = await t.trpc(ada).flows.list.query();
    expect(list.map((f) => f.name)).toContain("Contract review");
  });

  it("renames and deletes", async () => {
    const flow = await t.trpc(ada).flows.create.mutate({ name: "Draft" });
    await t.trpc(ada).flows.rename.mutate({ id: flow.id, name: "Final" });
    expect((await t.trpc(ada).flows.get.query({ id: flow.id })).name).toBe("Final");
    await t.trpc(ada).flows.remove.mutate({ id: flow.id });
    const error = await rejection(t.trpc(ada).flows.get.query({ id: flow.id }));
    expect(error.data.code).toBe("NOT_FOUND");
  });

  it("rejects an empty name with a message naming the field", async () => {
    const error = await rejection(t.trpc(ada).flows.create.mutate({ name: "   " }));
    expect(error.data.code).toBe("BAD_REQUEST");
    expect(error.message).toContain("name");
  });

  it("saves a document and returns exactly it on reload", async () => {
    const flow = await t.trpc(ada).flows.create.mutate({ name: "Saved" });
    const document = {
      ...flow.document,
      nodes: flow.document.nodes.map((n) => ({ ...n, position: { x: n.position.x + 40, y: 80 } })),
    };
    const saved = await t.trpc(ada).flows.save.mutate({ id: flow.id, expectedVersion: 1, document });
    expect(saved.version).toBe(2);
    const reloaded = await t.trpc(ada).flows.get.query({ id: flow.id });
    expect(reloaded.document).toEqual(document);
    expect(reloaded.version).toBe(2);
  });

  it("refuses a stale save and keeps the newer version intact", async () => {
    const flow = await t.trpc(ada).flows.create.mutate({ name: "Two tabs" });
    const mine = { ...flow.document, description: "tab one" };
    await t.trpc(ada).flows.save.mutate({ id: flow.id, expectedVersion: 1, document: mine });
    const error = await rejection(
      t
        .trpc(ada)
        .flows.save.mutate({ id: flow.id, expectedVersion: 1, document: { ...flow.document, description: "tab two" } }),
    );
    expect(error.data.code).toBe("CONFLICT");
    expect(error.message).toMatch(/Someone changed this flow/);
    expect((await t.trpc(ada).flows.get.query({ id: flow.id })).document.description).toBe("tab one");
  });

  it("refuses an invalid definition with the path of the first problem and loses nothing", async () => {
    const flow = await t.trpc(ada).flows.create.mutate({ name: "Guarded" });
    const broken = {
      ...flow.document,
      nodes: [...flow.document.nodes, { id: "x", type: "teleport", position: { x: 0, y: 0 }, data: {} }],
    };
    const error = await rejection(t.trpc(ada).flows.save.mutate({ id: flow.id, expectedVersion: 1, document: broken }));
    expect(error.data.code).toBe("BAD_REQUEST");
    expect(error.message).toContain('node "x" (nodes[2].type): unknown node kind "teleport"');
    const reloaded = await t.trpc(ada).flows.get.query({ id: flow.id });
    expect(reloaded.version).toBe(1);
    expect(reloaded.document).toEqual(flow.document);
  });

  it("saves a draft with graph problems as warnings", async () => {
    const flow = await t.trpc(ada).flows.create.mutate({ name: "Draft with gaps" });
    const saved = await t
      .trpc(ada)
      .flows.save.mutate({ id: flow.id, expectedVersion: 1, document: { ...flow.document, edges: [] } });
    expect(saved.problems).toEqual([expect.objectContaining({ severity: "warning", nodeId: "end" })]);
  });
});

describe("workspace isolation", () => {
  it("does not let a second account see or touch the first one's flows", async () => {
    const flow = await t.trpc(ada).flows.create.mutate({ name: "Ada's secret" });
    const asBob = t.trpc(bob);
    expect((await asBob.flows.list.query()).map((f) => f.id)).not.toContain(flow.id);
    for (const attempt of [
      asBob.flows.get.query({ id: flow.id }),
      asBob.flows.rename.mutate({ id: flow.id, name: "mine now" }),
      asBob.flows.save.mutate({ id: flow.id, expectedVersion: 1, document: newFlowDocument("hijack") }),
      asBob.flows.remove.mutate({ id: flow.id }),
      asBob.runs.start.mutate({ flowId: flow.id }),
    ]) {
      expect((await rejection(attempt)).data.code).toBe("NOT_FOUND");
    }
    const untouched = await t.trpc(ada).flows.get.query({ id: flow.id });
    expect(untouched).toMatchObject({ name: "Ada's secret", version: 1 });
  });

  it("does not let a second account read the first one's runs", async () => {
    const flow = await t.trpc(ada).flows.create.mutate({ name: "Run me" });
    const { runId } = await t.trpc(ada).runs.start.mutate({ flowId: flow.id });
    expect((await rejection(t.trpc(bob).runs.get.query({ id: runId }))).data.code).toBe("NOT_FOUND");
    expect((await rejection(t.trpc(bob).runs.events.query({ id: runId }))).data.code).toBe("NOT_FOUND");
  });
});

describe("runs", () => {
  it("runs start → end and records every step as numbered events", async () => {
    const flow = await t.trpc(ada).flows.create.mutate({ name: "Hello run" });
    const { runId } = await t.trpc(ada).runs.start.mutate({ flowId: flow.id, input: { topic: "bridges" } });
    await t.app.services.engine.idle();
    const run = await t.trpc(ada).runs.get.query({ id: runId });
    expect(run.status).toBe("succeeded");
    expect(run.output).toEqual({ topic: "bridges" });
    const events = await t.trpc(ada).runs.events.query({ id: runId });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.map(eventLabel)).toEqual([
      "run.started",
      "node.started:start",
      "node.succeeded:start",
      "node.started:end",
      "node.succeeded:end",
      "run.succeeded",
    ]);
  });

  it("refuses to run a flow with errors, naming the problem", async () => {
    const flow = await t.trpc(ada).flows.create.mutate({ name: "No start" });
    const document = { ...flow.document, nodes: flow.document.nodes.filter((n) => n.type !== "start"), edges: [] };
    await t.trpc(ada).flows.save.mutate({ id: flow.id, expectedVersion: 1, document });
    const error = await rejection(t.trpc(ada).runs.start.mutate({ flowId: flow.id }));
    expect(error.data.code).toBe("BAD_REQUEST");
    expect(error.message).toContain("the flow needs a start node");
  });

  it("refuses a run input that does not match the start node's fields", async () => {
    const flow = await t.trpc(ada).flows.create.mutate({ name: "Typed input" });
    const document = {
      ...flow.document,
      nodes: flow.document.nodes.map((n) =>
        n.type === "start"
          ? { ...n, data: { label: "Start", inputs: [{ name: "count", type: "number", required: true }] } }
          : n,
      ),
    };
    await t.trpc(ada).flows.save.mutate({ id: flow.id, expectedVersion: 1, document });
    const error = await rejection(t.trpc(ada).runs.start.mutate({ flowId: flow.id, input: { count: "three" } }));
    expect(error.message).toMatch(/count: .*number/);
  });
});

describe("health", () => {
  it("reports ok, db and version", async () => {
    const res = await fetch(`${t.url}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, db: "ok", version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });
});
