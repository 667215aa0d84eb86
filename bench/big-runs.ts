// `npm run bench`: figures, not assertions. Big forEach runs through the real engine on a SQLite
// file, every event committed: 3 transform steps per item. Each size runs in its own process,
// so its peak RSS is its own. BENCH_BIG_SIZES=1000,10000 picks sizes (50000 runs as 5 × 10,000
// through nested loops: one loop is capped at 10,000 items).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { FlowDocument } from "../lib/flow/document";
import { openDatabase } from "../server/db/client";
import { flowsRepository } from "../server/db/flows-repository";
import { runsRepository } from "../server/db/runs-repository";
import { workspacesRepository } from "../server/db/workspaces-repository";
import { createEmbeddedEngine } from "../server/embedded-engine";
import { flow } from "../server/engine/core/testing";

const MAX_PER_LOOP = 10_000;
type Nodes = Parameters<typeof flow>[0];

/** start → forEach(items) { t1 → t2 → t3 } → end; with outer > 1, that loop runs inside a forEach over `outer`. */
function bigRun(outer: number): FlowDocument {
  const body = (parent: string): Nodes => ({
    t1: ["transform", { expression: "item * 2" }, parent],
    t2: ["transform", { expression: "prev + 1" }, parent],
    t3: ["transform", { expression: "{ 'index': index, 'value': prev }" }, parent],
  });
  const inner = { mode: "forEach", items: "input.items", maxIterations: MAX_PER_LOOP };
  if (outer === 1) {
    return flow(
      { start: ["start"], each: ["loop", inner], ...body("each"), end: ["end", { output: "$count(prev)" }] },
      ["start -> each", "each -> end", "t1 -> t2", "t2 -> t3"],
    );
  }
  return flow(
    {
      start: ["start"],
      outer: ["loop", { mode: "forEach", items: "input.outer", maxIterations: MAX_PER_LOOP }],
      each: ["loop", inner, "outer"],
      ...body("each"),
      end: ["end", { output: "$count(prev)" }],
    },
    ["start -> outer", "outer -> end", "t1 -> t2", "t2 -> t3"],
  );
}

async function one(items: number): Promise<void> {
  const outer = Math.ceil(items / MAX_PER_LOOP);
  const perLoop = items / outer;
  const dir = mkdtempSync(path.join(tmpdir(), "switchyard-bench-"));
  const db = await openDatabase({ provider: "sqlite", url: path.join(dir, "bench.db") });
  try {
    await db.prisma.user.create({ data: { id: "bench", name: "Bench", email: "bench@example.com" } });
    const { workspaceId } = await workspacesRepository(db.prisma).createForNewUser("bench", "Bench");
    const doc = bigRun(outer);
    const saved = await flowsRepository(db.prisma, workspaceId).create(doc, "bench");
    const runs = runsRepository(db.prisma, workspaceId);
    let failure: unknown;
    const engine = createEmbeddedEngine(db.prisma, { onError: (e) => (failure ??= e) }).engine;
    const input = {
      items: Array.from({ length: perLoop }, (_, i) => i),
      outer: Array.from({ length: outer }, (_, i) => i),
    };
    const started = performance.now();
    const { id } = await runs.create({
      flowId: saved.id,
      flowVersion: 1,
      definition: saved.document,
      runInput: input,
      startedById: "bench",
    });
    await engine.start(id);
    await engine.idle();
    const seconds = (performance.now() - started) / 1000;
    const run = await db.prisma.run.findUniqueOrThrow({ where: { id }, select: { status: true, lastSeq: true } });
    if (failure) throw failure;
    if (run.status !== "succeeded") throw new Error(`the run ended ${run.status}`);
    const shape = outer === 1 ? `${items}` : `${outer} × ${perLoop}`;
    const peak = process.resourceUsage().maxRSS / 1024;
    console.log(
      `forEach ${shape.padEnd(12)} items × 3 steps  ${seconds.toFixed(2).padStart(7)} s   ${String(run.lastSeq).padStart(7)} events   peak RSS ${peak.toFixed(0)} MiB`,
    );
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const size = process.argv.indexOf("--items");
if (size !== -1) {
  await one(Number(process.argv[size + 1]));
  process.exit(0);
}
const sizes = (process.env.BENCH_BIG_SIZES ?? "1000,10000,50000").split(",").map(Number);
console.log("Big forEach runs on SQLite, every event committed, each size in its own process:");
for (const items of sizes) {
  execFileSync(process.execPath, ["--import", "tsx", import.meta.filename, "--items", String(items)], {
    stdio: "inherit",
  });
}
