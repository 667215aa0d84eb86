import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { createTRPCClient, httpLink } from "@trpc/client";
import superjson from "superjson";
import type { AppRouter } from "../api/root";
import { projectRoot } from "../db/config";
import { endChild } from "./end-child";
import { waitFor } from "./wait-for";

/** A TCP port free on 127.0.0.1 right now. */

/**
 * The real server as a separate process (API only, no pages), on a given SQLite file: for
 * tests that kill it with SIGKILL and start it again, and for benchmarks. `pages: true` serves
 * the pages too, from the production build in `.next/` (`next build` first).
 */
export class ServerProcess {
  child: ChildProcess | undefined;
  readonly url: string;

  constructor(
    readonly port: number,
    readonly databaseFile: string,
    readonly options: { pages?: boolean; env?: Record<string, string> } = {},
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  async start(): Promise<void> {
    const args = ["--import", "tsx", path.join(projectRoot, "server/main.ts")];
    if (!this.options.pages) args.push("--api-only");
    this.child = spawn(process.execPath, args, {
      cwd: projectRoot,
      env: {
        ...process.env,
        NODE_ENV: "production",
        PORT: String(this.port),
        HOST: "127.0.0.1",
        PUBLIC_URL: this.url,
        DATABASE_URL: `file:${this.databaseFile}`,
        AUTH_SECRET: "process-test-secret-process-test-secret-01",
        SIGN_IN_PER_MINUTE: "1000",
        ...this.options.env,
      },
      stdio: ["ignore", "ignore", "inherit"],
    });
    const child = this.child;
    await waitFor(
      `the server process on ${this.url} to answer /api/health`,
      async () => {
        if (child.exitCode !== null)
          throw new Error(`the server process exited (${child.exitCode}) before it answered`);
        return fetch(`${this.url}/api/health`).then(
          (res) => res.ok,
          () => false, // not listening yet
        );
      },
      (ok) => ok,
      { timeoutMs: 30_000, everyMs: 100 },
    );
  }

  /** kill -9: no shutdown hook runs, attempts in flight are simply gone. */
  async crash(): Promise<void> {
    await endChild(this.child, "SIGKILL");
    this.child = undefined;
  }

  async stop(): Promise<void> {
    await endChild(this.child, "SIGTERM");
    this.child = undefined;
  }

  async signUp(email: string): Promise<ReturnType<typeof createTRPCClient<AppRouter>>> {
    return this.client(await this.signUpCookie(email));
  }

  /** Creates an account; returns its session cookie. */
  async signUpCookie(email: string): Promise<string> {
    const res = await fetch(`${this.url}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: this.url },
      body: JSON.stringify({ email, password: "process-password", name: "Process Test" }),
    });
    return res.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
  }

  /** A tRPC client sending the app's Origin, as the app's pages do (mutations need it). */
  client(cookie: string) {
    return createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${this.url}/api/trpc`, transformer: superjson, headers: { cookie, origin: this.url } })],
    });
  }
}
