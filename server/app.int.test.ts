// The request handler as a whole: whatever a request holds, it gets an answer and the process
// keeps serving. Each hostile request is followed by /api/health and by reading back what was
// saved before it.
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { flow } from "./engine/core/testing";
import { freePort } from "./testing/free-port";
import { ServerProcess } from "./testing/server-process";
import { startTestServer, type TestServer } from "./testing/test-server";

let t: TestServer;
let hookUrl: string;
beforeAll(async () => {
  t = await startTestServer();
  const api = t.trpc(await t.signUp("app@example.com"));
  const created = await api.flows.create.mutate({ name: "Echo" });
  await api.flows.save.mutate({
    id: created.id,
    expectedVersion: 1,
    document: flow({ start: ["start"], end: ["end", { output: "input" }] }, ["start -> end"]),
  });
  await api.flows.publish.mutate({ id: created.id, expectedVersion: 2 });
  const webhook = await api.flows.setWebhook.mutate({ id: created.id, enabled: true, mode: "sync" });
  hookUrl = `${t.url}${webhook!.path}`;
});
afterAll(() => t.close());

/** A request the way a hostile client writes it (any Host header), answered or not within 5 s. */
function rawGet(url: string, target: string, headers: Record<string, string> = {}) {
  const { hostname, port } = new URL(url);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      { hostname, port, path: target, headers, setHost: !("host" in headers), timeout: 5_000 },
      (res) => {
        let body = "";
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode!, body }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer to ${target}`)));
    req.on("error", reject);
    req.end();
  });
}

async function stillServing(url: string) {
  expect((await fetch(`${url}/api/health`)).status).toBe(200);
}

async function earlierHookStillRuns() {
  const res = await fetch(hookUrl, {
    method: "POST",
    body: '{"n":1}',
    headers: { "content-type": "application/json" },
  });
  expect(await res.json()).toMatchObject({ status: "succeeded", output: { n: 1 } });
}

describe("a request the handler cannot make sense of", () => {
  it("a malformed percent-escape in a webhook address is a 400 naming it, and the server keeps answering", async () => {
    const res = await rawGet(t.url, "/api/hooks/%E0%A4%A");
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error).toMatch(/malformed percent-escape/);
    await stillServing(t.url);
    await earlierHookStillRuns();
  });

  it("a handler that throws (better-auth given a Host header that is no host) gets a logged, neutral 500", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const res = await rawGet(t.url, "/api/auth/get-session", { host: "[" });
      expect(res.status).toBe(500);
      expect(JSON.parse(res.body)).toEqual({ error: "Something went wrong on our side. It was logged." });
      expect(res.body).not.toMatch(/URL|stack|at /);
      expect(logged).toHaveBeenCalledOnce();
    } finally {
      logged.mockRestore();
    }
    await stillServing(t.url);
    await earlierHookStillRuns();
  });
});

describe("the server process (--api-only, production mode, PUBLIC_URL on localhost)", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "switchyard-app-"));
  let server: ServerProcess;
  beforeAll(async () => {
    const port = await freePort();
    // TEST is vitest's; inherited, it would turn better-auth's origin checks off in the child.
    const env = { PUBLIC_URL: `http://localhost:${port}`, TEST: "" };
    server = new ServerProcess(port, path.join(dir, "app.db"), { env });
    await server.start();
  });
  afterAll(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lives through a malformed percent-escape in a webhook address", async () => {
    const res = await rawGet(server.url, "/api/hooks/%E0%A4%A");
    expect(res.status).toBe(400);
    await stillServing(server.url);
    expect(server.child?.exitCode).toBeNull();
  });

  it("takes sign-up and mutations from the 127.0.0.1 alias of a localhost PUBLIC_URL, and refuses other origins", async () => {
    // server.url is http://127.0.0.1:<port>; signUpCookie and client() send it as Origin.
    const cookie = await server.signUpCookie("alias@example.com");
    expect(cookie).toMatch(/session_token=/);
    expect((await server.client(cookie).flows.create.mutate({ name: "Via the alias" })).name).toBe("Via the alias");
    const foreign = await fetch(`${server.url}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://evil.example" },
      body: JSON.stringify({ email: "evil@example.com", password: "process-password", name: "Evil" }),
    });
    expect(foreign.status).toBe(403);
    const mutation = await fetch(`${server.url}/api/trpc/flows.create`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie, origin: "http://evil.example" },
      body: JSON.stringify({ json: { name: "CSRF" } }),
    });
    expect(mutation.status).toBe(403);
  });
});
