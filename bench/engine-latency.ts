// `npm run bench`: figures, not assertions. Runs the smallest flow (start → end) through the
// real engine on a SQLite file with every event committed, and prints latency and memory.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { newFlowDocument } from "../lib/flow/document";
import { openDatabase } from "../server/db/client";
import { flowsRepository } from "../server/db/flows-repository";
import { runsRepository } from "../server/db/runs-repository";
import { workspacesRepository } from "../server/db/workspaces-repository";
import { createEmbeddedEngine } from "../server/embedded-engine";

const RUNS = Number(process.env.BENCH_RUNS ?? 300);
const dir = mkdtempSync(path.join(tmpdir(), "switchyard-bench-"));
const db = await openDatabase({ provider: "sqlite", url: path.join(dir, "bench.db") });
try {
  await db.prisma.user.create({ data: { id: "bench", name: "Bench", email: "bench@example.com" } });
  const { workspaceId } = await workspacesRepository(db.prisma).createForNewUser("bench", "Bench");
  const flow = await flowsRepository(db.prisma, workspaceId).create(newFlowDocument("bench"), "bench");
  const runs = runsRepository(db.prisma, workspaceId);
  const engine = createEmbeddedEngine(db.prisma).engine;

  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const { id } = await runs.create({
      flowId: flow.id,
      flowVersion: 1,
      definition: flow.document,
      runInput: { i },
      startedById: "bench",
    });
    await engine.start(id);
    await engine.idle();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!.toFixed(2);
  console.log(`start → end on SQLite, ${RUNS} sequential runs, every event committed:`);
  console.log(`  median ${at(0.5)} ms · p95 ${at(0.95)} ms · max ${at(1)} ms`);
  console.log(`  RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
} finally {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}
