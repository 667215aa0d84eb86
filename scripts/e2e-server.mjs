// The server for the Playwright suite: the production build (pages and compiled server) on a fresh SQLite file.
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const dir = path.join(root, "data", "e2e");
rmSync(dir, { recursive: true, force: true });
const child = spawn(process.execPath, [path.join(root, "dist", "server", "main.mjs")], {
  cwd: root,
  stdio: "inherit",
  env: {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: `file:${path.join(dir, "e2e.db")}`,
    SIGN_IN_PER_MINUTE: "50",
  },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));
