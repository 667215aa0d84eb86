import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FlowDocument } from "../../lib/flow/document";
import { flow } from "../engine/core/testing";
import { startTestServer, type TestServer } from "../testing/test-server";

let t: TestServer;
let cookie: string;
beforeAll(async () => {
  t = await startTestServer();
  cookie = await t.signUp("hooks@example.com");
});
afterAll(() => t.close());

//  start(name required) ─▶ greet ─▶ end
const greeting = flow(
  {
    start: ["start", { inputs: [{ name: "name", type: "string", required: true }] }],
    greet: ["transform", { expression: '"Hello, " & input.name' }],
    end: ["end"],
  },
  ["start -> greet", "greet -> end"],
);

async function hook(doc: FlowDocument, mode: "sync" | "async") {
  const api = t.trpc(cookie);
  const created = await api.flows.create.mutate({ name: "Hooked" });
  await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });
  await api.flows.publish.mutate({ id: created.id, expectedVersion: 2 });
  const webhook = await api.flows.setWebhook.mutate({ id: created.id, enabled: true, mode });
  return { url: `${t.url}${webhook!.path}`, flowId: created.id, api };
}
const post = (url: string, body: string, headers: Record<string, string> = { "content-type": "application/json" }) =>
  fetch(url, { method: "POST", body, headers });

describe("webhooks", () => {
  it("sync: answers with the run's output", async () => {
    const { url } = await hook(greeting, "sync");
    const res = await post(url, JSON.stringify({ name: "Ada" }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "succeeded", output: "Hello, Ada" });
  });

  it("runs the version published now, not the one published at the last call", async () => {
    const { url, flowId, api } = await hook(greeting, "sync");
    expect(await (await post(url, JSON.stringify({ name: "Ada" }))).json()).toMatchObject({ output: "Hello, Ada" });
    const changed = structuredClone(greeting);
    changed.nodes.find((n) => n.id === "greet")!.data.expression = '"Goodbye, " & input.name';
    await api.flows.save.mutate({ id: flowId, expectedVersion: 2, document: changed });
    await api.flows.publish.mutate({ id: flowId, expectedVersion: 3 });
    expect(await (await post(url, JSON.stringify({ name: "Ada" }))).json()).toMatchObject({ output: "Goodbye, Ada" });
  });

  it("GET: the query string becomes the input", async () => {
    const { url } = await hook(greeting, "sync");
    const res = await fetch(`${url}?name=Grace`);
    expect(await res.json()).toMatchObject({ output: "Hello, Grace" });
  });

  it("async: answers 202 with the run id at once, and the run finishes", async () => {
    const { url, api } = await hook(greeting, "async");
    const res = await post(url, JSON.stringify({ name: "Lin" }));
    expect(res.status).toBe(202);
    const { runId } = (await res.json()) as { runId: string };
    await t.app.services.engine.idle();
    expect(await api.runs.get.query({ id: runId })).toMatchObject({
      status: "succeeded",
      output: "Hello, Lin",
      startedById: null,
    });
  });

  it("sync: a run that waits for people answers 202 with its status", async () => {
    const doc = flow({ start: ["start"], ok: ["approval", { title: "OK?" }], end: ["end"] }, [
      "start -> ok",
      "ok.approved -> end",
    ]);
    const { url } = await hook(doc, "sync");
    const res = await post(url, "{}");
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ status: "waiting" });
  });

  it("refuses bad input with a clear message and starts nothing", async () => {
    const { url, api, flowId } = await hook(greeting, "sync");
    const runsOfFlow = async () => (await api.runs.list.query({ flowId })).total;
    const badJson = await post(url, "{ nope");
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { error: string }).error).toMatch(/^the body is not valid JSON/);
    const notObject = await post(url, "[1,2]");
    expect(notObject.status).toBe(400);
    const missing = await post(url, "{}");
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: string }).error).toMatch(/name/);
    const huge = await post(url, JSON.stringify({ name: "x".repeat(1_100_000) }));
    expect(huge.status).toBe(413);
    expect(await runsOfFlow()).toBe(0);
    // The same hook with good input does start one: the count above would have seen it.
    expect((await post(url, JSON.stringify({ name: "Ada" }))).status).toBe(200);
    expect(await runsOfFlow()).toBe(1);
  });

  it("a revoked or unknown address is a 404", async () => {
    const { url, api, flowId } = await hook(greeting, "sync");
    await api.flows.setWebhook.mutate({ id: flowId, enabled: false });
    expect((await post(url, JSON.stringify({ name: "A" }))).status).toBe(404);
    expect((await post(`${t.url}/api/hooks/not-a-token`, "{}")).status).toBe(404);
  });
});

