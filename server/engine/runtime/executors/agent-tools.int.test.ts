// Agents that call tools, against a real local server speaking OpenAI's chat completions with
// tools (streamed and not) and a real local HTTP API the tools call.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FlowDocument } from "../../../../lib/flow/document";
import type { RunEvent } from "../../../../lib/run/events";
import { type ChatModelServer, startChatModelServer } from "../../../testing/chat-model-server";
import { startTestServer, type TestServer } from "../../../testing/test-server";
import { waitFor } from "../../../testing/wait-for";
import { flow } from "../../core/testing";
import { TOOL_RESULT_MAX_CHARS } from "./tool-call";

let t: TestServer;
let cookie: string;
let model: ChatModelServer;
let api: Server;
let apiUrl: string;
const apiSeen: { url: string; headers: IncomingHttpHeaders; body: string }[] = [];
let inFlight = 0;
let mostInFlight = 0;

beforeAll(async () => {
  model = await startChatModelServer();
  api = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    apiSeen.push({ url: req.url ?? "", headers: req.headers, body });
    inFlight++;
    mostInFlight = Math.max(mostInFlight, inFlight);
    // A slow call is held until a second one is in flight (or 2 s pass), then a little longer:
    // calls made at once overlap here however loaded the machine is; calls made one by one do not.
    if (req.url?.startsWith("/slow")) {
      const until = Date.now() + 2_000;
      while (inFlight < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 50));
    }
    inFlight--;
    const big = req.url?.startsWith("/big");
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify(big ? { text: "x".repeat(50_000) } : { url: req.url, echoed: body ? JSON.parse(body) : null }),
    );
  });
  await new Promise<void>((r) => api.listen(0, "127.0.0.1", r));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  t = await startTestServer({ outboundAllow: ["127.0.0.1"] });
  cookie = await t.signUp("tools@example.com");
});
afterAll(async () => {
  await t.close();
  await model.close();
  await new Promise<void>((r) => api.close(() => r()));
});
beforeEach(() => {
  model.requests.length = 0;
  model.answers = [];
  apiSeen.length = 0;
  mostInFlight = 0;
});

const lookup = (path = "/lookup") => ({
  name: "lookup",
  description: "Looks a word up",
  parameters: {
    type: "object",
    properties: { word: { type: "string", minLength: 1 } },
    required: ["word"],
    additionalProperties: false,
  },
  use: {
    kind: "http",
    method: "POST",
    url: `${apiUrl}${path}?q={{ $encodeUrlComponent(args.word) }}`,
    body: "{{ $string(args) }}",
  },
});

const agentFlow = (agent: Record<string, unknown>) =>
  flow(
    {
      start: ["start"],
      ask: [
        "agent",
        {
          provider: "openai",
          baseUrl: model.baseUrl,
          model: "test-model",
          prompt: "Define {{ input.word }}",
          ...agent,
        },
      ],
      end: ["end"],
    },
    ["start -> ask", "ask -> end"],
  );

async function run(doc: FlowDocument, input: Record<string, unknown> = {}) {
  const trpc = t.trpc(cookie);
  const created = await trpc.flows.create.mutate({ name: "Tools" });
  await trpc.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });
  const { runId } = await trpc.runs.start.mutate({ flowId: created.id, input });
  const result = await waitFor(
    "the run to end",
    () => trpc.runs.get.query({ id: runId }),
    (r) => !["running", "queued", "waiting"].includes(r.status),
  );
  return { run: result, events: (await trpc.runs.events.query({ id: runId })) as RunEvent[], runId };
}

const ofType = <T extends RunEvent["type"]>(events: RunEvent[], type: T) =>
  events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);

