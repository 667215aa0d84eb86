import { randomUUID } from "node:crypto";
// tRPC against hostile requests, over real HTTP: bodies sent as raw text (the test client's
// superjson would refuse to write most of them). After each, the server still answers and
// what was saved before reads back unchanged.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { FlowDocument } from "../../lib/flow/document";
import { flow } from "../engine/core/testing";
import { MAX_BODY_BYTES } from "../http/limits";
import { startTestServer, type TestServer } from "../testing/test-server";

let t: TestServer;
let cookie: string;
beforeAll(async () => {
  t = await startTestServer({ extraOrigins: ["https://ops.example"] });
  cookie = await t.signUp("guards@example.com");
});
afterAll(() => t.close());

/** A raw tRPC POST; `headers` replace the defaults (pass `origin: null` to send none). */
function send(procedure: string, body: string, headers: Record<string, string | null> = {}) {
  const all: Record<string, string | null> = { "content-type": "application/json", cookie, origin: t.url, ...headers };
  const sent = Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== null));
  return fetch(`${t.url}/api/trpc/${procedure}`, { method: "POST", headers: sent, body });
}
const superjsonBody = (json: unknown) => JSON.stringify({ json });
async function trpcError(res: Response) {
  const text = await res.text();
  if (!text.includes('"error"')) throw new Error(`not an error: ${res.status} ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as { error: { json: { message: string; data: { code: string; httpStatus: number } } } };
  return { status: res.status, code: body.error.json.data.code, message: body.error.json.message };
}
async function stillServing() {
  expect((await fetch(`${t.url}/api/health`)).status).toBe(200);
}
const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;

//  start ─▶ end (its output is the whole input)
const echo = flow({ start: ["start"], end: ["end", { output: "input" }] }, ["start -> end"]);

/** A flow with one run that succeeded, to check after each hostile request. */
async function flowWithARun(doc: FlowDocument = echo) {
  const api = t.trpc(cookie);
  const { id: flowId } = await api.flows.create.mutate({ name: "Guarded" });
  await api.flows.save.mutate({ id: flowId, expectedVersion: 1, document: doc });
  const { runId } = await api.runs.start.mutate({ flowId, input: { kept: true } });
  await t.app.services.engine.idle();
  const unchanged = async () => {
    expect((await api.runs.list.query({ flowId })).items.map((r) => r.id)).toEqual([runId]);
    expect(await api.runs.get.query({ id: runId })).toMatchObject({ status: "succeeded", output: { kept: true } });
    expect((await api.runs.events.query({ id: runId })).at(-1)?.type).toBe("run.succeeded");
    expect((await api.runs.export.query({ id: runId })).events.length).toBeGreaterThan(0);
  };
  return { api, flowId, runId, unchanged };
}

describe("runs.start: inputs that could be stored but not read back", () => {
  it("refuses __proto__, constructor and prototype keys and 3,000-deep nesting with a 400 naming them", async () => {
    const { flowId, unchanged } = await flowWithARun();
    const start = (input: string) =>
      send("runs.start", `{"json":{"flowId":${JSON.stringify(flowId)},"input":${input}}}`);
    const cases = [
      // superjson would drop this key without a word: refused as it arrives.
      ['{"a":{"__proto__":{"x":1}}}', "the request is not valid: input.a.__proto__: key not allowed"],
      ['{"a":[{"constructor":{}}]}', "The run input is not valid: input.a[0].constructor: key not allowed"],
      ['{"prototype":1}', "The run input is not valid: input.prototype: key not allowed"],
      [nested(3_000), "The run input is not valid: input nests deeper than 64 levels"],
    ] as const;
    for (const [input, message] of cases) {
      expect(await trpcError(await start(input))).toEqual({ status: 400, code: "BAD_REQUEST", message });
    }
    await stillServing();
    await unchanged();
  });

  it("retry: refuses a failed run whose stored input could not be read back, and adds no run", async () => {
    //  start ─▶ boom (fails) ─▶ end
    const failing = flow({ start: ["start"], boom: ["transform", { expression: "$error('no')" }], end: ["end"] }, [
      "start -> boom",
      "boom -> end",
    ]);
    const api = t.trpc(cookie);
    const { id: flowId } = await api.flows.create.mutate({ name: "Stored before the check" });
    const saved = await api.flows.save.mutate({ id: flowId, expectedVersion: 1, document: failing });
    const me = await api.me.get.query();
    // As a run started before inputs were checked was stored: straight through the engine.
    const runId = await t.app.services.engine.begin({
      workspaceId: me.workspace!.workspaceId,
      flowId,
      flowVersion: saved.version,
      definition: failing,
      input: { a: { constructor: 1 } },
      startedBy: null,
    });
    await t.app.services.engine.idle();
    const res = await send("runs.retry", superjsonBody({ id: runId }));
    expect(await trpcError(res)).toMatchObject({
      status: 400,
      message: "This run cannot be retried: its input is not valid: input.a.constructor: key not allowed",
    });
    expect((await api.runs.list.query({ flowId })).items.map((r) => r.id)).toEqual([runId]);
    await stillServing();
  });

  it("runs.decide: refuses a form that could not be read back; the run waits on, readable", async () => {
    //  start ─▶ review ─ rejected ─▶ end
    const review = flow({ start: ["start"], review: ["approval", { title: "OK?" }], end: ["end"] }, [
      "start -> review",
      "review.rejected -> end",
    ]);
    const api = t.trpc(cookie);
    const { id: flowId } = await api.flows.create.mutate({ name: "Reviewed" });
    await api.flows.save.mutate({ id: flowId, expectedVersion: 1, document: review });
    const { runId } = await api.runs.start.mutate({ flowId });
    await t.app.services.engine.idle();
    const decide = (form: string) =>
      send(
        "runs.decide",
        `{"json":{"runId":"${runId}","nodeId":"review","requestId":"${randomUUID()}","decision":"reject","comment":"no","form":${form}}}`,
      );
    expect(await trpcError(await decide('{"note":{"constructor":1}}'))).toMatchObject({
      status: 400,
      message: "form.note.constructor: key not allowed",
    });
    expect(await trpcError(await decide(nested(100)))).toMatchObject({
      status: 400,
      message: "form nests deeper than 64 levels",
    });
    expect((await api.runs.get.query({ id: runId })).status).toBe("waiting");
    expect((await api.runs.events.query({ id: runId })).some((e) => e.type === "approval.decided")).toBe(false);
    await api.runs.decide.mutate({
      runId,
      nodeId: "review",
      requestId: randomUUID(),
      decision: "reject",
      comment: "no",
    });
    await t.app.services.engine.idle();
    expect((await api.runs.get.query({ id: runId })).status).toBe("succeeded");
  });
});

describe("request bodies over the cap", () => {
  it("refuses a 20 MB runs.start with a 413 naming the limit, and stores nothing", async () => {
    const { flowId, unchanged } = await flowWithARun();
    const res = await send("runs.start", superjsonBody({ flowId, input: { big: "x".repeat(20 * 1024 * 1024) } }));
    expect(await trpcError(res)).toEqual({
      status: 413,
      code: "PAYLOAD_TOO_LARGE",
      message: `the body is larger than ${MAX_BODY_BYTES} bytes (1 MiB), the limit for a request`,
    });
    await stillServing();
    await unchanged();
  });

  it("takes a body just under the cap", async () => {
    const { flowId } = await flowWithARun();
    const res = await send("runs.start", superjsonBody({ flowId, input: { big: "x".repeat(MAX_BODY_BYTES - 200) } }));
    expect(res.status).toBe(200);
  });

  it("refuses a sign-up body over the cap the same way", async () => {
    const res = await fetch(`${t.url}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: t.url },
      body: JSON.stringify({ email: "big@example.com", password: "correct horse battery", name: "x".repeat(2e6) }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      error: `the body is larger than ${MAX_BODY_BYTES} bytes (1 MiB), the limit for a request`,
    });
    await stillServing();
  });
});

