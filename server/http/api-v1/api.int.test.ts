import { Validator } from "@cfworker/json-schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flow } from "../../engine/core/testing";
import { startTestServer, type TestServer } from "../../testing/test-server";
import { waitFor } from "../../testing/wait-for";

let t: TestServer;
let ada: string; // owner of her workspace
let eve: string; // owner of another
let token: string;
let spec: {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content: { "application/json": { schema: object } } }> }>
  >;
};
/** Every answer below is checked against the OpenAPI description the server publishes. */
const checked: string[] = [];

beforeAll(async () => {
  t = await startTestServer();
  ada = await t.signUp("ada@example.com", "Ada Lovelace");
  eve = await t.signUp("eve@example.com", "Eve");
  token = (await t.trpc(ada).tokens.create.mutate({ name: "CI" })).secret;
  spec = await (await fetch(`${t.url}/api/v1/openapi.json`)).json();
});
afterAll(() => t.close());

/** A request to the API; a success is validated against its operation's response schema in openapi.json. */
async function api(method: string, path: string, body?: unknown, secret: string | null = token) {
  const res = await fetch(`${t.url}/api/v1${path}`, {
    method,
    headers: {
      ...(secret !== null && { authorization: `Bearer ${secret}` }),
      ...(body !== undefined && { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the tests read answers loosely; their shape is checked against openapi.json
  const json = (res.status === 204 ? null : await res.json()) as Record<string, any>;
  const template = Object.keys(spec.paths).find((p) =>
    new RegExp(`^${p.replace(/\{\w+\}/g, "[^/]+")}$`).test(`/api/v1${path.split("?")[0]}`),
  );
  const operation = template ? spec.paths[template]![method.toLowerCase()] : undefined;
  const schema = operation?.responses[String(res.status)]?.content?.["application/json"].schema;
  if (res.status === 204 && operation?.responses["204"]) checked.push(`${method} ${template}`);
  else if (schema) {
    const result = new Validator(schema, "2020-12", false).validate(json);
    expect(result.errors, `${method} ${path} answers as openapi.json says`).toEqual([]);
    checked.push(`${method} ${template}`);
  } else
    expect(json.error, `${method} ${path}: an error has code and message`).toMatchObject({
      code: expect.any(String),
      message: expect.any(String),
    });
  return { status: res.status, json };
}

//  start ─▶ double ─▶ end
const doubling = flow(
  {
    start: ["start", { inputs: [{ name: "n", type: "number", required: true }] }],
    double: ["transform", { expression: "input.n * 2" }],
    end: ["end"],
  },
  ["start -> double", "double -> end"],
);

describe("authentication", () => {
  it("refuses no token, a made-up one, a revoked one and an expired one with 401", async () => {
    expect((await api("GET", "/flows", undefined, null)).status).toBe(401);
    expect((await api("GET", "/flows", undefined, "sy_not-a-token")).status).toBe(401);
    const made = await t.trpc(ada).tokens.create.mutate({ name: "short-lived", expiresInDays: 1 });
    expect((await api("GET", "/flows", undefined, made.secret)).status).toBe(200);
    await t.app.services.prisma.apiToken.update({
      where: { id: made.id },
      data: { expiresAt: new Date(Date.now() - 1) },
    });
    expect((await api("GET", "/flows", undefined, made.secret)).json.error.message).toMatch(/expired/);
    const revoked = await t.trpc(ada).tokens.create.mutate({ name: "revoked" });
    await t.trpc(ada).tokens.revoke.mutate({ id: revoked.id });
    expect((await api("GET", "/flows", undefined, revoked.secret)).status).toBe(401);
    // The list shows tokens, never their secrets.
    const listed = await t.trpc(ada).tokens.list.query();
    expect(JSON.stringify(listed)).not.toContain(token);
    expect(listed.find((x) => x.id === revoked.id)?.revokedAt).not.toBeNull();
  });
});

describe("the browser's session", () => {
  it("is accepted too, with tRPC's Origin rule for writes", async () => {
    const read = await fetch(`${t.url}/api/v1/flows`, { headers: { cookie: ada } });
    expect(read.status).toBe(200);
    const body = JSON.stringify({ document: { ...doubling, name: "From the browser" } });
    const headers = { cookie: ada, "content-type": "application/json" };
    const refused = await fetch(`${t.url}/api/v1/flows`, { method: "POST", headers, body });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/Refused/);
    const made = await fetch(`${t.url}/api/v1/flows`, { method: "POST", headers: { ...headers, origin: t.url }, body });
    expect(made.status).toBe(201);
  });
});

describe("flows and versions", () => {
  it("creates, saves, publishes, lists, diffs and restores; a stale save is 409, a broken publish 422", async () => {
    const created = await api("POST", "/flows", { document: { ...doubling, name: "Doubler" } });
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    const got = await api("GET", `/flows/${id}`);
    expect(got.json).toMatchObject({ name: "Doubler", draftRevision: 1, publishedVersion: null });
    expect((await api("GET", "/flows")).json.flows.map((f: { id: string }) => f.id)).toContain(id);

    expect(await api("POST", `/flows/${id}/publish`, { message: "first" })).toMatchObject({
      status: 201,
      json: { version: 1 },
    });
    const changed = structuredClone(doubling);
    changed.nodes.find((n) => n.id === "double")!.data.expression = "input.n * 3";
    expect(
      (await api("PUT", `/flows/${id}/draft`, { document: { ...changed, name: "Doubler" }, expectedRevision: 1 })).json,
    ).toEqual({
      draftRevision: 2,
    });
    const stale = await api("PUT", `/flows/${id}/draft`, { document: changed, expectedRevision: 1 });
    expect(stale.status).toBe(409);

    const diff = await api("GET", `/flows/${id}/diff?from=1&to=draft`);
    expect(diff.json.nodes.changed).toEqual([{ id: "double", fields: ["data.expression"] }]);
    expect((await api("GET", `/flows/${id}/versions`)).json.versions).toMatchObject([
      { version: 1, message: "first", publishedBy: "Ada Lovelace" },
    ]);
    expect((await api("GET", `/flows/${id}/versions/1`)).json.document.nodes).toHaveLength(3);
    expect((await api("POST", `/flows/${id}/restore`, { version: 1 })).json).toEqual({ draftRevision: 3 });
    expect((await api("GET", `/flows/${id}/diff?from=1&to=draft`)).json.nodes.changed).toEqual([]);

    const broken = await api("POST", "/flows", {
      document: flow({ start: ["start"], bad: ["transform", { expression: "1 +" }], end: ["end"] }, [
        "start -> bad",
        "bad -> end",
      ]),
    });
    const refused = await api("POST", `/flows/${broken.json.id}/publish`, {});
    expect(refused.status).toBe(422);
    expect(refused.json.error.message).toMatch(/fix its errors/);
  });

  it("refuses bad bodies with 400 naming the field, and unknown fields", async () => {
    const unknown = await api("POST", "/flows", { document: doubling, extra: 1 });
    expect(unknown).toMatchObject({ status: 400, json: { error: { code: "bad_request", path: "body.extra" } } });
    const wrongType = await api("PUT", "/flows/x/draft", { document: doubling, expectedRevision: "one" });
    expect(wrongType.json.error.path).toBe("body.expectedRevision");
    expect((await api("POST", "/flows", "{ not json")).status).toBe(400);
    expect((await api("GET", "/flows/x/diff?from=1")).json.error.path).toBe("query.to");
    expect((await api("DELETE", "/flows")).status).toBe(405);
    expect((await api("GET", "/nothing-here")).status).toBe(404);
  });

  it("keeps every id to the token's workspace (404) and its role (403)", async () => {
    const { json } = await api("POST", "/flows", { document: { ...doubling, name: "Ada's" } });
    const eveToken = (await t.trpc(eve).tokens.create.mutate({ name: "Eve" })).secret;
    for (const [method, path] of [
      ["GET", `/flows/${json.id}`],
      ["POST", `/flows/${json.id}/publish`],
      ["POST", `/flows/${json.id}/runs`],
    ] as const)
      expect((await api(method, path, method === "POST" ? {} : undefined, eveToken)).status).toBe(404);

    const viewer = (await t.trpc(ada).tokens.create.mutate({ name: "read-only", role: "viewer" })).secret;
    expect((await api("GET", `/flows/${json.id}`, undefined, viewer)).status).toBe(200);
    const forbidden = await api("POST", `/flows/${json.id}/publish`, {}, viewer);
    expect(forbidden.status).toBe(403);
    // A token never has more rights than its person: an approver cannot make an editor token.
    expect(forbidden.json.error.message).toMatch(/viewer/);
  });
});

describe("runs", () => {
  it("starts the published version (409 before there is one), waits for it, and reads it back", async () => {
    const { json } = await api("POST", "/flows", { document: { ...doubling, name: "Runner" } });
    const id = json.id as string;
    const early = await api("POST", `/flows/${id}/runs`, { input: { n: 2 } });
    expect(early.status).toBe(409);
    const draft = await api("POST", `/flows/${id}/runs`, { input: { n: 2 }, version: "draft", waitMs: 5_000 });
    expect(draft).toMatchObject({ status: 201, json: { status: "succeeded", output: 4 } });

    await api("POST", `/flows/${id}/publish`, {});
    const run = await api("POST", `/flows/${id}/runs`, { input: { n: 21 }, waitMs: 5_000 });
    expect(run.json).toMatchObject({ status: "succeeded", output: 42 });
    const runId = run.json.runId as string;
    expect((await api("GET", `/runs/${runId}`)).json).toMatchObject({
      id: runId,
      flowId: id,
      flowVersion: 1,
      output: 42,
    });
    const events = await api("GET", `/runs/${runId}/events?after=0`);
    expect(events.json.events[0]).toMatchObject({ seq: 1, type: "run.started" });
    expect(events.json.nextAfter).toBeNull();
    expect((await api("GET", `/runs/${runId}/events?after=${events.json.events.length}`)).json.events).toEqual([]);
    const listed = await api("GET", `/runs?flowId=${id}`);
    expect(listed.json.runs.map((r: { id: string }) => r.id)).toContain(runId);
    expect((await api("POST", `/flows/${id}/runs`, { input: { n: "two" } })).status).toBe(400);
  });

  it("creates, lists and deletes a flow's schedules; a bad cron is 400 naming it", async () => {
    const { json } = await api("POST", "/flows", { document: { ...doubling, name: "Scheduled" } });
    const id = json.id as string;
    await api("POST", `/flows/${id}/publish`, {});
    const bad = await api("POST", `/flows/${id}/schedules`, { cron: "0 25 * * *" });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toContain("hour: 25");
    const created = await api("POST", `/flows/${id}/schedules`, {
      cron: "0 9 * * 1-5",
      timezone: "Europe/Berlin",
      input: { n: 1 },
    });
    expect(created.status).toBe(201);
    expect(created.json.nextAt).toHaveLength(5);
    expect(new Date(created.json.nextAt[0]).getUTCHours()).toBe(8); // 09:00 in Berlin, in winter
    const listed = await api("GET", `/flows/${id}/schedules`);
    expect(listed.json.schedules).toMatchObject([
      { id: created.json.id, cron: "0 9 * * 1-5", timezone: "Europe/Berlin", input: { n: 1 }, enabled: true },
    ]);
    expect((await api("DELETE", `/schedules/${created.json.id}`)).status).toBe(204);
    expect((await api("DELETE", `/schedules/${created.json.id}`)).status).toBe(404);
    expect((await api("GET", `/flows/${id}/schedules`)).json.schedules).toEqual([]);
  });

  it("resumes a waiting step by its resume URL with no token, once", async () => {
    const waiting = flow({ start: ["start"], hold: ["wait", {}], end: ["end"] }, ["start -> hold", "hold -> end"]);
    const { json } = await api("POST", "/flows", { document: { ...waiting, name: "Waits" } });
    await api("POST", `/flows/${json.id}/publish`, {});
    const run = await api("POST", `/flows/${json.id}/runs`, { input: {}, waitMs: 5_000 });
    expect(run.json.status).toBe("waiting");
    const events = await api("GET", `/runs/${run.json.runId}/events?after=0`);
    const parked = events.json.events.find((e: { type: string }) => e.type === "wait.started");
    const path = (parked.data.resumeUrl as string).slice(`${t.url}/api/v1`.length);
    expect((await api("POST", path, { ok: true }, null)).status).toBe(202);
    expect((await api("POST", path, { ok: true }, null)).status).toBe(404);
  });

  it("cancels a run and retries a failed one on the newest version", async () => {
    const failing = flow({ start: ["start"], boom: ["transform", { expression: '$error("no")' }], end: ["end"] }, [
      "start -> boom",
      "boom -> end",
    ]);
    const { json } = await api("POST", "/flows", { document: { ...failing, name: "Failing" } });
    await api("POST", `/flows/${json.id}/publish`, {});
    const run = await api("POST", `/flows/${json.id}/runs`, { waitMs: 5_000 });
    expect(run.json.status).toBe("failed");
    const retried = await api("POST", `/runs/${run.json.runId}/retry`, { version: "latest" });
    expect(retried.status).toBe(201);
    const slow = flow({ start: ["start"], wait: ["agent", { latencyMs: 5_000 }], end: ["end"] }, [
      "start -> wait",
      "wait -> end",
    ]);
    const slowFlow = await api("POST", "/flows", { document: { ...slow, name: "Slow" } });
    await api("POST", `/flows/${slowFlow.json.id}/publish`, {});
    const started = await api("POST", `/flows/${slowFlow.json.id}/runs`, {});
    expect(started.json.status).toBe("running");
    expect((await api("POST", `/runs/${started.json.runId}/pause`, {})).json).toEqual({ status: "paused" });
    expect((await api("POST", `/runs/${started.json.runId}/pause`, {})).status).toBe(409);
    expect((await api("POST", `/runs/${started.json.runId}/resume`, {})).json.status).toMatch(/running|waiting/);
    expect((await api("POST", `/runs/${started.json.runId}/cancel`, {})).json).toEqual({ status: "cancelled" });
  });
});

describe("approvals", () => {
  //  start ─▶ review (approval) ─ approved ─▶ end
  const reviewed = flow(
    {
      start: ["start"],
      review: ["approval", { title: "Ship it?", allowRequesterToApprove: true }],
      end: ["end", { output: '"shipped"' }],
    },
    ["start -> review", "review.approved -> end"],
  );

  it("lists the caller's open tasks and decides one; a second decision is 409 naming who decided", async () => {
    const { json } = await api("POST", "/flows", { document: { ...reviewed, name: "Reviewed" } });
    await api("POST", `/flows/${json.id}/publish`, {});
    const run = await api("POST", `/flows/${json.id}/runs`, { waitMs: 5_000 });
    expect(run.json.status).toBe("waiting");
    const open = await api("GET", "/tasks?state=open");
    const task = open.json.tasks.find((x: { runId: string }) => x.runId === run.json.runId);
    expect(task).toMatchObject({ title: "Ship it?", status: "open", canDecide: true });

    const viewer = (await t.trpc(ada).tokens.create.mutate({ name: "looker", role: "viewer" })).secret;
    expect((await api("POST", `/tasks/${task.id}/decision`, { decision: "approve" }, viewer)).status).toBe(403);

    const decided = await api("POST", `/tasks/${task.id}/decision`, { decision: "approve", comment: "go" });
    expect(decided.json.task).toMatchObject({ status: "approved" });
    const again = await api("POST", `/tasks/${task.id}/decision`, { decision: "reject", comment: "no" });
    expect(again.status).toBe(409);
    expect(again.json.error.message).toMatch(/Ada/);
    await t.app.services.engine.idle();
    expect((await api("GET", `/runs/${run.json.runId}`)).json).toMatchObject({
      status: "succeeded",
      output: "shipped",
    });
    expect((await api("GET", "/tasks?state=decided")).json.tasks.map((x: { id: string }) => x.id)).toContain(task.id);
  });

  it("a tool call's task shows the tool; approving with arguments that break its schema is 400, with fitting ones runs it", async () => {
    const tooled = flow(
      {
        start: ["start"],
        ask: [
          "agent",
          {
            tools: [
              {
                name: "note",
                parameters: { type: "object", properties: { n: { type: "integer", maximum: 10 } }, required: ["n"] },
                use: { kind: "subflow", flowId: "" },
                approval: { allowRequesterToApprove: true },
              },
            ],
            script: [
              { toolCalls: [{ name: "note", args: { n: 1 } }] },
              { response: "noted {{ $string(tools.note) }}" },
            ],
          },
        ],
        end: ["end"],
      },
      ["start -> ask", "ask -> end"],
    );
    const child = await api("POST", "/flows", {
      document: {
        ...flow({ start: ["start"], end: ["end", { output: "input.n * 2" }] }, ["start -> end"]),
        name: "Doubler",
      },
    });
    await api("POST", `/flows/${child.json.id}/publish`, {});
    const tool = (tooled.nodes[1]!.data.tools as { use: { flowId: string } }[])[0]!;
    tool.use.flowId = child.json.id;
    const { json } = await api("POST", "/flows", { document: { ...tooled, name: "Tooled" } });
    await api("POST", `/flows/${json.id}/publish`, {});
    const run = await api("POST", `/flows/${json.id}/runs`, { waitMs: 5_000 });
    expect(run.json.status).toBe("waiting");
    const task = (await api("GET", "/tasks?state=open")).json.tasks.find(
      (x: { runId: string }) => x.runId === run.json.runId,
    );
    expect(task.tool).toMatchObject({ name: "note", args: { n: 1 }, editableArgs: true });
    const bad = await api("POST", `/tasks/${task.id}/decision`, { decision: "approve", args: { n: 99 } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toContain("The arguments do not fit the tool: /n");
    const ok = await api("POST", `/tasks/${task.id}/decision`, { decision: "approve", args: { n: 4 } });
    expect(ok.json.task).toMatchObject({ status: "approved" });
    await t.app.services.engine.idle();
    await waitFor(
      "the run to succeed",
      async () => (await api("GET", `/runs/${run.json.runId}`)).json,
      (r) => r.status === "succeeded",
    );
    expect((await api("GET", `/runs/${run.json.runId}`)).json.output).toBe("noted 8");
  });
});

it("answered every operation of the API it called, each as openapi.json describes", () => {
  const operations = Object.values(spec.paths).flatMap((p) => Object.keys(p)).length;
  expect(new Set(checked).size).toBe(operations);
});