describe("agent tools over OpenAI's tools protocol", () => {
  for (const stream of [false, true]) {
    it(`calls an http tool with the model's arguments and gives the result back (${stream ? "streamed" : "one completion"})`, async () => {
      model.answers = [
        { toolCalls: [{ name: "lookup", arguments: '{"word":"ocean"}', id: "call_A" }], stream },
        { content: "An ocean is a large body of salt water.", stream },
      ];
      const { run: result, events, runId } = await run(agentFlow({ tools: [lookup()] }), { word: "ocean" });
      expect(result).toMatchObject({ status: "succeeded", output: "An ocean is a large body of salt water." });
      // The model was offered the tool as a function, with its schema.
      expect(model.requests[0]!.body.tools).toEqual([
        {
          type: "function",
          function: { name: "lookup", description: "Looks a word up", parameters: lookup().parameters },
        },
      ]);
      // The tool's request was rendered from the arguments and carries the call's own idempotency key.
      expect(apiSeen).toHaveLength(1);
      expect(apiSeen[0]!.url).toBe("/lookup?q=ocean");
      expect(JSON.parse(apiSeen[0]!.body)).toEqual({ word: "ocean" });
      expect(apiSeen[0]!.headers["idempotency-key"]).toBe(`${runId}:ask:0:1:c1_1`);
      // The second turn sent the assistant's call and the tool's result back, quoting the model's call id.
      const second = model.requests[1]!.body.messages;
      expect(second.at(-2)).toMatchObject({
        role: "assistant",
        tool_calls: [{ id: "call_A", type: "function", function: { name: "lookup", arguments: '{"word":"ocean"}' } }],
      });
      expect(second.at(-1)).toMatchObject({ role: "tool", tool_call_id: "call_A" });
      expect(JSON.parse(second.at(-1)!.content!)).toMatchObject({ status: 200, body: { url: "/lookup?q=ocean" } });
      // Each turn has its own idempotency key.
      expect(model.requests.map((r) => r.headers["idempotency-key"])).toEqual([
        `${runId}:ask:0:1:t1`,
        `${runId}:ask:0:1:t2`,
      ]);
      // The contract's events, in order.
      expect(ofType(events, "tool.called").map((e) => e.data)).toEqual([
        { attempt: 1, callId: "c1_1", name: "lookup", args: { word: "ocean" } },
      ]);
      const returned = ofType(events, "tool.returned")[0]!;
      expect(returned.data).toMatchObject({ callId: "c1_1", result: { status: 200 } });
      expect(ofType(events, "agent.turn").map((e) => e.data.step)).toEqual([1, 2]);
      // Usage adds up over the turns.
      const done = ofType(events, "node.succeeded").find((e) => e.nodeId === "ask")!;
      expect(done.data.usage).toEqual({ promptTokens: 20, completionTokens: 8, totalTokens: 28, model: "test-model" });
    });
  }

  it("runs several calls of one turn at once, no more than toolConcurrency", async () => {
    model.answers = [
      {
        toolCalls: ["a", "b", "c", "d"].map((word) => ({ name: "lookup", arguments: JSON.stringify({ word }) })),
        stream: true,
      },
      { content: "four words" },
    ];
    const { run: result, events } = await run(agentFlow({ tools: [lookup("/slow")], toolConcurrency: 2 }));
    expect(result.status).toBe("succeeded");
    expect(apiSeen.map((s) => s.url).sort()).toEqual(["/slow?q=a", "/slow?q=b", "/slow?q=c", "/slow?q=d"]);
    expect(mostInFlight).toBe(2);
    // The results go back in the order the model made the calls.
    const toolMessages = model.requests[1]!.body.messages.filter((m) => m.role === "tool");
    expect(toolMessages.map((m) => JSON.parse(m.content!).body.url)).toEqual([
      "/slow?q=a",
      "/slow?q=b",
      "/slow?q=c",
      "/slow?q=d",
    ]);
    expect(ofType(events, "tool.returned")).toHaveLength(4);
  });

  it("answers an unknown tool and malformed or invalid arguments with an error the model can act on", async () => {
    model.answers = [
      {
        toolCalls: [
          { name: "search_web", arguments: '{"q":"x"}' },
          { name: "lookup", arguments: '{"word": "unterminated' },
          { name: "lookup", arguments: '{"word": 42}' },
        ],
      },
      { toolCalls: [{ name: "lookup", arguments: '{"word":"fixed"}' }] },
      { content: "recovered" },
    ];
    const { run: result, events } = await run(agentFlow({ tools: [lookup()] }));
    expect(result).toMatchObject({ status: "succeeded", output: "recovered" });
    const errors = ofType(events, "tool.returned").map((e) => e.data.error);
    expect(errors[0]).toContain('there is no tool named "search_web"; the tools are: lookup');
    expect(errors[1]).toContain("the arguments are not JSON");
    expect(errors[2]).toContain("the arguments do not match the tool's schema: /word");
    expect(errors[3]).toBeUndefined();
    // Only the valid call reached the API; the model read every error.
    expect(apiSeen.map((s) => s.url)).toEqual(["/lookup?q=fixed"]);
    const tools = model.requests[1]!.body.messages.filter((m) => m.role === "tool");
    expect(tools.map((m) => Object.keys(JSON.parse(m.content!)))).toEqual([["error"], ["error"], ["error"]]);
    // The malformed text is on record as the model sent it.
    expect(ofType(events, "tool.called")[1]!.data.args).toBe('{"word": "unterminated');
  });

  it("fails clearly when the model still calls tools after maxSteps turns", async () => {
    model.fallback = { toolCalls: [{ name: "lookup", arguments: '{"word":"again"}' }] };
    try {
      const { run: result, events } = await run(agentFlow({ tools: [lookup()], maxSteps: 3 }));
      expect(result.status).toBe("failed");
      expect(result.error?.message).toContain(
        "the agent reached maxSteps (3) and the model still calls tools (lookup)",
      );
      expect(model.requests).toHaveLength(3);
      // The third turn's call was not made.
      expect(apiSeen).toHaveLength(2);
      expect(ofType(events, "agent.turn")).toHaveLength(3);
    } finally {
      model.fallback = { content: "done" };
    }
  });

  it("cuts a large result before the model reads it, and says so", async () => {
    model.answers = [{ toolCalls: [{ name: "lookup", arguments: '{"word":"big"}' }] }, { content: "ok" }];
    const { run: result, events } = await run(agentFlow({ tools: [lookup("/big")] }));
    expect(result.status).toBe("succeeded");
    const returned = ofType(events, "tool.returned")[0]!.data;
    expect(returned.truncated).toBe(true);
    expect(String(returned.result).length).toBeLessThan(TOOL_RESULT_MAX_CHARS + 100);
    expect(String(returned.result)).toContain(`cut at ${TOOL_RESULT_MAX_CHARS} characters`);
    const toolMessage = model.requests[1]!.body.messages.at(-1)!;
    expect(toolMessage.content!.length).toBeLessThan(TOOL_RESULT_MAX_CHARS + 100);
  });

  it("treats a model's tool call that names no function as a broken answer", async () => {
    model.answers = [
      {
        status: 200,
        body: JSON.stringify({
          choices: [{ message: { content: null, tool_calls: [{ id: "x", function: { arguments: "{}" } }] } }],
        }),
      },
    ];
    const { run: result } = await run(agentFlow({ tools: [lookup()] }));
    expect(result.status).toBe("failed");
    expect(result.error?.message).toContain("not a chat completion");
  });
});