describe("mutations from other origins", () => {
  const create = (headers: Record<string, string | null>) =>
    send("flows.create", superjsonBody({ name: "CSRF" }), headers);

  it("refuses a foreign, an opaque (null) and a missing Origin with a 403 naming it, and changes nothing", async () => {
    const api = t.trpc(cookie);
    const before = await api.flows.list.query();
    const refusals = [
      [{ origin: "http://evil.example" }, "requests from the origin http://evil.example are not allowed"],
      [{ origin: "null" }, "requests from the origin null are not allowed"],
      [{ origin: null }, "the request has no Origin header"],
      [{ origin: null, "sec-fetch-site": "cross-site" }, "the request has no Origin header"],
    ] as const;
    for (const [headers, problem] of refusals) {
      const error = await trpcError(await create(headers));
      expect(error).toMatchObject({ status: 403, code: "FORBIDDEN" });
      expect(error.message).toContain(problem);
    }
    expect(await api.flows.list.query()).toEqual(before);
    await stillServing();
  });

  it("takes the app's origin, ALLOWED_ORIGINS, and a same-origin request without Origin; queries need none", async () => {
    expect((await create({ origin: t.url })).status).toBe(200);
    expect((await create({ origin: "https://ops.example" })).status).toBe(200);
    expect((await create({ origin: null, "sec-fetch-site": "same-origin" })).status).toBe(200);
    const list = await fetch(`${t.url}/api/trpc/flows.list`, { headers: { cookie } });
    expect(list.status).toBe(200);
  });
});

