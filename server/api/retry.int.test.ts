import { afterAll, beforeAll, expect, it } from "vitest";
import { flow } from "../engine/core/testing";
import { startTestServer, type TestServer } from "../testing/test-server";

let t: TestServer;
let cookie: string;
beforeAll(async () => {
  t = await startTestServer();
  cookie = await t.signUp("retry@example.com");
});
afterAll(() => t.close());

//  start ─▶ prep ─▶ flaky ─▶ end      (flaky fails its first attempt, with no retries configured)
it("retries a failed run from the failed node as a new linked run; finished steps are not run again", async () => {
  const api = t.trpc(cookie);
  const doc = flow(
    {
      start: ["start"],
      prep: ["agent", { response: "prepared" }],
      flaky: ["agent", { failTimes: 1, response: "{{ prev }} and done" }],
      end: ["end"],
    },
    ["start -> prep", "prep -> flaky", "flaky -> end"],
  );
  const created = await api.flows.create.mutate({ name: "Flaky" });
  await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });
  const { runId: failedId } = await api.runs.start.mutate({ flowId: created.id });
  await t.app.services.engine.idle();
  expect((await api.runs.get.query({ id: failedId })).status).toBe("failed");

  const { runId } = await api.runs.retry.mutate({ id: failedId });
  await t.app.services.engine.idle();
  const retried = await api.runs.get.query({ id: runId });
  expect(retried).toMatchObject({ status: "succeeded", output: "prepared and done", retryOfId: failedId });
  const events = await api.runs.events.query({ id: runId });
  const prepDone = events.find((e) => e.type === "node.succeeded" && "nodeId" in e && e.nodeId === "prep");
  expect(prepDone?.data).toMatchObject({ reusedFrom: failedId });
  const flakyStarts = events.filter((e) => e.type === "node.started" && "nodeId" in e && e.nodeId === "flaky");
  expect(flakyStarts.map((e) => (e.data as { attempt: number }).attempt)).toEqual([1, 2]);

  const again = await api.runs.retry.mutate({ id: runId }).then(
    () => "ok",
    (e: { message: string }) => e.message,
  );
  expect(again).toBe("Only a failed run can be retried from where it failed; this one is succeeded.");
});
