// `npm run worker`: a scale-out worker process. It takes node attempts from the step queue and
// records their outcomes; web processes (`npm start` with REDIS_URL) serve the app and decide.
import { configFromEnv } from "./config";
import { openDatabase } from "./db/client";
import { deploymentResumeTokens } from "./runs/resume-tokens";
import { createScaleOutEngine } from "./scale-out-engine";
import { secretCipher } from "./secrets/cipher";
import { testClockFromEnv } from "./testing/test-clock";

const config = configFromEnv();
if (!config.scaleOut) {
  console.error("switchyard worker: set REDIS_URL (and DATABASE_URL to the PostgreSQL the web process uses)");
  process.exit(2);
}
const db = await openDatabase(config.db);
const scaleOut = await createScaleOutEngine(db.prisma, config.scaleOut, {
  cipher: secretCipher(config.secretsKey),
  outboundAllow: config.outboundAllow,
  resume: deploymentResumeTokens(config),
  clock: testClockFromEnv(), // the system clock, unless a test (NODE_ENV=test only) moves one
  onError: (error, runId) => console.error(`run ${runId}:`, error),
});
const concurrency = Number(process.env.WORKER_CONCURRENCY ?? 16);
scaleOut.steps.work((job) => scaleOut.engine.runStep(job), concurrency);
console.log(`switchyard worker ready · ${config.scaleOut.queueName} · ${concurrency} at a time`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    // No new job is taken; the attempts in hand get the grace period to finish (their next
    // steps are handed on), then the rest are aborted and handed to another worker later.
    await Promise.all([scaleOut.engine.stop(config.shutdownGraceMs), scaleOut.steps.close()]);
    await scaleOut.engine.idle();
    await scaleOut.bus.close();
    await db.close();
    process.exit(0);
  });
}
