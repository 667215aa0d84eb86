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
    const { url, api } = await hook(greeting, "sync");
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
    expect(await api.flows.list.query()).toBeDefined();
  });

  it("a revoked or unknown address is a 404", async () => {
    const { url, api, flowId } = await hook(greeting, "sync");
    await api.flows.setWebhook.mutate({ id: flowId, enabled: false });
    expect((await post(url, JSON.stringify({ name: "A" }))).status).toBe(404);
    expect((await post(`${t.url}/api/hooks/not-a-token`, "{}")).status).toBe(404);
  });
});
