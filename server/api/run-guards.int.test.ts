// Flow settings that keep runs from failing silently: maxDurationMs fails a run that takes too
// long; onFailure starts another flow's run with what failed (n8n's error workflow).
import { afterAll, beforeAll, expect, it } from "vitest";
import type { FlowDocument } from "../../lib/flow/document";
import type { RunEvent } from "../../lib/run/events";
import { flow } from "../engine/core/testing";
import { startTestServer, type TestServer } from "../testing/test-server";
import { waitFor } from "../testing/wait-for";

let t: TestServer;
let cookie: string;
beforeAll(async () => {
  t = await startTestServer();
  cookie = await t.signUp("guards@example.com");
});
afterAll(() => t.close());

async function saved(name: string, document: FlowDocument, publish = false) {
  const api = t.trpc(cookie);
  const created = await api.flows.create.mutate({ name });
  const s = await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document });
  if (publish) await api.flows.publish.mutate({ id: created.id, expectedVersion: s.version, message: "v1" });
  return created.id;
}

it("a run still going after the flow's maxDurationMs fails, naming the limit, and its step is cancelled", async () => {
  const api = t.trpc(cookie);
  const doc = {
    ...flow({ start: ["start"], hold: ["wait", { timeoutMs: 600_000 }], end: ["end"] }, [
      "start -> hold",
      "hold -> end",
    ]),
    settings: { maxDurationMs: 1_000 },
  };
  const flowId = await saved("Too slow", doc);
  const { runId } = await api.runs.start.mutate({ flowId, input: {} });
  const run = await waitFor(
    "the run to fail",
    () => api.runs.get.query({ id: runId }),
    (r) => r.status === "failed",
  );
  expect(run.error).toMatchObject({
    code: "max_duration",
    message: "the run took longer than the flow allows (maxDurationMs 1000)",
  });
  const events = (await api.runs.events.query({ id: runId })) as RunEvent[];
  expect(events.some((e) => e.type === "node.cancelled" && e.nodeId === "hold")).toBe(true);
});

it("a run that fails starts the flow's on-failure run once, with what failed; a failing failure run starts none", async () => {
  const api = t.trpc(cookie);
  const notifier = await saved(
    "Notify on failure",
    flow(
      {
        start: ["start"],
        tell: [
          "transform",
          { expression: '"alert: " & input.failedRun.flowName & " failed: " & input.failedRun.error.message' },
        ],
        end: ["end"],
      },
      ["start -> tell", "tell -> end"],
    ),
    true,
  );
  const failing = {
    ...flow({ start: ["start"], boom: ["transform", { expression: '$error("the ledger is locked")' }], end: ["end"] }, [
      "start -> boom",
      "boom -> end",
    ]),
    name: "Nightly ledger",
    settings: { onFailure: { flowId: notifier } },
  };
  const flowId = await saved("Nightly ledger", failing);
  const { runId } = await api.runs.start.mutate({ flowId, input: {} });
  await waitFor(
    "the run to fail",
    () => api.runs.get.query({ id: runId }),
    (r) => r.status === "failed",
  );
  const alerts = await waitFor(
    "the failure run to succeed",
    () => api.runs.list.query({ flowId: notifier, page: 0, pageSize: 10 }),
    (l) => l.items.some((r) => r.status === "succeeded"),
  );
  expect(alerts.total).toBe(1);
  expect(alerts.items[0]!.trigger).toBe("failure");
  const alert = await api.runs.get.query({ id: alerts.items[0]!.id });
  expect(alert.output).toMatch(/^alert: Nightly ledger failed: boom failed: .*the ledger is locked/);
  expect(alert.input).toMatchObject({ failedRun: { id: runId } });

  // A failure flow that fails, and names itself as its failure flow, runs once: no chain.
  const selfNamed = await saved("Broken notifier", flow({ start: ["start"], end: ["end"] }, ["start -> end"]));
  const broken = {
    ...flow({ start: ["start"], boom: ["transform", { expression: '$error("smtp down")' }], end: ["end"] }, [
      "start -> boom",
      "boom -> end",
    ]),
    settings: { onFailure: { flowId: selfNamed } },
  };
  const draft = await api.flows.get.query({ id: selfNamed });
  const republished = await api.flows.save.mutate({ id: selfNamed, expectedVersion: draft.version, document: broken });
  await api.flows.publish.mutate({ id: selfNamed, expectedVersion: republished.version, message: "fails" });
  const first = await api.runs.start.mutate({ flowId: selfNamed, input: {}, version: "published" });
  await waitFor(
    "its failure run to fail",
    () => api.runs.list.query({ flowId: selfNamed, page: 0, pageSize: 10 }),
    (l) => l.items.some((r) => r.trigger === "failure" && r.status === "failed"),
  );
  await t.app.services.engine.idle();
  const runs = await api.runs.list.query({ flowId: selfNamed, page: 0, pageSize: 10 });
  expect(runs.items.map((r) => r.trigger).sort()).toEqual(["failure", "manual"]);
  expect(runs.items.find((r) => r.trigger === "failure")).toBeDefined();
  expect(first.runId).toBeTruthy();
});