describe("webhooks: inputs that could be stored but not read back", () => {
  //  start ─▶ end (its output is the whole input)
  const echo = flow({ start: ["start"], end: ["end", { output: "input" }] }, ["start -> end"]);
  const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;

  /** Sends `body`, expects a 400 naming `problem`; then the server answers, no run was added and the earlier one reads back whole. */
  async function refused(send: (url: string) => Promise<Response>, problem: string) {
    const { url, api, flowId } = await hook(echo, "sync");
    const earlier = (await (await post(url, '{"kept":true}')).json()) as { runId: string };
    const res = await send(url);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe(`The run input is not valid: ${problem}`);
    expect((await fetch(`${t.url}/api/health`)).status).toBe(200);
    const runs = await api.runs.list.query({ flowId });
    expect(runs.items.map((r) => r.id)).toEqual([earlier.runId]);
    expect(await api.runs.get.query({ id: earlier.runId })).toMatchObject({
      status: "succeeded",
      output: { kept: true },
    });
    expect((await api.runs.events.query({ id: earlier.runId })).at(-1)?.type).toBe("run.succeeded");
  }

  it("refuses a __proto__ key, at any depth", async () => {
    await refused((url) => post(url, '{"a":{"__proto__":{"x":1}}}'), "input.a.__proto__: key not allowed");
    await refused((url) => post(url, '{"__proto__":{"x":1}}'), "input.__proto__: key not allowed");
  });

  it("refuses constructor and prototype keys, which superjson will not carry either", async () => {
    await refused((url) => post(url, '{"list":[{"constructor":1}]}'), "input.list[0].constructor: key not allowed");
    await refused((url) => post(url, '{"a":{"prototype":{}}}'), "input.a.prototype: key not allowed");
  });

  it("refuses an input nested 3,000 deep, and accepts one at the limit", async () => {
    await refused((url) => post(url, nested(3_000)), "input nests deeper than 64 levels");
    const { url } = await hook(echo, "sync");
    const atLimit = await post(url, nested(64));
    expect(atLimit.status).toBe(200);
  });

  it("GET: refuses such keys in the query string; a malformed escape there is decoded leniently", async () => {
    await refused((url) => fetch(`${url}?__proto__=1`), "input.__proto__: key not allowed");
    await refused((url) => fetch(`${url}?ok=1&constructor=2`), "input.constructor: key not allowed");
    const { url } = await hook(echo, "sync");
    const res = await fetch(`${url}?name=%E0%A4%A`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "succeeded", output: { name: "\uFFFD%A" } });
  });
});

