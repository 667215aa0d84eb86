// The process: Next (pages) + the app (API, auth, socket.io, engine) on one HTTP port.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import next from "next";
import { createApp } from "./app";
import { configFromEnv } from "./config";
import { projectRoot } from "./db/config";
import { answerErrors } from "./http/respond";

// Next reports anonymous usage by default; a self-hosted product should not phone home.
process.env.NEXT_TELEMETRY_DISABLED ??= "1";
const dev = process.argv.includes("--dev");
// --api-only: no pages, just the API, webhooks and live updates (benchmarks, headless use).
const apiOnly = process.argv.includes("--api-only");
const config = configFromEnv();
const app = await createApp(config);
let handlePage = (_req: IncomingMessage, res: ServerResponse): void => void res.writeHead(404).end();
if (!apiOnly) {
  const nextApp = next({ dev, dir: projectRoot, hostname: "localhost", port: config.port });
  await nextApp.prepare();
  const handleNext = nextApp.getRequestHandler();
  handlePage = (req, res) => answerErrors(req, res, () => handleNext(req, res));
}

const server = createServer((req, res) => {
  if (!app.handle(req, res)) handlePage(req, res);
});
app.attach(server);

const recovered = await app.services.engine.recover();
server.listen(config.port, config.host, () => {
  console.log(`Switchyard ${dev ? "(dev) " : ""}on ${config.publicUrl} · ${config.db.provider}`);
  if (recovered > 0) console.log(`resumed ${recovered} unfinished run(s)`);
});

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    server.close();
    await app.close();
    process.exit(0);
  });
}
