import { describe, expect, it } from "vitest";
import { waitFor } from "./wait-for";

describe("waitFor", () => {
  it("reads until the value holds and returns that value", async () => {
    let reads = 0;
    const value = await waitFor(
      "the third read",
      () => ++reads,
      (n) => n === 3,
      { everyMs: 1 },
    );
    expect(value).toBe(3);
    expect(reads).toBe(3);
  });

  it("fails after its deadline, naming what it waited for and the last value seen", async () => {
    let reads = 0;
    const waiting = waitFor(
      "the run to succeed",
      async () => ({ status: "waiting", reads: ++reads }),
      (run) => run.status === "succeeded",
      { timeoutMs: 50, everyMs: 5 },
    );
    const error = await waiting.catch((e: Error) => e);
    expect(String(error)).toBe(
      `Error: timed out after 50 ms waiting for the run to succeed; last value seen: {"status":"waiting","reads":${reads}}`,
    );
    expect(reads).toBeGreaterThan(1);
  });

  it("cuts a long last value short", async () => {
    const waiting = waitFor(
      "nothing",
      () => "x".repeat(5_000),
      () => false,
      { timeoutMs: 0 },
    );
    await expect(waiting).rejects.toThrow(/x… \(5002 characters\)$/);
  });

  it("passes on an error the read throws at once", async () => {
    const started = Date.now();
    const waiting = waitFor(
      "a read that breaks",
      () => Promise.reject(new Error("no such run")),
      () => true,
      { timeoutMs: 5_000 },
    );
    await expect(waiting).rejects.toThrow("no such run");
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
