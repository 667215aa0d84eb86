import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TEST_CLOCK_FILE, TestClock, testClockFromEnv } from "./test-clock";
import { waitFor } from "./wait-for";

const dir = mkdtempSync(path.join(tmpdir(), "switchyard-clock-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the test clock", () => {
  it("is the system clock unless asked for", () => {
    expect(testClockFromEnv({ NODE_ENV: "test" })).toBeUndefined();
  });

  it("refuses to run outside NODE_ENV=test, so production never runs on a moved clock", () => {
    const clock = new TestClock(dir);
    for (const NODE_ENV of ["production", "development", undefined]) {
      expect(() => testClockFromEnv({ NODE_ENV, [TEST_CLOCK_FILE]: clock.file })).toThrow(
        `${TEST_CLOCK_FILE} moves the server's clock and is for tests only: it needs NODE_ENV=test`,
      );
    }
  });

  it("reads the offset the test moves, and says when it jumped", async () => {
    const control = new TestClock(dir);
    control.advance(60_000); // moved before the process starts: it starts on the moved time
    const clock = testClockFromEnv(control.env())!;
    expect(clock.now().getTime() - Date.now()).toBeGreaterThanOrEqual(59_000);

    let jumps = 0;
    const stop = clock.onJump!(() => jumps++);
    control.advance(3_600_000);
    await waitFor(
      "the clock to notice the jump",
      () => jumps,
      (n) => n === 1,
    );
    expect(clock.now().getTime() - Date.now()).toBeGreaterThanOrEqual(3_659_000);
    stop();
    control.advance(1_000);
    await waitFor(
      "the clock to follow the file",
      () => clock.now().getTime() - Date.now(),
      (offset) => offset >= 3_660_000,
    );
    expect(jumps).toBe(1); // unsubscribed
  });

  it("refuses a file that holds no offset", () => {
    expect(() => testClockFromEnv({ NODE_ENV: "test", [TEST_CLOCK_FILE]: path.join(dir, "missing") })).toThrow();
  });
});