describe("the mock provider's script", () => {
  it("runs a tool flow with no key: scripted calls, then an answer that quotes the result", async () => {
    const doc = agentFlow({
      provider: "mock",
      baseUrl: "",
      model: "",
      tools: [lookup()],
      script: [
        { toolCalls: [{ name: "lookup", args: { word: "tide" } }] },
        { response: "Looked up {{ tools.lookup.body.url }}" },
      ],
    });
    const { run: result, events } = await run(doc);
    expect(result).toMatchObject({ status: "succeeded", output: "Looked up /lookup?q=tide" });
    expect(model.requests).toHaveLength(0);
    expect(ofType(events, "tool.called")[0]!.data).toMatchObject({ name: "lookup", args: { word: "tide" } });
  });
});

describe("sub-flow tools", () => {
  it("run the called flow's published version as a child run; its output is the tool's result", async () => {
    const trpc = t.trpc(cookie);
    const child = await trpc.flows.create.mutate({ name: "Greeter tool" });
    const saved = await trpc.flows.save.mutate({
      id: child.id,
      expectedVersion: 1,
      document: flow(
        {
          start: ["start", { inputs: [{ name: "name", type: "string", required: true }] }],
          greet: ["transform", { expression: '"Hello, " & input.name' }],
          end: ["end"],
        },
        ["start -> greet", "greet -> end"],
      ),
    });
    await trpc.flows.publish.mutate({ id: child.id, expectedVersion: saved.version, message: "v1" });
    const greeter = {
      name: "greet",
      parameters: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
      use: { kind: "subflow", flowId: child.id },
    };
    model.answers = [{ toolCalls: [{ name: "greet", arguments: '{"name":"Ada"}' }] }, { content: "greeted" }];
    const { run: result, events, runId } = await run(agentFlow({ tools: [greeter] }));
    expect(result.status).toBe("succeeded");
    const started = ofType(events, "subflow.started")[0];
    const finished = ofType(events, "subflow.finished")[0];
    // A child of pure steps may end before its parent hears it started: then only the result is recorded.
    const childRunId = started?.data.runId ?? finished?.data.runId;
    expect(ofType(events, "tool.returned")[0]!.data).toMatchObject({ callId: "c1_1", result: "Hello, Ada" });
    // Text goes back to the model as it is.
    expect(model.requests[1]!.body.messages.at(-1)!.content).toBe("Hello, Ada");
    const children = await trpc.runs.list.query({ flowId: child.id, page: 0, pageSize: 10 });
    expect(children.total).toBe(1);
    expect(children.items[0]).toMatchObject({ status: "succeeded", parentRunId: runId, trigger: "subflow" });
    if (childRunId) expect(children.items[0]!.id).toBe(childRunId);
  });

  it("a child that fails gives the model its error, and the agent goes on", async () => {
    const trpc = t.trpc(cookie);
    const child = await trpc.flows.create.mutate({ name: "Failing tool" });
    const saved = await trpc.flows.save.mutate({
      id: child.id,
      expectedVersion: 1,
      document: flow(
        {
          start: ["start"],
          slow: ["agent", { latencyMs: 100, failTimes: 5 }],
          end: ["end"],
        },
        ["start -> slow", "slow -> end"],
      ),
    });
    await trpc.flows.publish.mutate({ id: child.id, expectedVersion: saved.version, message: "v1" });
    model.answers = [{ toolCalls: [{ name: "broken", arguments: "{}" }] }, { content: "the tool failed, sorry" }];
    const broken = { name: "broken", parameters: { type: "object" }, use: { kind: "subflow", flowId: child.id } };
    const { run: result, events } = await run(agentFlow({ tools: [broken] }));
    expect(result).toMatchObject({ status: "succeeded", output: "the tool failed, sorry" });
    expect(ofType(events, "subflow.started")).toHaveLength(1);
    expect(ofType(events, "agent.waiting")).toHaveLength(1);
    expect(ofType(events, "tool.returned")[0]!.data.error).toContain("failed");
  });
});

