// `npm run bench`: how long the server's event loop is held while the sandbox evaluates the
// hardening issue's hostile expressions (each stopped at its time or memory limit) and large
// inputs and results. Figures, not assertions: the bound is 50 ms (docs/architecture.md).
import { expressionSandbox } from "../server/engine/runtime/sandbox/expression-sandbox";

const sandbox = expressionSandbox();
/** The longest the event loop went without running a 1 ms timer while `work` ran. */
async function stall(name: string, work: () => Promise<unknown>) {
  let last = performance.now();
  let worst = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 1);
  const started = performance.now();
  await Promise.allSettled([work()]);
  clearInterval(ticker);
  const took = performance.now() - started;
  console.log(
    `${name.padEnd(28)} longest event-loop stall ${worst.toFixed(1).padStart(6)} ms   (took ${took.toFixed(0)} ms)`,
  );
}
await sandbox.evaluate("1+1", {}); // the pool is up
const items = Array.from({ length: 100_000 }, (_, i) => ((i * 7_919) % 900_000) + 100_000);
await stall("pad 2e8", () => sandbox.evaluate('$length($pad("x", 200000000))', {}));
await stall("string 1e7", () => sandbox.evaluate("$string([1..9999999])", {}));
await stall("sort 1e5", () => sandbox.evaluate("$count($sort([1..100000]))", {}));
await stall("regex", () => sandbox.evaluate(`$match("${"a".repeat(40)}!", /^(a+)+$/)`, {}));
await stall("4 at once", () =>
  Promise.allSettled([1, 2, 3, 4].map(() => sandbox.evaluate("$count($sort([1..100000]))", {}))),
);
await stall("sort of a 689 KB input", () => sandbox.evaluate("$sort(input.items)[0]", { input: { items } }));
await stall("5 MB result", () => sandbox.evaluate('$join([1..700000].$string(), ",")', {}));
await sandbox.close();
