import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FlowDocument } from "../../lib/flow/document";
import { flow } from "../engine/core/testing";
import { rejection } from "../testing/rejection";
import { startTestServer, type TestServer } from "../testing/test-server";

let t: TestServer;
let ada: string;
let eve: string;
beforeAll(async () => {
  t = await startTestServer();
  ada = await t.signUp("ada@example.com", "Ada Lovelace");
  eve = await t.signUp("eve@example.com", "Eve Other");
});
afterAll(() => t.close());

//  start ─▶ greet ─▶ end
const greeting = (word: string) =>
  flow(
    {
      start: ["start"],
      greet: ["transform", { expression: `"${word}, " & input.name` }],
      end: ["end"],
    },
    ["start -> greet", "greet -> end"],
  );

/** A flow saved once with `doc` (draft revision 2). */
async function savedFlow(doc: FlowDocument, name = "Greeter") {
  const api = t.trpc(ada);
  const { id } = await api.flows.create.mutate({ name });
  await api.flows.save.mutate({ id, expectedVersion: 1, document: { ...doc, name } });
  return { id, api };
}

describe("publishing", () => {
  it("freezes the draft as v1, v2…, each with its author and message, unchanged by later edits", async () => {
    const { id, api } = await savedFlow(greeting("Hello"));
    expect(await api.flows.publish.mutate({ id, expectedVersion: 2, message: "first cut" })).toEqual({ version: 1 });
    await api.flows.save.mutate({ id, expectedVersion: 2, document: { ...greeting("Howdy"), name: "Greeter" } });
    expect(await api.flows.publish.mutate({ id, expectedVersion: 3 })).toEqual({ version: 2 });
    await api.flows.save.mutate({ id, expectedVersion: 3, document: { ...greeting("Hi"), name: "Greeter" } });

    const versions = await api.flows.versions.query({ id });
    expect(versions.map((v) => [v.version, v.message, v.publishedBy])).toEqual([
      [2, "", "Ada Lovelace"],
      [1, "first cut", "Ada Lovelace"],
    ]);
    const v1 = await api.flows.version.query({ id, version: 1 });
    expect(v1.document.nodes.find((n) => n.id === "greet")?.data.expression).toBe('"Hello, " & input.name');
    expect(v1.document.name).toBe("Greeter");
    expect(await api.flows.get.query({ id })).toMatchObject({ version: 4, publishedVersion: 2 });
  });

  it("refuses a draft with errors, naming the problem, and a draft someone changed since", async () => {
    const broken = flow({ start: ["start"], greet: ["transform", { expression: "1 +" }], end: ["end"] }, [
      "start -> greet",
      "greet -> end",
    ]);
    const { id, api } = await savedFlow(broken, "Broken");
    const error = await rejection(api.flows.publish.mutate({ id, expectedVersion: 2 }));
    expect(error.message).toMatch(/not published: fix its errors first/);
    expect(error.message).toMatch(/greet/);
    expect(await api.flows.versions.query({ id })).toEqual([]);

    const ok = await savedFlow(greeting("Hello"), "Moved on");
    await ok.api.flows.save.mutate({
      id: ok.id,
      expectedVersion: 2,
      document: { ...greeting("Yo"), name: "Moved on" },
    });
    const stale = await rejection(ok.api.flows.publish.mutate({ id: ok.id, expectedVersion: 2 }));
    expect(stale.data.code).toBe("CONFLICT");
    expect(await ok.api.flows.versions.query({ id: ok.id })).toEqual([]);
  });

  it("keeps versions to the workspace: another workspace sees none and may publish none", async () => {
    const { id, api } = await savedFlow(greeting("Hello"), "Private");
    await api.flows.publish.mutate({ id, expectedVersion: 2 });
    const other = t.trpc(eve);
    expect((await rejection(other.flows.versions.query({ id }))).data.code).toBe("NOT_FOUND");
    expect((await rejection(other.flows.version.query({ id, version: 1 }))).data.code).toBe("NOT_FOUND");
    expect((await rejection(other.flows.publish.mutate({ id, expectedVersion: 2 }))).data.code).toBe("NOT_FOUND");
    expect((await rejection(other.flows.restore.mutate({ id, version: 1, expectedVersion: 2 }))).data.code).toBe(
      "NOT_FOUND",
    );
  });

  it("restores a version into the draft, as a new revision", async () => {
    const { id, api } = await savedFlow(greeting("Hello"), "Restored");
    await api.flows.publish.mutate({ id, expectedVersion: 2 });
    await api.flows.save.mutate({ id, expectedVersion: 2, document: { ...greeting("Nope"), name: "Restored" } });
    const restored = await api.flows.restore.mutate({ id, version: 1, expectedVersion: 3 });
    expect(restored.version).toBe(4);
    const draft = await api.flows.get.query({ id });
    expect(draft.document.nodes.find((n) => n.id === "greet")?.data.expression).toBe('"Hello, " & input.name');
    expect(draft.publishedVersion).toBe(1); // restoring publishes nothing
  });
});

