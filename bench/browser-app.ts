// What the browser benchmarks share: the app with its pages on a fresh database in its own
// process, and the e2e suite's Chromium with a context ready for functions sent from tsx.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "@playwright/test";
import playwrightConfig from "../playwright.config";
import { projectRoot } from "../server/db/config";
import { ServerProcess } from "../server/testing/server-process";

/** The app and a signed-in browser context, with a tRPC client for the same account. */
export async function startAppInBrowser() {
  // Pages are served from the production build; make one if there is none.
  if (!existsSync(path.join(projectRoot, ".next/BUILD_ID"))) {
    console.log("no production build in .next/: running `npx next build` first…");
    execFileSync("npx", ["next", "build"], { cwd: projectRoot, stdio: "inherit" });
  }
  const dir = mkdtempSync(path.join(tmpdir(), "switchyard-bench-"));
  const server = new ServerProcess(3900 + Math.floor(Math.random() * 90), path.join(dir, "bench.db"), { pages: true });
  // Interrupted or done: take the server and its files with us (Playwright closes the browser itself).
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));
  process.once("exit", () => {
    server.child?.kill();
    rmSync(dir, { recursive: true, force: true });
  });
  await server.start();
  // The same Chromium and flags as the e2e suite.
  const browser = await chromium.launch({ ...playwrightConfig.use?.launchOptions, headless: true });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // tsx (esbuild, keepNames) wraps named functions in __name(); functions sent to a page need it.
  await context.addInitScript({ content: "globalThis.__name = (f) => f;" });
  // Sign up in the browser's context (it keeps the session cookie); the API client reuses it.
  const signUp = await context.request.post(`${server.url}/api/auth/sign-up/email`, {
    headers: { origin: server.url },
    data: { email: "bench@example.com", password: "bench-password", name: "Bench" },
  });
  if (!signUp.ok()) throw new Error(`sign-up failed: ${signUp.status()}`);
  const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  return { server, browser, context, api: server.client(cookie) };
}
