// `npm run bench`: every benchmark in turn. They print figures; none asserts a target.
import { execFileSync } from "node:child_process";
import path from "node:path";

for (const bench of [
  "engine-latency.ts",
  "webhook-workloads.ts",
  "expression-stalls.ts",
  "big-runs.ts",
  "editor-large.ts",
  "run-view.ts",
]) {
  console.log(`\n▶ ${bench}`);
  execFileSync(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, bench)], { stdio: "inherit" });
}
