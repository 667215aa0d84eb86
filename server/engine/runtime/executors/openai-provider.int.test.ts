// The openai provider against a real local HTTP server that speaks the chat completions protocol.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FlowDocument } from "../../../../lib/flow/document";
import { startTestServer, type TestServer } from "../../../testing/test-server";
import { waitFor } from "../../../testing/wait-for";
import { flow } from "../../core/testing";

const API_KEY = "sk-test-abcdef123456";
let t: TestServer;
let cookie: string;
let model: Server;
let baseUrl: string;
const seen: {
  headers: IncomingMessage["headers"];
  body: { model: string; messages: { role: string; content: string }[]; response_format?: unknown };
}[] = [];
/** `stream`: server-sent event lines, written with a pause between them, as a streaming model does. */
let answers: (
  | { status: number; body: unknown }
  | { stream: string[]; pauseMs: number }
  | { redirect: 302 | 307; location: string }
)[] = [];
/** Another origin (another port) the model server may redirect to; it records what it was sent. */
let elsewhere: Server;
let elsewhereUrl: string;
const seenElsewhere: IncomingMessage["headers"][] = [];

beforeAll(async () => {
  model = createServer(async (req, res) => {
    let raw = "";
    for await (const chunk of req) raw += chunk;
    seen.push({ headers: req.headers, body: raw ? JSON.parse(raw) : undefined });
    const answer = answers.shift() ?? { status: 200, body: completion("default answer") };
    if ("redirect" in answer) return void res.writeHead(answer.redirect, { location: answer.location }).end();
    if ("stream" in answer) {
      res.writeHead(200, { "content-type": "text/event-stream" });
      for (const line of answer.stream) {
        res.write(`${line}\n\n`);
        await new Promise((r) => setTimeout(r, answer.pauseMs));
      }
      res.end();
      return;
    }
    res.writeHead(answer.status, { "content-type": "application/json" });
    res.end(typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body));
  });
  await new Promise<void>((r) => model.listen(0, "127.0.0.1", r));
  baseUrl = `http://127.0.0.1:${(model.address() as AddressInfo).port}/v1`;
  elsewhere = createServer((req, res) => {
    seenElsewhere.push(req.headers);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(completion("from elsewhere")));
  });
  await new Promise<void>((r) => elsewhere.listen(0, "127.0.0.1", r));
  elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
  t = await startTestServer({ outboundAllow: ["127.0.0.1"] });
  cookie = await t.signUp("llm@example.com");
});
afterAll(async () => {
  await t.close();
  await new Promise<void>((r) => model.close(() => r()));
  await new Promise<void>((r) => elsewhere.close(() => r()));
});

function completion(content: string) {
  return {
    id: "chatcmpl-1",
    object: "chat.completion",
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
    usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
  };
}

async function run(doc: FlowDocument, input: Record<string, unknown> = {}) {
  const api = t.trpc(cookie);
  const created = await api.flows.create.mutate({ name: "LLM" });
  await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });
  const { runId } = await api.runs.start.mutate({ flowId: created.id, input });
  const run = await waitFor(
    "the run to end",
    () => api.runs.get.query({ id: runId }),
    (r) => !["running", "queued", "waiting"].includes(r.status),
  );
  return { run, events: await api.runs.events.query({ id: runId }), runId };
}

const agentFlow = (agent: Record<string, unknown>) =>
  flow(
    { start: ["start"], ask: ["agent", { provider: "openai", baseUrl, model: "test-model", ...agent }], end: ["end"] },
    ["start -> ask", "ask -> end"],
  );

describe("credentials", () => {
  it("are stored encrypted and listed by name only", async () => {
    const api = t.trpc(cookie);
    const created = await api.credentials.create.mutate({ name: "Test provider", secret: API_KEY });
    expect(created).toEqual({ id: expect.any(String), name: "Test provider", createdAt: expect.any(Date) });
    expect(JSON.stringify(await api.credentials.list.query())).not.toContain(API_KEY);
    const row = await t.app.services.prisma.credential.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.secret).not.toContain(API_KEY);
    expect(row.secret.startsWith("v1.")).toBe(true);
  });
});

