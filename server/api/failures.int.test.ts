// The Failed view (dead letters) through the API: failed runs and failed forEach items, filtered;
// many retried at once (on the same or the newest version) or dismissed.
import { afterAll, beforeAll, expect, it } from "vitest";
import { flow } from "../engine/core/testing";
import { startTestServer, type TestServer } from "../testing/test-server";
import { waitFor } from "../testing/wait-for";

let t: TestServer;
let cookie: string;
beforeAll(async () => {
  t = await startTestServer();
  cookie = await t.signUp("dead-letters@example.com");
});
afterAll(() => t.close());

it("lists failed runs and failed items; retries many on the newest version; dismisses the rest", async () => {
  const api = t.trpc(cookie);
  const broken = flow(
    { start: ["start"], post: ["transform", { expression: '$error("mailbox full for " & input.to)' }], end: ["end"] },
    ["start -> post", "post -> end"],
  );
  const created = await api.flows.create.mutate({ name: "Mailer" });
  const saved = await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document: broken });
  await api.flows.publish.mutate({ id: created.id, expectedVersion: saved.version, message: "v1" });
  const ids: string[] = [];
  for (const to of ["ann", "ben", "cy"]) {
    const { runId } = await api.runs.start.mutate({ flowId: created.id, input: { to }, version: "published" });
    await waitFor(
      "the run to fail",
      () => api.runs.get.query({ id: runId }),
      (r) => r.status === "failed",
    );
    ids.push(runId);
  }
  // A forEach whose items may fail and the run goes on.
  const each = flow(
    {
      start: ["start"],
      loop: ["loop", { mode: "forEach", items: "[1, 2, 3]", maxIterations: 10 }],
      check: [
        "transform",
        { expression: 'item = 2 ? $error("item 2 is malformed") : item', onError: "continue" },
        "loop",
      ],
      end: ["end"],
    },
    ["start -> loop", "loop -> end"],
  );
  const looped = await api.flows.create.mutate({ name: "Importer" });
  await api.flows.save.mutate({ id: looped.id, expectedVersion: 1, document: each });
  const { runId: loopRun } = await api.runs.start.mutate({ flowId: looped.id, input: {} });
  await waitFor(
    "the loop run to succeed",
    () => api.runs.get.query({ id: loopRun }),
    (r) => r.status === "succeeded",
  );

  const all = await api.runs.failures.query({});
  expect(all.runs.map((r) => r.id).sort()).toEqual([...ids].sort());
  expect(all.items).toEqual([
    expect.objectContaining({
      runId: loopRun,
      nodeId: "check",
      path: [1],
      error: expect.objectContaining({ message: expect.stringContaining("item 2 is malformed") }),
    }),
  ]);
  expect((await api.runs.failures.query({ error: "FULL FOR BEN" })).runs.map((r) => r.id)).toEqual([ids[1]]);
  expect((await api.runs.failures.query({ flowId: looped.id })).runs).toEqual([]);

  // The fix is published as v2; two runs are retried on it at once.
  const fixed = flow({ start: ["start"], post: ["transform", { expression: '"sent to " & input.to' }], end: ["end"] }, [
    "start -> post",
    "post -> end",
  ]);
  const draft = await api.flows.get.query({ id: created.id });
  const v2 = await api.flows.save.mutate({ id: created.id, expectedVersion: draft.version, document: fixed });
  await api.flows.publish.mutate({ id: created.id, expectedVersion: v2.version, message: "fix" });
  const retried = await api.runs.retryMany.mutate({ ids: [ids[0]!, ids[1]!], version: "latest" });
  expect(retried.map((r) => r.error)).toEqual([undefined, undefined]);
  for (const r of retried) {
    const run = await waitFor(
      "the retry to succeed",
      () => api.runs.get.query({ id: r.runId! }),
      (x) => x.status === "succeeded",
    );
    expect(run.flowVersion).toBe(2);
  }
  // A run that is not failed answers with why, beside the others.
  const mixed = await api.runs.retryMany.mutate({ ids: [retried[0]!.runId!] });
  expect(mixed[0]!.error).toContain("Only a failed run can be retried");

  expect(await api.runs.dismiss.mutate({ ids: [ids[2]!] })).toEqual({ dismissed: 1 });
  // Retried and dismissed runs need nothing more: the view is empty for this flow.
  expect((await api.runs.failures.query({ flowId: created.id })).runs).toEqual([]);
});
