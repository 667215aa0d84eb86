// W1–W4 from the engine issue: the app in embedded mode (SQLite, every event committed) in its
// own process, driven through sync webhooks from this process over loopback. Prints figures.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { FlowDocument } from "../lib/flow/document";
import { flow } from "../server/engine/core/testing";
import { ServerProcess } from "../server/testing/server-process";

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 30);
const W4_SECONDS = Number(process.env.BENCH_W4_SECONDS ?? 20);

const chain = (n: number): FlowDocument => {
  const nodes: Record<string, ["start" | "transform" | "end", Record<string, unknown>?]> = { start: ["start"] };
  const edges: string[] = [];
  let last = "start";
  for (let i = 1; i <= n; i++) {
    nodes[`t${i}`] = ["transform", { expression: "prev" }];
    edges.push(`${last} -> t${i}`);
    last = `t${i}`;
  }
  nodes.end = ["end"];
  edges.push(`${last} -> end`);
  return flow(nodes, edges);
};

const fanOut = (width: number): FlowDocument => {
  const nodes: Record<string, ["start" | "parallel" | "transform" | "join" | "end", Record<string, unknown>?]> = {
    start: ["start"],
    split: ["parallel"],
    join: ["join"],
    end: ["end"],
  };
  const edges = ["start -> split", "join -> end"];
  for (let i = 1; i <= width; i++) {
    nodes[`b${i}`] = ["transform", { expression: `${i}` }];
    edges.push(`split -> b${i}`, `b${i} -> join`);
  }
  return flow(nodes, edges);
};

const repeat = (passes: number): FlowDocument =>
  flow(
    {
      start: ["start"],
      again: ["loop", { mode: "repeat", until: "false", maxIterations: passes }],
      step: ["transform", { expression: "iteration" }, "again"],
      end: ["end"],
    },
    ["start -> again", "again -> end"],
  );

function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("VmRSS:"));
  return Number(line?.match(/\d+/)?.[0] ?? 0) / 1024;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

const dir = mkdtempSync(path.join(tmpdir(), "switchyard-bench-"));
const server = new ServerProcess(3900 + Math.floor(Math.random() * 90), path.join(dir, "bench.db"));
const base = server.url;
await server.start();
try {
  await new Promise((r) => setTimeout(r, 1000));
  const idle = rssMiB(server.child!.pid!);
  const api = await server.signUp("bench@example.com");
  const hook = async (doc: FlowDocument) => {
    const created = await api.flows.create.mutate({ name: doc.name });
    await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });
    await api.flows.publish.mutate({ id: created.id, expectedVersion: 2, message: "bench" });
    const webhook = await api.flows.setWebhook.mutate({ id: created.id, enabled: true, mode: "sync" });
    return `${base}${webhook!.path}`;
  };
  const call = async (url: string) => {
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    const body = (await res.json()) as { status: string };
    if (body.status !== "succeeded") throw new Error(`run ${body.status}`);
  };
  const latency = async (name: string, url: string) => {
    await call(url); // warm-up
    const samples: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const t0 = performance.now();
      await call(url);
      samples.push(performance.now() - t0);
    }
    samples.sort((a, b) => a - b);
    console.log(
      `${name.padEnd(34)} median ${quantile(samples, 0.5).toFixed(1).padStart(7)} ms   p95 ${quantile(samples, 0.95).toFixed(1).padStart(7)} ms`,
    );
  };

  console.log(
    `Switchyard, embedded (SQLite, every event committed), sync webhooks over loopback, ${SAMPLES} samples each`,
  );
  await latency("W1 50 sequential trivial steps", await hook(chain(50)));
  await latency("W2 10-way parallel split + join", await hook(fanOut(10)));
  await latency("W3 100-pass repeat loop", await hook(repeat(100)));

  const w4 = await hook(chain(3)); // start + 3 steps + end = 5 steps
  let done = 0;
  const until = Date.now() + W4_SECONDS * 1000;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (Date.now() < until) {
        await call(w4);
        done++;
      }
    }),
  );
  console.log(`W4 5-step flow, 10 connections, ${W4_SECONDS} s   ${(done / W4_SECONDS).toFixed(0)} runs/s`);
  console.log(`RSS idle ${idle.toFixed(0)} MiB · after load ${rssMiB(server.child!.pid!).toFixed(0)} MiB`);
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
