// `npm test`: typecheck, lint, unit + integration tests, then the Playwright suite on a fresh
// production build. Stops at the first failing step.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const steps = [
  ["typecheck", "npx", ["tsc", "--noEmit"]],
  ["lint", "npx", ["biome", "check", "."]],
  [
    "unit + integration",
    "npx",
    ["vitest", "run", "--reporter=default", "--reporter=json", "--outputFile.json=.reports/vitest.json"],
  ],
  ["build", "npm", ["run", "build"]],
  ["browser (Playwright)", "npx", ["playwright", "test"]],
];

function hasBrowser() {
  if (["/usr/bin/chromium", "/usr/bin/chromium-browser"].some(existsSync)) return true;
  try {
    const out = execFileSync("node", ["-e", "console.log(require('playwright-core').chromium.executablePath())"], {
      cwd: root,
    });
    return existsSync(out.toString().trim());
  } catch {
    return false;
  }
}

const reports = path.join(root, ".reports");
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

/** Counts from the runners' JSON reports, for one plain closing line. */
function tally() {
  const read = (file) => JSON.parse(readFileSync(path.join(reports, file), "utf8"));
  const vitest = read("vitest.json");
  const playwright = read("playwright.json");
  const passed = vitest.numPassedTests + playwright.stats.expected;
  const failed = vitest.numFailedTests + playwright.stats.unexpected + playwright.stats.flaky;
  const skipped = vitest.numPendingTests + vitest.numTodoTests + playwright.stats.skipped;
  return `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`;
}

for (const [name, command, args] of steps) {
  if (name.startsWith("browser") && !hasBrowser()) {
    console.error(`
switchyard: no browser found for the Playwright suite.
  On Debian or Ubuntu:  sudo apt-get install -y chromium      (used from /usr/bin/chromium)
  Elsewhere:            npx playwright install chromium
Then run \`npm test\` again.`);
    process.exit(1);
  }
  console.log(`\n▶ ${name}`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env: process.env });
  if (result.status !== 0) {
    console.error(`\n✘ ${name} failed`);
    process.exit(result.status ?? 1);
  }
  console.log(`✔ ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
console.log(`\ntests: ${tally()}`);