describe("openai-compatible agents", () => {
  it("sends the rendered prompt with the key and the idempotency key, and records usage", async () => {
    const api = t.trpc(cookie);
    const { id: credentialId } = await api.credentials.create.mutate({ name: "Key for prompts", secret: API_KEY });
    answers = [{ status: 200, body: completion("A short summary.") }];
    seen.length = 0;
    const {
      run: result,
      events,
      runId,
    } = await run(agentFlow({ credentialId, system: "Be brief.", prompt: "Summarize: {{ input.text }}" }), {
      text: "a long text",
    });
    expect(result).toMatchObject({ status: "succeeded", output: "A short summary." });
    expect(seen[0]!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(seen[0]!.headers["idempotency-key"]).toBe(`${runId}:ask:0:1`);
    expect(seen[0]!.body).toMatchObject({
      model: "test-model",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Summarize: a long text" },
      ],
    });
    const done = events.find((e) => e.type === "node.succeeded" && "nodeId" in e && e.nodeId === "ask");
    expect(done?.data).toMatchObject({ usage: { promptTokens: 12, completionTokens: 5, totalTokens: 17 } });
    // What was sent is on record for the inspector, without the key.
    expect(events.find((e) => e.type === "node.input")?.data).toEqual({
      attempt: 1,
      input: {
        provider: "openai",
        model: "test-model",
        baseUrl,
        system: "Be brief.",
        prompt: "Summarize: a long text",
      },
    });
    expect(JSON.stringify(events)).not.toContain(API_KEY); // the secret never reaches the event log
  });

  it("parses JSON answers and checks them against the schema", async () => {
    const schema = { type: "object", required: ["score"], properties: { score: { type: "number" } } };
    answers = [{ status: 200, body: completion('{"score": 0.9}') }];
    const ok = await run(agentFlow({ responseFormat: "json", jsonSchema: schema }));
    expect(ok.run.output).toEqual({ score: 0.9 });
    expect(seen.at(-1)!.body.response_format).toMatchObject({ type: "json_schema" });
    answers = [{ status: 200, body: completion('{"score": "high"}') }];
    const bad = await run(agentFlow({ responseFormat: "json", jsonSchema: schema }));
    expect(bad.run).toMatchObject({
      status: "failed",
      error: { message: expect.stringContaining("does not match the JSON schema") },
    });
  });

  it("retries when the API is overloaded, and fails clearly on a broken answer", async () => {
    answers = [
      { status: 503, body: { error: "overloaded" } },
      { status: 200, body: completion("second time lucky") },
    ];
    const retry = { maxAttempts: 2, initialDelayMs: 10, multiplier: 1, maxDelayMs: 10, jitter: false };
    expect((await run(agentFlow({ retry }))).run).toMatchObject({ status: "succeeded", output: "second time lucky" });
    answers = [{ status: 200, body: { choices: [] } }];
    expect((await run(agentFlow({}))).run.error).toMatchObject({
      message: expect.stringContaining("not a chat completion (choices: no choices)"),
    });
  });

  it("streams the answer: chunks are recorded as progress while the model writes, the whole text is the output", async () => {
    const words = ["The ", "answer ", "is ", "forty", "-two", "."];
    const chunk = (content: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}`;
    const usage = { prompt_tokens: 9, completion_tokens: 6, total_tokens: 15 };
    answers = [
      {
        stream: [...words.map(chunk), `data: ${JSON.stringify({ choices: [], usage })}`, "data: [DONE]"],
        pauseMs: 60,
      },
    ];
    const { run: result, events } = await run(agentFlow({}));
    expect(seen.at(-1)!.body).toMatchObject({ stream: true });
    expect(result).toMatchObject({ status: "succeeded", output: "The answer is forty-two." });
    const progress = events.filter((e) => e.type === "node.progress");
    // Written over ~400 ms and gathered every 100 ms: several events, not one per token.
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.length).toBeLessThan(words.length + 1);
    expect(progress.map((e) => (e.data as { text: string }).text).join("")).toBe("The answer is forty-two.");
    const lastProgress = events.lastIndexOf(progress.at(-1)!);
    const succeeded = events.findIndex((e) => e.type === "node.succeeded" && "nodeId" in e && e.nodeId === "ask");
    expect(lastProgress).toBeLessThan(succeeded);
    expect(events[succeeded]!.data).toMatchObject({ usage: { promptTokens: 9, completionTokens: 6, totalTokens: 15 } });

    answers = [{ stream: [chunk("Half an "), "data: {not json"], pauseMs: 5 }];
    expect((await run(agentFlow({}))).run).toMatchObject({
      status: "failed",
      error: { message: expect.stringContaining("sent a broken stream: a streamed chunk is not JSON") },
    });
  });

  it("never reaches a private address that is not allowed", async () => {
    const { run: result } = await run(agentFlow({ baseUrl: "http://10.0.0.1:1234/v1" }));
    expect(result).toMatchObject({
      status: "failed",
      error: { message: expect.stringContaining("private or local address") },
    });
  });
});

describe("http step", () => {
  it("calls an allowed API with rendered URL, headers and body; the JSON response is the output", async () => {
    answers = [{ status: 200, body: { ok: true, echo: "pong" } }];
    seen.length = 0;
    const doc = flow(
      {
        start: ["start"],
        call: [
          "http",
          {
            method: "POST",
            url: `${baseUrl}/ping?who={{ input.who }}`,
            headers: { "x-trace": "t-{{ input.who }}" },
            body: '{"say": "{{ input.who }}"}',
          },
        ],
        end: ["end", { output: "prev.body" }],
      },
      ["start -> call", "call -> end"],
    );
    const { run: result } = await run(doc, { who: "ada" });
    expect(result).toMatchObject({ status: "succeeded", output: { ok: true, echo: "pong" } });
    expect(seen[0]!.headers["x-trace"]).toBe("t-ada");
    expect(seen[0]!.body).toEqual({ say: "ada" });
    answers = [{ status: 404, body: { error: "nope" } }];
    const failed = await run(doc, { who: "x" });
    expect(failed.run.error).toMatchObject({ message: expect.stringContaining("answered 404") });
  });
});

// Both servers are on 127.0.0.1 (allowed), on two ports: two origins.
describe("a credential and redirects", () => {
  it("an agent's key is not sent on when a 307 points to another origin, and is within the origin", async () => {
    const api = t.trpc(cookie);
    const { id: credentialId } = await api.credentials.create.mutate({ name: "Key, redirected", secret: API_KEY });
    answers = [{ redirect: 307, location: `${elsewhereUrl}/v1/chat/completions` }];
    seen.length = 0;
    seenElsewhere.length = 0;
    expect((await run(agentFlow({ credentialId }))).run).toMatchObject({
      status: "succeeded",
      output: "from elsewhere",
    });
    expect(seen[0]!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(seenElsewhere).toHaveLength(1);
    expect(seenElsewhere[0]!.authorization).toBeUndefined();
    expect(seenElsewhere[0]!["idempotency-key"]).toEqual(expect.any(String)); // the request itself went on

    answers = [
      { redirect: 307, location: `${baseUrl}/moved/chat/completions` },
      { status: 200, body: completion("moved") },
    ];
    seen.length = 0;
    expect((await run(agentFlow({ credentialId }))).run).toMatchObject({ status: "succeeded", output: "moved" });
    expect(seen.map((s) => s.headers.authorization)).toEqual([`Bearer ${API_KEY}`, `Bearer ${API_KEY}`]);
  });

  it("an HTTP step's credential is not sent on when a 302 points to another origin, and is within the origin", async () => {
    const api = t.trpc(cookie);
    const { id: credentialId } = await api.credentials.create.mutate({ name: "API token", secret: API_KEY });
    const doc = flow(
      {
        start: ["start"],
        call: ["http", { method: "GET", url: `${baseUrl}/resource`, credentialId }],
        end: ["end", { output: "prev.status" }],
      },
      ["start -> call", "call -> end"],
    );
    answers = [{ redirect: 302, location: `${elsewhereUrl}/resource` }];
    seen.length = 0;
    seenElsewhere.length = 0;
    expect((await run(doc)).run).toMatchObject({ status: "succeeded", output: 200 });
    expect(seen[0]!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(seenElsewhere).toHaveLength(1);
    expect(seenElsewhere[0]!.authorization).toBeUndefined();

    answers = [
      { redirect: 302, location: `${baseUrl}/moved` },
      { status: 200, body: { ok: true } },
    ];
    seen.length = 0;
    expect((await run(doc)).run).toMatchObject({ status: "succeeded", output: 200 });
    expect(seen.map((s) => s.headers.authorization)).toEqual([`Bearer ${API_KEY}`, `Bearer ${API_KEY}`]);
  });
});
