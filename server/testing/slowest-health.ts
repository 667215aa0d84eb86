/**
 * The slowest `/api/health` answer of the server at `url` while `work` runs, asking again as
 * soon as each answer arrives: how long the server's event loop was held meanwhile.
 */
export async function slowestHealth<T>(
  url: string,
  work: () => Promise<T>,
): Promise<{ value: PromiseSettledResult<T>; slowestMs: number }> {
  let done = false;
  let slowestMs = 0;
  let failed: unknown;
  const probe = (async () => {
    while (!done) {
      const started = performance.now();
      const res = await fetch(`${url}/api/health`);
      if (!res.ok) failed ??= new Error(`/api/health answered ${res.status}`);
      slowestMs = Math.max(slowestMs, performance.now() - started);
    }
  })();
  const [value] = await Promise.allSettled([work()]);
  done = true;
  await probe;
  if (failed) throw failed;
  return { value, slowestMs };
}