describe("cost", () => {
  it("a run records its agents' tokens by model; the flow's runs add up; prices are the owner's to set", async () => {
    const trpc = t.trpc(cookie);
    const created = await trpc.flows.create.mutate({ name: "Priced" });
    await trpc.flows.save.mutate({ id: created.id, expectedVersion: 1, document: agentFlow({ tools: [lookup()] }) });
    const runOnce = async () => {
      model.answers = [{ toolCalls: [{ name: "lookup", arguments: '{"word":"a"}' }] }, { content: "ok" }];
      const { runId } = await trpc.runs.start.mutate({ flowId: created.id, input: {} });
      await waitFor(
        "the run to end",
        () => trpc.runs.get.query({ id: runId }),
        (r) => r.status === "succeeded",
      );
      return runId;
    };
    const first = await runOnce();
    await runOnce();
    // Two model turns of 10 prompt + 4 completion tokens each (chat-model-server.ts).
    const listed = await trpc.runs.list.query({ flowId: created.id, page: 0, pageSize: 10 });
    expect(listed.items.find((r) => r.id === first)?.usage).toEqual({
      "test-model": { promptTokens: 20, completionTokens: 8 },
    });
    const flow = await trpc.runs.flowUsage.query({ flowId: created.id });
    expect(flow).toEqual({
      usage: { "test-model": { promptTokens: 40, completionTokens: 16 } },
      runs: 2,
      capped: false,
    });
    const events = (await trpc.runs.events.query({ id: first })) as RunEvent[];
    expect(ofType(events, "node.succeeded").find((e) => e.nodeId === "ask")?.data.usage).toMatchObject({
      model: "test-model",
    });

    await expect(
      trpc.settings.setModelPrices.mutate({
        prices: [{ model: "test-model", inputPerMillion: -1, outputPerMillion: 2 }],
      }),
    ).rejects.toMatchObject({ data: { code: "BAD_REQUEST" } });
    await expect(
      trpc.settings.setModelPrices.mutate({
        prices: [
          { model: "test-model", inputPerMillion: 1, outputPerMillion: 2 },
          { model: "test-model", inputPerMillion: 3, outputPerMillion: 4 },
        ],
      }),
    ).rejects.toThrow("test-model has two prices");
    await trpc.settings.setModelPrices.mutate({
      prices: [{ model: "test-model", inputPerMillion: 1, outputPerMillion: 2 }],
    });
    expect(await trpc.settings.modelPrices.query()).toEqual([
      { model: "test-model", inputPerMillion: 1, outputPerMillion: 2 },
    ]);
    const audit = await trpc.audit.list.query({});
    expect(audit.entries.some((e) => e.action === "models.prices_set")).toBe(true);

    // A member who is not an owner reads the prices but cannot change them.
    const editorCookie = await t.signUp(`priced-editor-${Date.now()}@example.com`);
    const invite = await trpc.team.createInvite.mutate({ role: "editor" });
    await t.trpc(editorCookie).team.acceptInvite.mutate({ token: invite.token });
    expect(await t.trpc(editorCookie).settings.modelPrices.query()).toHaveLength(1);
    await expect(t.trpc(editorCookie).settings.setModelPrices.mutate({ prices: [] })).rejects.toMatchObject({
      data: { code: "FORBIDDEN" },
    });
  });
});

