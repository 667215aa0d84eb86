import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addressPolicy } from "./address-policy";
import { OutboundBlocked, outboundRequest } from "./http-client";

let server: Server;
let port: number;
let connections = 0;
/** A second server on another port: another origin. */
let other: Server;
let otherPort: number;
/** What each server was asked: `/go?status=302&to=<url>` answers with that redirect. */
const received: { origin: string; method: string; path: string; headers: IncomingHttpHeaders }[] = [];

function redirectOrRecord(req: IncomingMessage, res: ServerResponse, origin: string): boolean {
  received.push({ origin, method: req.method!, path: req.url!, headers: req.headers });
  const go = new URL(req.url!, origin);
  if (go.pathname !== "/go") return false;
  res.writeHead(Number(go.searchParams.get("status")), { location: go.searchParams.get("to")! }).end();
  return true;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    if (redirectOrRecord(req, res, `http://127.0.0.1:${port}`)) return;
    if (req.url === "/redirect-to-ip") return res.writeHead(302, { location: `http://127.0.0.1:${port}/hello` }).end();
    if (req.url === "/big") return res.end("x".repeat(10_000));
    if (req.url === "/slow") return void setTimeout(() => res.end("late"), 2_000);
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ path: req.url, method: req.method, key: req.headers["idempotency-key"] ?? null }));
  });
  server.on("connection", () => connections++);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
  other = createServer((req, res) => redirectOrRecord(req, res, `http://127.0.0.1:${otherPort}`) || res.end("other"));
  await new Promise<void>((r) => other.listen(0, "127.0.0.1", r));
  otherPort = (other.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await new Promise<void>((r) => other.close(() => r()));
});

const get = (url: string, allow: string[] = [], extra: object = {}) =>
  outboundRequest(
    { method: "GET", url, headers: { "idempotency-key": "run:n:0:1" } },
    { policy: addressPolicy(allow), ...extra },
  );

describe("outbound HTTP", () => {
  it("refuses loopback and private addresses by default, by IP or by name", async () => {
    await expect(get(`http://127.0.0.1:${port}/hello`)).rejects.toBeInstanceOf(OutboundBlocked);
    await expect(get(`http://localhost:${port}/hello`)).rejects.toThrow(/private or local address/);
    await expect(get(`http://10.1.2.3/`)).rejects.toBeInstanceOf(OutboundBlocked);
    await expect(get(`http://[::1]:${port}/`)).rejects.toBeInstanceOf(OutboundBlocked);
    await expect(get("file:///etc/passwd")).rejects.toThrow(/file: URLs are not allowed/);
  });

  it("refuses IPv6 forms of a private IPv4 (and site-local IPv6) without connecting", async () => {
    const before = connections;
    for (const host of [
      "[::ffff:127.0.0.1]", // IPv4-mapped: reaches this server when allowed (below)
      "[::ffff:7f00:1]",
      "[::127.0.0.1]", // IPv4-compatible
      "[::ffff:0:127.0.0.1]", // IPv4-translated
      "[64:ff9b::127.0.0.1]", // NAT64
      "[2002:7f00:1::1]", // 6to4
      "[fec0::1]", // site-local
    ])
      await expect(get(`http://${host}:${port}/hello`), host).rejects.toThrow(/private or local address/);
    expect(connections).toBe(before);
    // The IPv4 entry that allows 127.0.0.1 allows its mapped form too, and that one does connect.
    expect((await get(`http://[::ffff:127.0.0.1]:${port}/hello`, ["127.0.0.1"])).status).toBe(200);
    expect(connections).toBe(before + 1);
  });

  it("reaches an allowed address and passes headers on", async () => {
    const res = await get(`http://127.0.0.1:${port}/hello`, ["127.0.0.1"]);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ path: "/hello", method: "GET", key: "run:n:0:1" });
    expect((await get(`http://localhost:${port}/hello`, ["127.0.0.0/8"])).status).toBe(200);
  });

  it("checks every redirect again", async () => {
    // localhost is allowed by name; the redirect to the bare loopback IP is not.
    await expect(get(`http://localhost:${port}/redirect-to-ip`, ["localhost"])).rejects.toBeInstanceOf(OutboundBlocked);
    expect((await get(`http://localhost:${port}/redirect-to-ip`, ["localhost", "127.0.0.1"])).status).toBe(200);
  });

  describe("credentials on redirects", () => {
    const credentials = {
      authorization: "Bearer sk-secret",
      "proxy-authorization": "Basic cHJveHk6c2VjcmV0",
      cookie: "session=secret",
      "X-Api-Key": "key-secret", // named in credentialHeaders, in another case
      "x-trace": "t-1", // not a credential: follows every redirect
    };
    const send = (method: string, url: string) =>
      outboundRequest(
        {
          method,
          url,
          headers: credentials,
          credentialHeaders: ["x-api-key"],
          body: method === "GET" ? undefined : "{}",
        },
        { policy: addressPolicy(["127.0.0.1"]) },
      );
    const go = (from: number, status: number, to: string) =>
      `http://127.0.0.1:${from}/go?status=${status}&to=${encodeURIComponent(to)}`;
    const landed = (path: string) => received.filter((r) => r.path === path);

    it.each([
      [302, "GET"],
      [307, "POST"],
    ])("a %i to another origin (another port) is followed without them", async (status, method) => {
      const path = `/landed-${status}`;
      expect((await send(method, go(port, status, `http://127.0.0.1:${otherPort}${path}`))).status).toBe(200);
      const [hop] = landed(path);
      expect(hop).toMatchObject({ origin: `http://127.0.0.1:${otherPort}`, method });
      expect(hop!.headers).not.toHaveProperty("authorization");
      expect(hop!.headers).not.toHaveProperty("proxy-authorization");
      expect(hop!.headers).not.toHaveProperty("cookie");
      expect(hop!.headers).not.toHaveProperty("x-api-key");
      expect(hop!.headers["x-trace"]).toBe("t-1");
    });

    it("a redirect within the origin keeps them; once dropped, they stay dropped on the way back", async () => {
      await send("POST", go(port, 307, `http://127.0.0.1:${port}/kept`));
      expect(landed("/kept")[0]!.headers).toMatchObject({
        authorization: "Bearer sk-secret",
        "proxy-authorization": "Basic cHJveHk6c2VjcmV0",
        cookie: "session=secret",
        "x-api-key": "key-secret",
      });
      await send("GET", go(port, 302, go(otherPort, 302, `http://127.0.0.1:${port}/back`)));
      expect(landed("/back")[0]!.headers).not.toHaveProperty("authorization");
      expect(landed("/back")[0]!.headers).not.toHaveProperty("x-api-key");
    });
  });

  it("caps the response size and the time", async () => {
    await expect(get(`http://127.0.0.1:${port}/big`, ["127.0.0.1"], { maxBytes: 1_000 })).rejects.toThrow(
      /larger than 1000 bytes/,
    );
    await expect(get(`http://127.0.0.1:${port}/slow`, ["127.0.0.1"], { timeoutMs: 100 })).rejects.toThrow(
      /no answer within 100 ms/,
    );
  });
});
