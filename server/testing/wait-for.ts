/** How long `waitFor` polls unless told: longer than any one state change here takes on a loaded machine. */
const DEFAULT_TIMEOUT_MS = 15_000;
/** How long it pauses between reads. */
const DEFAULT_EVERY_MS = 20;

/**
 * Tests wait on state, never for a fixed time: `waitFor` reads (`read`) until the value
 * satisfies `ok`, and returns that value. After `timeoutMs` it throws, naming what it waited
 * for (`what`) and the last value it saw, so a failure says where the run got stuck:
 *
 *   const run = await waitFor("the run to succeed", () => api.runs.get.query({ id }), (r) => r.status === "succeeded");
 *
 * An error thrown by `read` fails at once (a broken read is not a slow one); a read that may
 * fail while the thing starts (a server booting) catches its own errors.
 */
export async function waitFor<T>(
  what: string,
  read: () => T | Promise<T>,
  ok: (value: T) => boolean,
  { timeoutMs = DEFAULT_TIMEOUT_MS, everyMs = DEFAULT_EVERY_MS }: { timeoutMs?: number; everyMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value seen: ${preview(value)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** A value as JSON, cut to a length that still reads in a test report. */
export function preview(value: unknown, max = 600): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value); // cyclic, or a BigInt
  }
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
}
