// The process: Next (pages) + the app (API, auth, socket.io, engine) on one HTTP port.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import next from "next";
import { createApp } from "./app";
import { configFromEnv } from "./config";
import { projectRoot } from "./db/config";
import { answerErrors } from "./http/respond";
import { testClockFromEnv } from "./testing/test-clock";

// Next reports anonymous usage by default; a self-hosted product should not phone home.
process.env.NEXT_TELEMETRY_DISABLED ??= "1";
const dev = process.argv.includes("--dev");
// --api-only: no pages, just the API, webhooks and live updates (benchmarks, headless use).
const apiOnly = process.argv.includes("--api-only");
const config = configFromEnv();
// The system clock, unless a test (NODE_ENV=test only) hands it a clock it moves.
const app = await createApp(config, { clock: testClockFromEnv() });
let handlePage = (_req: IncomingMessage, res: ServerResponse): void => void res.writeHead(404).end();
if (!apiOnly) {
  const nextApp = next({ dev, dir: projectRoot, hostname: "localhost", port: config.port });
  await nextApp.prepare();
  const handleNext = nextApp.getRequestHandler();
  handlePage = (req, res) => answerErrors(req, res, () => handleNext(req, res));
}

let stopping = false;
/** Responses being written: those under way when the signal comes close their connection once sent. */
const answering = new Set<ServerResponse>();

const server = createServer((req, res) => {
  if (stopping) res.setHeader("connection", "close");
  else {
    answering.add(res);
    res.once("close", () => answering.delete(res));
  }
  if (!app.handle(req, res)) handlePage(req, res);
});
app.attach(server);

const recovered = await app.services.engine.recover();
await app.services.scheduler.start(); // fires that fell due while no server ran run now, once each
server.listen(config.port, config.host, () => {
  console.log(`Switchyard ${dev ? "(dev) " : ""}on ${config.publicUrl} · ${config.db.provider}`);
  if (recovered > 0) console.log(`resumed ${recovered} unfinished run(s)`);
});

/**
 * Stops taking work at once (new runs 503, keep-alive connections closed after their answer),
 * lets the attempts in flight finish for up to SHUTDOWN_GRACE_MS, then exits. What was not
 * done resumes at the next start.
 */
async function shutdown() {
  stopping = true;
  for (const res of answering) if (!res.headersSent) res.setHeader("connection", "close");
  server.close(); // no new connections
  server.closeIdleConnections(); // keep-alive connections between two requests go now
  const grace = config.shutdownGraceMs;
  setTimeout(() => {
    console.error("switchyard: shutdown did not finish in time; exiting");
    process.exit(1);
  }, grace + 5_000).unref();
  await app.close({ graceMs: grace });
  server.closeAllConnections();
  process.exit(0);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    shutdown().catch((error) => {
      console.error("switchyard: shutdown failed:", error);
      process.exit(1);
    });
  });
}
