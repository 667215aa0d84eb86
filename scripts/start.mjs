// `npm start`: build once if there is no build, then serve the compiled server (migrations run at boot).
import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const server = path.join(root, "dist", "server", "main.mjs");
if (!existsSync(path.join(root, ".next", "BUILD_ID")) || !existsSync(server)) {
  console.log("switchyard: no build yet, running `npm run build` (once)…");
  execFileSync("npm", ["run", "build"], {
    cwd: root,
    stdio: "inherit",
    env: { NEXT_TELEMETRY_DISABLED: "1", ...process.env },
  });
}
// --compiled-from names the source in `ps`, for tools that look for the server process by it
// (the peer benchmark kit finds "server/main.ts"); the server ignores it.
const child = spawn(process.execPath, [server, "--compiled-from=server/main.ts"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, NODE_ENV: "production" },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
