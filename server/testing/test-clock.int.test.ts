// The test clock's guard with a real server process: outside NODE_ENV=test it refuses to start.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { freePort } from "./free-port";
import { ServerProcess } from "./server-process";
import { TEST_CLOCK_FILE, TestClock } from "./test-clock";

const dir = mkdtempSync(path.join(tmpdir(), "switchyard-clock-guard-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("a server process given the test clock with NODE_ENV=production refuses to start", async () => {
  const clock = new TestClock(dir);
  const server = new ServerProcess(await freePort(), path.join(dir, "guard.db"), {
    env: { NODE_ENV: "production", [TEST_CLOCK_FILE]: clock.file },
  });
  try {
    await expect(server.start()).rejects.toThrow(/^the server process exited \(1\) before it answered$/);
  } finally {
    await server.stop();
  }
}, 60_000);
