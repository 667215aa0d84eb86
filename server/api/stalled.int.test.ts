// A run that says running but has stopped moving is flagged, with why; a busy one is not.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { EngineEvent } from "../../lib/run/events";
import { foldRunEvents } from "../../lib/run/state";
import { prismaRunStore } from "../db/run-store";
import { flow } from "../engine/core/testing";
import { startTestServer, type TestServer } from "../testing/test-server";
import { waitFor } from "../testing/wait-for";

let t: TestServer;
let cookie: string;
beforeAll(async () => {
  t = await startTestServer();
  cookie = await t.signUp("stalls@example.com");
});
afterAll(() => t.close());

it("flags a running run with nothing under way and no event for a while, naming why; a run at work is not flagged", async () => {
  const api = t.trpc(cookie);
  const doc = flow({ start: ["start"], work: ["agent", { response: "slow", latencyMs: 3_000 }], end: ["end"] }, [
    "start -> work",
    "work -> end",
  ]);
  const created = await api.flows.create.mutate({ name: "Sometimes stuck" });
  await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });
  const busy = await api.runs.start.mutate({ flowId: created.id, input: {} });
  await waitFor(
    "the busy run to work",
    () => api.runs.events.query({ id: busy.runId }),
    (e) => e.some((x) => x.type === "node.started" && "nodeId" in x && x.nodeId === "work"),
  );

  // A run left as a lost process might leave it: its start finished, nothing after it began.
  const prisma = t.app.services.prisma;
  const { workspaceId } = await prisma.flow.findUniqueOrThrow({
    where: { id: created.id },
    select: { workspaceId: true },
  });
  const store = prismaRunStore(prisma);
  const stuckId = store.newRunId();
  const events: EngineEvent[] = [
    { type: "run.started", data: { input: {} } },
    { type: "node.started", nodeId: "start", iteration: 0, data: { attempt: 1 } },
    { type: "node.succeeded", nodeId: "start", iteration: 0, data: { attempt: 1, output: {}, handles: ["out"] } },
  ];
  const at = new Date(Date.now() - 20 * 60_000);
  const state = foldRunEvents(events.map((e, i) => ({ ...e, seq: i + 1, at: at.toISOString() })));
  await store.append(stuckId, 0, events, at, state, {
    workspaceId,
    flowId: created.id,
    flowVersion: null,
    definition: doc,
    input: {},
    startedBy: null,
  });

  const stalled = await api.runs.stalled.query({ quietMs: 60_000 });
  expect(stalled.map((s) => s.runId)).toEqual([stuckId]);
  expect(stalled[0]).toMatchObject({
    flowName: "test",
    reason: "no event for 20 min, and no step is running, retrying or waiting: nothing can move it on",
  });
  // Another workspace sees none of them.
  const other = t.trpc(await t.signUp(`stalls-other-${Date.now()}@example.com`));
  expect(await other.runs.stalled.query({ quietMs: 60_000 })).toEqual([]);
});