describe("requests tRPC cannot read", () => {
  it("malformed JSON and superjson __proto__ metadata are 400s naming the problem, not logged 500s", async () => {
    const api = t.trpc(cookie);
    const before = await api.flows.list.query();
    const logged = vi.spyOn(console, "error");
    try {
      expect(await trpcError(await send("flows.create", "{ nope"))).toMatchObject({
        status: 400,
        code: "BAD_REQUEST",
        message: expect.stringMatching(/^the request is not valid JSON: /),
      });
      const polluting = JSON.stringify({
        json: { name: "x" },
        meta: { values: { "__proto__.polluted": ["undefined"] } },
      });
      expect(await trpcError(await send("flows.create", polluting))).toEqual({
        status: 400,
        code: "BAD_REQUEST",
        message: "the request could not be read: __proto__ is not allowed as a property",
      });
      const query = await fetch(`${t.url}/api/trpc/flows.get?input=${encodeURIComponent("{ nope")}`, {
        headers: { cookie },
      });
      expect(await trpcError(query)).toMatchObject({ status: 400, message: expect.stringMatching(/not valid JSON/) });
      expect(logged).not.toHaveBeenCalled();
    } finally {
      logged.mockRestore();
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await api.flows.list.query()).toEqual(before);
    await stillServing();
  });

  it("a flow whose agent.jsonSchema nests 10,000 deep is refused on save and import, naming the field", async () => {
    const api = t.trpc(cookie);
    const { id: flowId } = await api.flows.create.mutate({ name: "Deep schema" });
    //  start ─▶ ask ─▶ end
    const good = flow({ start: ["start"], ask: ["agent", { jsonSchema: { type: "object" } }], end: ["end"] }, [
      "start -> ask",
      "ask -> end",
    ]);
    await api.flows.save.mutate({ id: flowId, expectedVersion: 1, document: good });
    const flowsBefore = await api.flows.list.query();
    // The document as text, with the schema spliced in (JSON.stringify would overflow on it).
    const deepDoc = JSON.stringify({
      ...good,
      nodes: good.nodes.map((n) => (n.id === "ask" ? { ...n, data: { ...n.data, jsonSchema: "DEEP" } } : n)),
    }).replace('"DEEP"', nested(10_000));
    const problem = 'node "ask" (nodes[1].data.jsonSchema): nests deeper than 64 levels';

    const save = await send("flows.save", `{"json":{"id":"${flowId}","expectedVersion":2,"document":${deepDoc}}}`);
    expect(await trpcError(save)).toEqual({
      status: 400,
      code: "BAD_REQUEST",
      message: `The flow was not saved. ${problem}`,
    });
    const imported = await send("flows.import", `{"json":{"document":${deepDoc}}}`);
    expect(await trpcError(imported)).toMatchObject({ status: 400, message: expect.stringContaining(problem) });

    await stillServing();
    expect(await api.flows.list.query()).toEqual(flowsBefore);
    const kept = await api.flows.get.query({ id: flowId });
    expect(kept.version).toBe(2);
    expect(kept.document.nodes[1]?.data.jsonSchema).toEqual({ type: "object" });
  });
});
