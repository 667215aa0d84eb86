import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTRPCClient, httpLink } from "@trpc/client";
import superjson from "superjson";
import type { AppRouter } from "../api/root";
import { type App, createApp } from "../app";
import type { AppConfig } from "../config";
import type { DbConfig } from "../db/config";

export interface TestServer {
  url: string;
  /** The server's SQLite file, for tools that open it themselves (the CLI). */
  dbFile: string;
  app: App;
  server: Server;
  /** Creates an account through the real sign-up endpoint; returns its session cookie. */
  signUp(email: string, name?: string): Promise<string>;
  /** A tRPC client sending the app's Origin, as the app's pages do (mutations need it). */
  trpc(cookie?: string): ReturnType<typeof createTRPCClient<AppRouter>>;
  close(): Promise<void>;
}

/**
 * The real app (auth, tRPC, socket.io, engine) on a real HTTP port and a fresh SQLite file,
 * without Next. For integration tests.
 */
export async function startTestServer(overrides: Partial<AppConfig> & { db?: DbConfig } = {}): Promise<TestServer> {
  const dir = mkdtempSync(path.join(tmpdir(), "switchyard-test-"));
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const app = await createApp({
    db: { provider: "sqlite", url: path.join(dir, "test.db") },
    port: 0,
    host: "127.0.0.1",
    publicUrl: url,
    authSecret: "test-secret-that-is-long-enough-for-better-auth-0123456789",
    extraOrigins: [],
    trustProxy: false,
    signInPerMinute: 10,
    webhookSyncTimeoutMs: 5_000,
    shutdownGraceMs: 0,
    secretsKey: randomBytes(32),
    outboundAllow: [],
    ...overrides,
  });
  server.on("request", (req, res) => {
    if (!app.handle(req, res)) {
      res.writeHead(404).end();
    }
  });
  app.attach(server);

  return {
    url,
    dbFile: path.join(dir, "test.db"),
    app,
    server,
    async signUp(email, name = "Test User") {
      const res = await fetch(`${url}/api/auth/sign-up/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: url },
        body: JSON.stringify({ email, password: "correct horse battery", name }),
      });
      if (!res.ok) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
      return res.headers
        .getSetCookie()
        .map((c) => c.split(";")[0])
        .join("; ");
    },
    trpc(cookie) {
      return createTRPCClient<AppRouter>({
        links: [
          httpLink({
            url: `${url}/api/trpc`,
            transformer: superjson,
            headers: { origin: url, ...(cookie && { cookie }) },
          }),
        ],
      });
    },
    async close() {
      await app.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