describe("webhooks that fit their callers", () => {
  it("answers with the bare output, and the status and headers the end node sets", async () => {
    const doc = flow(
      {
        start: ["start", { inputs: [{ name: "name", type: "string", required: true }] }],
        end: [
          "end",
          { output: '{ "greeting": "Hi " & input.name }', response: { status: 201, headers: { "x-order": "42" } } },
        ],
      },
      ["start -> end"],
    );
    const { flowId, api } = await hook(doc, "sync");
    const webhook = await api.flows.setWebhookOptions.mutate({
      id: flowId,
      mode: "sync",
      options: { answer: "output", signature: null },
    });
    const url = `${t.url}${webhook.path}`;
    const res = await post(url, JSON.stringify({ name: "Bo" }));
    expect(res.status).toBe(201);
    expect(res.headers.get("x-order")).toBe("42");
    expect(res.headers.get("x-switchyard-run")).toMatch(/\w+/);
    expect(await res.json()).toEqual({ greeting: "Hi Bo" });
    const refused = await post(url, JSON.stringify({}));
    expect(refused.status).toBe(400); // an input the start node refuses: no run
    expect((await refused.json()).error).toContain("The run input is not valid");

    // A run that fails answers 500 with what went wrong, never a made-up output.
    const failing = flow(
      { start: ["start"], boom: ["transform", { expression: '$error("out of stock")' }], end: ["end"] },
      ["start -> boom", "boom -> end"],
    );
    const broken = await hook(failing, "sync");
    const bareBroken = await broken.api.flows.setWebhookOptions.mutate({
      id: broken.flowId,
      mode: "sync",
      options: { answer: "output", signature: null },
    });
    const failed = await post(`${t.url}${bareBroken.path}`, "{}");
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({
      error: "the run failed",
      detail: { message: expect.stringContaining("out of stock") },
    });
  });

  it("takes only bodies signed with the workspace's secret (HMAC-SHA256), in constant time, 401 otherwise", async () => {
    const { flowId, api } = await hook(greeting, "sync");
    const secret = "whsec-correct-horse";
    const credential = await api.credentials.create.mutate({ name: "github hook", secret });
    const webhook = await api.flows.setWebhookOptions.mutate({
      id: flowId,
      mode: "sync",
      options: { answer: "envelope", signature: { header: "X-Hub-Signature-256", credentialId: credential.id } },
    });
    const url = `${t.url}${webhook.path}`;
    const body = JSON.stringify({ name: "Sig" });
    const sign = (key: string, text: string) => createHmac("sha256", key).update(text).digest("hex");
    const unsigned = await post(url, body);
    expect(unsigned.status).toBe(401);
    expect((await unsigned.json()).error).toContain("x-hub-signature-256");
    const wrong = await post(url, body, { "x-hub-signature-256": `sha256=${sign("not-the-secret", body)}` });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).error).toContain("does not match the body");
    const tampered = await post(url, JSON.stringify({ name: "Eve" }), {
      "x-hub-signature-256": `sha256=${sign(secret, body)}`,
    });
    expect(tampered.status).toBe(401);
    expect((await fetch(`${url}?name=Sig`)).status).toBe(401);
    const signed = await post(url, body, { "x-hub-signature-256": `sha256=${sign(secret, body)}` });
    expect(signed.status).toBe(200);
    expect(await signed.json()).toMatchObject({ output: "Hello, Sig" });
    const plainHex = await post(url, body, { "x-hub-signature-256": sign(secret, body) });
    expect(plainHex.status).toBe(200);
    // The setting is in the audit log; the secret is not.
    const { entries } = await api.audit.list.query({ pageSize: 20 });
    const changed = entries.find((e) => e.action === "flow.webhook_changed")!;
    expect(changed.details).toMatchObject({ answer: "envelope", signed: "x-hub-signature-256" });
    expect(JSON.stringify(entries)).not.toContain(secret);
  });

  it("refuses a signing credential from another workspace, and options for a webhook that is off", async () => {
    const { flowId, api } = await hook(greeting, "sync");
    const other = t.trpc(await t.signUp("elsewhere@example.com"));
    const foreign = await other.credentials.create.mutate({ name: "theirs", secret: "x" });
    await expect(
      api.flows.setWebhookOptions.mutate({
        id: flowId,
        mode: "sync",
        options: { answer: "envelope", signature: { header: "x-sig", credentialId: foreign.id } },
      }),
    ).rejects.toMatchObject({ message: expect.stringContaining("not one of this workspace's") });
    await api.flows.setWebhook.mutate({ id: flowId, enabled: false });
    await expect(
      api.flows.setWebhookOptions.mutate({ id: flowId, mode: "sync", options: { answer: "output", signature: null } }),
    ).rejects.toMatchObject({ message: expect.stringContaining("The webhook is off") });
  });
});