describe("step cache", () => {
  const cachedHttp = (url: string) =>
    flow(
      {
        start: ["start"],
        get: ["http", { method: "GET", url, cache: { ttlMs: 60_000 } }],
        end: ["end"],
      },
      ["start -> get", "get -> end"],
    );

  it("an HTTP step reuses the response to an identical request within the TTL, and says so", async () => {
    const first = await run(cachedHttp(`${apiUrl}/cached?q={{ input.q }}`), { q: "one" });
    const second = await run(cachedHttp(`${apiUrl}/cached?q={{ input.q }}`), { q: "one" });
    const other = await run(cachedHttp(`${apiUrl}/cached?q={{ input.q }}`), { q: "two" });
    for (const r of [first, second, other]) expect(r.run.status).toBe("succeeded");
    expect(apiSeen.map((s) => s.url)).toEqual(["/cached?q=one", "/cached?q=two"]);
    const done = (events: RunEvent[]) => ofType(events, "node.succeeded").find((e) => e.nodeId === "get")!.data;
    expect(done(first.events).cached).toBeUndefined();
    expect(done(second.events)).toMatchObject({ cached: true, output: done(first.events).output });
    expect(done(other.events).cached).toBeUndefined();
  });

  it("an agent's identical prompt gets the stored answer, spends no tokens, and another workspace does not see it", async () => {
    const doc = agentFlow({ prompt: "Define {{ input.word }}", cache: { ttlMs: 60_000 } });
    model.answers = [{ content: "a cached definition" }, { content: "the other workspace's own" }];
    const first = await run(doc, { word: "cache" });
    const second = await run(doc, { word: "cache" });
    expect(first.run.output).toBe("a cached definition");
    expect(second.run.output).toBe("a cached definition");
    expect(model.requests).toHaveLength(1);
    const done = ofType(second.events, "node.succeeded").find((e) => e.nodeId === "ask")!.data;
    expect(done.cached).toBe(true);
    expect(done.usage).toBeUndefined();
    // The same flow in another workspace asks the model itself.
    const elsewhere = t.trpc(await t.signUp(`cache-other-${Date.now()}@example.com`));
    const created = await elsewhere.flows.create.mutate({ name: "Elsewhere" });
    await elsewhere.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });
    const { runId } = await elsewhere.runs.start.mutate({ flowId: created.id, input: { word: "cache" } });
    const theirs = await waitFor(
      "their run",
      () => elsewhere.runs.get.query({ id: runId }),
      (r) => r.status === "succeeded",
    );
    expect(theirs.output).toBe("the other workspace's own");
    expect(model.requests).toHaveLength(2);
  });
});