describe("which version runs", () => {
  it("a webhook runs the newest published version while the draft differs; the editor runs the draft", async () => {
    const { id, api } = await savedFlow(greeting("Hello"), "Two faces");
    const hook = (await api.flows.setWebhook.mutate({ id, enabled: true, mode: "sync" }))!;
    const call = async () =>
      (await fetch(`${t.url}${hook.path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "Ada" }),
      }).then(async (r) => ({ status: r.status, body: await r.json() }))) as {
        status: number;
        body: { runId: string; output?: unknown; error?: string };
      };

    // Never published: the webhook says so and starts nothing.
    const before = await api.runs.list.query({ flowId: id });
    const refused = await call();
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(/never been published.*publish it first/);
    expect((await api.runs.list.query({ flowId: id })).total).toBe(before.total);

    await api.flows.publish.mutate({ id, expectedVersion: 2 });
    await api.flows.save.mutate({ id, expectedVersion: 2, document: { ...greeting("Draft"), name: "Two faces" } });
    const published = await call();
    expect(published).toMatchObject({ status: 200, body: { output: "Hello, Ada" } });
    const hookRun = await api.runs.get.query({ id: published.body.runId });
    expect(hookRun.flowVersion).toBe(1);
    const started = (await api.runs.events.query({ id: hookRun.id })).find((e) => e.type === "run.started");
    expect(started?.data).toMatchObject({ flowVersion: 1 });

    const { runId } = await api.runs.start.mutate({ flowId: id, input: { name: "Ada" } });
    await t.app.services.engine.idle();
    const draftRun = await api.runs.get.query({ id: runId });
    expect(draftRun).toMatchObject({ flowVersion: null, output: "Draft, Ada" });
    expect((await api.runs.events.query({ id: runId }))[0]?.data).toMatchObject({ flowVersion: null });

    // Publishing again moves the webhook to v2 at once.
    await api.flows.publish.mutate({ id, expectedVersion: 3 });
    const next = await call();
    expect(next.body.output).toBe("Draft, Ada");
    expect((await api.runs.get.query({ id: next.body.runId })).flowVersion).toBe(2);

    // The runs list filters by version; draft runs are their own set.
    const ids = async (version: number | "draft") =>
      (await api.runs.list.query({ flowId: id, version })).items.map((r) => r.id);
    expect(await ids(1)).toEqual([published.body.runId]);
    expect(await ids(2)).toEqual([next.body.runId]);
    expect(await ids("draft")).toEqual([runId]);
  });
});

describe("retry on the latest version", () => {
  //  start ─▶ fetch ─▶ shape ─▶ end      v1's shape fails; v2 fixes it
  const withShape = (expression: string) =>
    flow(
      {
        start: ["start"],
        fetch: ["transform", { expression: '{ "amount": 21 }' }],
        shape: ["transform", { expression }],
        end: ["end"],
      },
      ["start -> fetch", "fetch -> shape", "shape -> end"],
    );

  it("runs the fixed version, keeping the outputs of the steps before the failure", async () => {
    const { id, api } = await savedFlow(withShape('$error("not yet")'), "Fixable");
    await api.flows.publish.mutate({ id, expectedVersion: 2 });
    const hook = (await api.flows.setWebhook.mutate({ id, enabled: true, mode: "sync" }))!;
    const failed = (await (await fetch(`${t.url}${hook.path}`, { method: "POST", body: "{}" })).json()) as {
      runId: string;
      status: string;
    };
    expect(failed.status).toBe("failed");

    await api.flows.save.mutate({
      id,
      expectedVersion: 2,
      document: { ...withShape("prev.amount * 2"), name: "Fixable" },
    });
    await api.flows.publish.mutate({ id, expectedVersion: 3, message: "fix shape" });
    const { runId } = await api.runs.retry.mutate({ id: failed.runId, version: "latest" });
    await t.app.services.engine.idle();
    const retried = await api.runs.get.query({ id: runId });
    expect(retried).toMatchObject({ status: "succeeded", output: 42, flowVersion: 2, retryOfId: failed.runId });
    const events = await api.runs.events.query({ id: runId });
    const fetched = events.find((e) => e.type === "node.succeeded" && e.nodeId === "fetch");
    expect(fetched?.data).toMatchObject({ reusedFrom: failed.runId }); // not run again

    // On the same snapshot it fails as before.
    const same = await api.runs.retry.mutate({ id: failed.runId });
    await t.app.services.engine.idle();
    expect(await api.runs.get.query({ id: same.runId })).toMatchObject({ status: "failed", flowVersion: 1 });
  });

  it("refuses the latest version of a flow never published", async () => {
    const { id, api } = await savedFlow(withShape('$error("not yet")'), "Unpublished");
    const { runId } = await api.runs.start.mutate({ flowId: id, input: {} });
    await t.app.services.engine.idle();
    const error = await rejection(api.runs.retry.mutate({ id: runId, version: "latest" }));
    expect(error.message).toMatch(/never been published/);
  });
});

describe("retry with a new input, or from a chosen step", () => {
  //  start ─▶ fetch ─▶ check (fails unless input.ok) ─▶ end
  const checked = flow(
    {
      start: ["start", { inputs: [{ name: "ok", type: "boolean", required: false }] }],
      fetch: ["transform", { expression: '{ "amount": 21 }' }],
      check: ["transform", { expression: 'input.ok = true ? prev.amount * 2 : $error("not ok")' }],
      end: ["end"],
    },
    ["start -> fetch", "fetch -> check", "check -> end"],
  );
  const reused = async (api: ReturnType<TestServer["trpc"]>, runId: string) =>
    (await api.runs.events.query({ id: runId }))
      .filter((e) => e.type === "node.succeeded" && (e.data as { reusedFrom?: string }).reusedFrom)
      .map((e) => (e as { nodeId: string }).nodeId);

  it("takes a new input (checked against the start node) and runs again only what must", async () => {
    const { id, api } = await savedFlow(checked, "Checked");
    const { runId: failed } = await api.runs.start.mutate({ flowId: id, input: { ok: false } });
    await t.app.services.engine.idle();
    expect((await api.runs.get.query({ id: failed })).status).toBe("failed");

    expect((await rejection(api.runs.retry.mutate({ id: failed, input: { ok: "yes" } }))).message).toMatch(/ok/);
    const { runId } = await api.runs.retry.mutate({ id: failed, input: { ok: true } });
    await t.app.services.engine.idle();
    expect(await api.runs.get.query({ id: runId })).toMatchObject({
      status: "succeeded",
      output: 42,
      input: { ok: true },
    });
    expect(await reused(api, runId)).toEqual(["fetch"]); // the start node ran again with the new input

    // From a chosen step: it and what follows run again, what comes before keeps its output.
    const { runId: fromFetch } = await api.runs.retry.mutate({ id: failed, fromNodeId: "fetch" });
    await t.app.services.engine.idle();
    expect((await api.runs.get.query({ id: fromFetch })).status).toBe("failed"); // same input, same failure
    expect(await reused(api, fromFetch)).toEqual(["start"]); // fetch ran again
    expect((await rejection(api.runs.retry.mutate({ id: failed, fromNodeId: "nope" }))).message).toMatch(
      /no node "nope"/,
    );
  });
});
