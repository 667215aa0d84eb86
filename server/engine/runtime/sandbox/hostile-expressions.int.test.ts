// The hardening probes, re-run against a real server process: expressions that killed the
// server or held its event loop for seconds, in a transform, a branch condition, a template and
// a webhook flow. Each run fails with an error naming the node, the field and the limit, and
// /api/health keeps answering while they run.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FlowDocument } from "../../../../lib/flow/document";
import { freePort } from "../../../testing/free-port";
import { ServerProcess } from "../../../testing/server-process";
import { slowestHealth } from "../../../testing/slowest-health";
import { waitFor } from "../../../testing/wait-for";
import { flow } from "../../core/testing";

/**
 * Before the sandbox, /api/health took 2–4 s under these, or the process died. On a quiet
 * machine it answers within a few ms meanwhile (`npm run bench` prints it); this bound leaves
 * room for CI, where other suites share the two cores and the disk.
 */
const HEALTH_LIMIT_MS = 1_000;

const dir = mkdtempSync(path.join(tmpdir(), "switchyard-hostile-"));
let server: ServerProcess;
let api: Awaited<ReturnType<ServerProcess["signUp"]>>;
beforeAll(async () => {
  server = new ServerProcess(await freePort(), path.join(dir, "hostile.db"));
  await server.start();
  api = await server.signUp("hostile@example.com");
}, 60_000);
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The value `work` gave (it must not throw) and the slowest health answer meanwhile. */
async function slowestHealthOf<T>(work: () => Promise<T>): Promise<{ value: T; slowestMs: number }> {
  const { value, slowestMs } = await slowestHealth(server.url, work);
  if (value.status === "rejected") throw value.reason;
  return { value: value.value, slowestMs };
}

async function saved(doc: FlowDocument) {
  const created = await api.flows.create.mutate({ name: "Hostile" });
  await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });
  return created.id;
}

function finished(runId: string) {
  return waitFor(
    "the run to finish",
    () => api.runs.get.query({ id: runId }),
    (run) => run.status === "succeeded" || run.status === "failed",
    { timeoutMs: 30_000 },
  );
}

async function failure(runId: string) {
  const events = await api.runs.events.query({ id: runId });
  const failed = events.find((e) => e.type === "node.failed");
  return failed && "data" in failed ? (failed.data as { error: { message: string } }).error.message : undefined;
}

const probes = [
  '$length($pad("x", 200000000))',
  "$count($sort([1..100000]))",
  "$string([1..9999999])",
  `$match("${"a".repeat(40)}!", /^(a+)+$/)`,
];
const limit = /the (time|memory) limit for one expression/;

describe("hostile expressions on a running server", () => {
  it("in a transform: the run fails naming node, field and limit; health keeps answering", async () => {
    for (const expression of probes) {
      const flowId = await saved(
        flow({ start: ["start"], shape: ["transform", { expression }], end: ["end"] }, [
          "start -> shape",
          "shape -> end",
        ]),
      );
      const { value: run, slowestMs } = await slowestHealthOf(async () =>
        finished((await api.runs.start.mutate({ flowId, input: {} })).runId),
      );
      expect(run.status, expression).toBe("failed");
      expect(await failure(run.id)).toMatch(/^node "shape", expression: stopped /);
      expect(await failure(run.id)).toMatch(limit);
      expect(slowestMs, expression).toBeLessThan(HEALTH_LIMIT_MS);
    }
  });

  it("four at once, in branch conditions: each stopped, health keeps answering", async () => {
    const flowId = await saved(
      flow(
        {
          start: ["start"],
          route: ["branch", { cases: [{ id: "big", label: "Big", condition: `$count($sort([1..100000])) > 1` }] }],
          end: ["end"],
        },
        ["start -> route", "route.big -> end", "route.else -> end"],
      ),
    );
    const { value: runs, slowestMs } = await slowestHealthOf(() =>
      Promise.all([1, 2, 3, 4].map(async () => finished((await api.runs.start.mutate({ flowId, input: {} })).runId))),
    );
    for (const run of runs) {
      expect(run.status).toBe("failed");
      expect(await failure(run.id)).toMatch(/^node "route", cases\.big\.condition: stopped /);
    }
    expect(slowestMs).toBeLessThan(HEALTH_LIMIT_MS);
  });

  it("in a template: the agent's prompt stops at its limit", async () => {
    const flowId = await saved(
      flow(
        {
          start: ["start"],
          ask: ["agent", { prompt: '{{ $length($pad("x", 200000000)) }}', response: "ok" }],
          end: ["end"],
        },
        ["start -> ask", "ask -> end"],
      ),
    );
    const { value: run, slowestMs } = await slowestHealthOf(async () =>
      finished((await api.runs.start.mutate({ flowId, input: {} })).runId),
    );
    expect(run.status).toBe("failed");
    expect(await failure(run.id)).toMatch(/^node "ask", prompt: stopped /);
    expect(await failure(run.id)).toMatch(limit);
    expect(slowestMs).toBeLessThan(HEALTH_LIMIT_MS);
  });

  it("in a webhook flow: a 689 KB list sorted without an account stops at its limit", async () => {
    const flowId = await saved(
      flow({ start: ["start"], first: ["transform", { expression: "$sort(input.items)[0]" }], end: ["end"] }, [
        "start -> first",
        "first -> end",
      ]),
    );
    await api.flows.publish.mutate({ id: flowId, expectedVersion: 2 });
    const hook = await api.flows.setWebhook.mutate({ id: flowId, enabled: true, mode: "sync" });
    const body = JSON.stringify({
      items: Array.from({ length: 100_000 }, (_, i) => ((i * 7_919) % 900_000) + 100_000),
    });
    expect(body.length).toBeGreaterThan(680_000);
    const { value: res, slowestMs } = await slowestHealthOf(() =>
      fetch(`${server.url}${hook!.path}`, { method: "POST", body, headers: { "content-type": "application/json" } }),
    );
    const answer = (await res.json()) as { status: string; runId: string };
    const run = await finished(answer.runId);
    expect(run.status).toBe("failed");
    expect(await failure(run.id)).toMatch(/^node "first", expression: stopped /);
    expect(slowestMs).toBeLessThan(HEALTH_LIMIT_MS);
  });

  it("an output that could not be read back fails its node, and the run stays readable", async () => {
    const outputs: [string, RegExp][] = [
      ['{ "a": { "constructor": 1 } }', /output\.a\.constructor: key not allowed/],
      ['$merge([{}, { "__proto__": { "polluted": true } }])', /output\.__proto__: key not allowed/],
      [`${'{ "a": '.repeat(70)}1${" }".repeat(70)}`, /output nests deeper than 64 levels/],
    ];
    for (const [expression, message] of outputs) {
      const flowId = await saved(
        flow({ start: ["start"], shape: ["transform", { expression }], end: ["end"] }, [
          "start -> shape",
          "shape -> end",
        ]),
      );
      const run = await finished((await api.runs.start.mutate({ flowId, input: {} })).runId);
      expect(run.status, expression).toBe("failed");
      expect(await failure(run.id)).toMatch(message);
      expect((await api.runs.export.query({ id: run.id })).events.length).toBeGreaterThan(0);
    }
  });
});
