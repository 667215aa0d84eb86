// `npm run bench`: how long the server's event loop is held while the sandbox evaluates the
// hardening issue's hostile expressions (each stopped at its time or memory limit) and large
// inputs and results. Figures, not assertions: the bound is 50 ms (docs/architecture.md).
import { expressionSandbox } from "../server/engine/runtime/sandbox/expression-sandbox";
import { longestStall } from "../server/testing/longest-stall";

const sandbox = expressionSandbox();
async function stall(name: string, work: () => Promise<unknown>) {
  const { stallMs, tookMs } = await longestStall(work);
  console.log(
    `${name.padEnd(28)} longest event-loop stall ${stallMs.toFixed(1).padStart(6)} ms   (took ${tookMs.toFixed(0)} ms)`,
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
