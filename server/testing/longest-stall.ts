/**
 * The longest the event loop went without running a 1 ms timer while `work` ran: how long
 * something on this thread held it. `work`'s outcome is settled, never thrown.
 */
export async function longestStall<T>(
  work: () => Promise<T>,
): Promise<{ result: PromiseSettledResult<T>; stallMs: number; tookMs: number }> {
  let last = performance.now();
  let stallMs = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last);
    last = now;
  }, 1);
  const started = performance.now();
  const [result] = await Promise.allSettled([work()]);
  clearInterval(ticker);
  stallMs = Math.max(stallMs, performance.now() - last);
  return { result, stallMs, tookMs: performance.now() - started };
}
