// Flows that call flows, wait on timers and wait for callbacks, on the real app and SQLite.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FlowDocument } from "../../../lib/flow/document";
import type { RunEvent } from "../../../lib/run/events";
import { rejection } from "../../testing/rejection";
import { startTestServer, type TestServer } from "../../testing/test-server";
import { waitFor } from "../../testing/wait-for";
import { flow } from "../core/testing";

let t: TestServer;
let api: ReturnType<TestServer["trpc"]>;
/** An outside system: answers a wait's notify by calling the resume URL it was sent, at once. */
let outside: Server;
let outsideUrl: string;
const notified: unknown[] = [];

beforeAll(async () => {
  t = await startTestServer({ outboundAllow: ["127.0.0.1"] });
  api = t.trpc(await t.signUp("composer@example.com"));
  outside = createServer((req, res) => {
    let text = "";
    req.on("data", (c) => (text += c));
    req.on("end", async () => {
      const body = JSON.parse(text) as { resumeUrl: string };
      notified.push(body);
      // Before answering the notify: the resume arrives while the attempt that parks is in flight.
      const answer = await fetch(body.resumeUrl, { method: "POST", body: JSON.stringify({ signed: true }) });
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ resumed: answer.status }));
    });
  });
  await new Promise<void>((resolve) => outside.listen(0, "127.0.0.1", resolve));
  outsideUrl = `http://127.0.0.1:${(outside.address() as AddressInfo).port}`;
});
afterAll(async () => {
  outside.close();
  await t.close();
});

async function savedFlow(name: string, document: FlowDocument, publish = false) {
  const created = await api.flows.create.mutate({ name });
  const saved = await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document: { ...document, name } });
  if (publish) await api.flows.publish.mutate({ id: created.id, expectedVersion: saved.version, message: "v1" });
  return created.id;
}
const runOf = (runId: string) => () => api.runs.get.query({ id: runId });
const eventsOf = (runId: string) => () => api.runs.events.query({ id: runId });
const ended = (r: { status: string }) => ["succeeded", "failed", "cancelled"].includes(r.status);
const ofType = (events: RunEvent[], type: string) => events.filter((e) => e.type === type);

describe("delay", () => {
  it("parks the path on a durable timer, then passes its input on", async () => {
    const id = await savedFlow(
      "Delays",
      flow({ start: ["start"], pause: ["delay", { ms: "250" }], end: ["end"] }, ["start -> pause", "pause -> end"]),
    );
    const { runId } = await api.runs.start.mutate({ flowId: id, input: { order: 7 } });
    const waiting = await waitFor("the run to wait on the delay", runOf(runId), (r) => r.status === "waiting");
    expect(waiting.status).toBe("waiting");
    const parked = ofType(await eventsOf(runId)(), "node.waiting")[0]!;
    expect(Date.parse((parked.data as { until: string }).until)).toBeGreaterThan(Date.parse(parked.at));
    const run = await waitFor("the delayed run to succeed", runOf(runId), ended);
    expect(run).toMatchObject({ status: "succeeded", output: { order: 7 } });
    expect(ofType(await eventsOf(runId)(), "timer.fired")).toHaveLength(1);
  });

  it("fails the step with the reason when `ms` is not a number of milliseconds", async () => {
    const id = await savedFlow(
      "Bad delay",
      flow({ start: ["start"], pause: ["delay", { ms: '"soon"' }], end: ["end"] }, ["start -> pause", "pause -> end"]),
    );
    const { runId } = await api.runs.start.mutate({ flowId: id });
    const run = await waitFor("the run to fail", runOf(runId), ended);
    expect(run.status).toBe("failed");
    expect(run.error?.message).toContain('ms: expected a number of milliseconds (0 or more), got "soon"');
  });
});

describe("wait", () => {
  const waitFlow = (data: Record<string, unknown>) =>
    flow(
      {
        start: ["start"],
        hold: ["wait", data],
        done: ["end", { output: '{ "answer": prev }' }],
        late: ["end", { output: '"timed out"' }],
      },
      ["start -> hold", "hold -> done", "hold.timeout -> late"],
    );

  it("resumes once with the JSON body POSTed to its resume URL; the URL then answers 404", async () => {
    const id = await savedFlow("Waits", waitFlow({ timeoutMs: 3_600_000 }));
    const { runId } = await api.runs.start.mutate({ flowId: id });
    const events = await waitFor("the wait to park", eventsOf(runId), (e) => ofType(e, "wait.started").length > 0);
    const { resumeUrl, timeoutAt } = ofType(events, "wait.started")[0]!.data as {
      resumeUrl: string;
      timeoutAt: string;
    };
    expect(resumeUrl).toMatch(new RegExp(`^${t.url}/api/v1/resume/`));
    expect(Date.parse(timeoutAt) - Date.parse(events.at(-1)!.at)).toBeGreaterThan(3_500_000);
    expect((await runOf(runId)()).status).toBe("waiting");

    const bad = await fetch(resumeUrl, { method: "POST", body: "{not json" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toContain("not valid JSON");
    const forged = await fetch(`${resumeUrl.slice(0, -4)}AAAA`, { method: "POST", body: "{}" });
    expect(forged.status).toBe(404);
    const huge = await fetch(resumeUrl, { method: "POST", body: JSON.stringify({ pad: "x".repeat(2_000_000) }) });
    expect(huge.status).toBe(413);

    const first = await fetch(resumeUrl, { method: "POST", body: JSON.stringify({ signature: "J. Doe" }) });
    expect(first.status).toBe(202);
    const again = await fetch(resumeUrl, { method: "POST", body: JSON.stringify({ signature: "someone else" }) });
    expect(again.status).toBe(404);
    const run = await waitFor("the resumed run to succeed", runOf(runId), ended);
    expect(run).toMatchObject({ status: "succeeded", output: { answer: { signature: "J. Doe" } } });
  });

  it("of two resumes sent at once, one wins", async () => {
    const id = await savedFlow("Races", waitFlow({}));
    const { runId } = await api.runs.start.mutate({ flowId: id });
    const events = await waitFor("the wait to park", eventsOf(runId), (e) => ofType(e, "wait.started").length > 0);
    const { resumeUrl } = ofType(events, "wait.started")[0]!.data as { resumeUrl: string };
    const answers = await Promise.all(
      [1, 2, 3].map((n) => fetch(resumeUrl, { method: "POST", body: JSON.stringify({ n }) }).then((r) => r.status)),
    );
    expect(answers.sort()).toEqual([202, 404, 404]);
    await waitFor("the run to succeed", runOf(runId), ended);
    expect(ofType(await eventsOf(runId)(), "wait.resumed")).toHaveLength(1);
  });

  it("sends its notify with the resume URL, and takes a resume that arrives before the notify is answered", async () => {
    const notify = {
      method: "POST",
      url: `${outsideUrl}/sign`,
      headers: {},
      body: '{ "resumeUrl": "{{ resumeUrl }}", "order": {{ input.order }} }',
    };
    const id = await savedFlow("Notifies", waitFlow({ timeoutMs: 3_600_000, notify }));
    const { runId } = await api.runs.start.mutate({ flowId: id, input: { order: 12 } });
    const run = await waitFor("the run to be resumed by the outside system", runOf(runId), ended);
    expect(run).toMatchObject({ status: "succeeded", output: { answer: { signed: true } } });
    expect(notified.at(-1)).toMatchObject({ order: 12, resumeUrl: expect.stringContaining("/api/v1/resume/") });
  });

  it("follows `timeout` when nobody calls before the deadline", async () => {
    const id = await savedFlow("Times out", waitFlow({ timeoutMs: 1_000 }));
    const { runId } = await api.runs.start.mutate({ flowId: id });
    const run = await waitFor("the wait to time out", runOf(runId), ended);
    expect(run).toMatchObject({ status: "succeeded", output: "timed out" });
  });
});

describe("subflow", () => {
  let childId: string;
  beforeAll(async () => {
    const child = flow(
      {
        start: ["start", { inputs: [{ name: "name", type: "string", required: true }] }],
        greet: ["transform", { expression: '"Hello, " & input.name' }],
        end: ["end"],
      },
      ["start -> greet", "greet -> end"],
    );
    childId = await savedFlow("Greeter", child, true);
  });

  it("runs the called flow's published version as a child and continues with its output", async () => {
    const id = await savedFlow(
      "Calls",
      flow(
        {
          start: ["start"],
          call: ["subflow", { flowId: childId, input: { name: "input.who" } }],
          end: ["end"],
        },
        ["start -> call", "call -> end"],
      ),
    );
    const { runId } = await api.runs.start.mutate({ flowId: id, input: { who: "Ada" } });
    const run = await waitFor("the parent to succeed", runOf(runId), ended);
    expect(run).toMatchObject({ status: "succeeded", output: "Hello, Ada" });
    const events = await eventsOf(runId)();
    const started = ofType(events, "subflow.started")[0]!.data as { runId: string };
    const child = await api.runs.get.query({ id: started.runId });
    expect(child).toMatchObject({
      status: "succeeded",
      flowId: childId,
      flowVersion: 1,
      trigger: "subflow",
      parentRunId: runId,
      parentNodeId: "call",
      output: "Hello, Ada",
    });
    expect(ofType(events, "subflow.finished")).toHaveLength(1);
  });

  it("a pinned version runs that version, after newer ones are published", async () => {
    const versioned = await savedFlow(
      "Versioned",
      flow({ start: ["start"], end: ["end", { output: '"v1"' }] }, ["start -> end"]),
      true,
    );
    const current = await api.flows.get.query({ id: versioned });
    const doc = current.document;
    doc.nodes.find((n) => n.id === "end")!.data.output = '"v2"';
    const saved = await api.flows.save.mutate({ id: versioned, expectedVersion: current.version, document: doc });
    await api.flows.publish.mutate({ id: versioned, expectedVersion: saved.version, message: "v2" });
    const caller = (version: unknown) =>
      savedFlow(
        "Pins",
        flow({ start: ["start"], call: ["subflow", { flowId: versioned, version }], end: ["end"] }, [
          "start -> call",
          "call -> end",
        ]),
      );
    for (const [version, output] of [
      [1, "v1"],
      ["published", "v2"],
    ] as const) {
      const { runId } = await api.runs.start.mutate({ flowId: await caller(version) });
      expect(await waitFor("the caller to succeed", runOf(runId), ended)).toMatchObject({
        status: "succeeded",
        output,
      });
    }
  });

  it("fails the node with the child's error, which `onError: route` can follow", async () => {
    const id = await savedFlow(
      "Calls badly",
      flow(
        {
          start: ["start"],
          call: ["subflow", { flowId: childId, input: "{}", onError: "route" }],
          ok: ["end", { output: '"ok"' }],
          fallback: ["end", { output: '"fallback"' }],
        },
        ["start -> call", "call -> ok", "call.error -> fallback"],
      ),
    );
    const { runId } = await api.runs.start.mutate({ flowId: id });
    const run = await waitFor("the parent to end", runOf(runId), ended);
    expect(run).toMatchObject({ status: "succeeded", output: "fallback" });
    const failed = ofType(await eventsOf(runId)(), "node.failed")[0]!.data as { error: { message: string } };
    expect(failed.error.message).toContain("did not start: The run input is not valid");
  });

  it("does not wait with `wait: false`: the output is the child's id at once", async () => {
    const id = await savedFlow(
      "Fires and forgets",
      flow(
        {
          start: ["start"],
          call: ["subflow", { flowId: childId, input: '{ "name": "Bo" }', wait: false }],
          end: ["end"],
        },
        ["start -> call", "call -> end"],
      ),
    );
    const { runId } = await api.runs.start.mutate({ flowId: id });
    const run = await waitFor("the parent to end", runOf(runId), ended);
    const childRun = (run.output as { runId: string }).runId;
    expect(await waitFor("the child to end", runOf(childRun), ended)).toMatchObject({ output: "Hello, Bo" });
  });

  it("a flow that calls itself fails once the call chain is deeper than 8", async () => {
    const created = await api.flows.create.mutate({ name: "Recurses" });
    const doc = flow({ start: ["start"], again: ["subflow", { flowId: created.id }], end: ["end"] }, [
      "start -> again",
      "again -> end",
    ]);
    const saved = await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });
    await api.flows.publish.mutate({ id: created.id, expectedVersion: saved.version, message: "" });
    const { runId } = await api.runs.start.mutate({ flowId: created.id, version: "published" });
    const run = await waitFor("the outermost run to fail", runOf(runId), ended, { timeoutMs: 30_000 });
    expect(run.status).toBe("failed");
    expect(run.error?.message).toContain("deeper than 8");
    const chain = await api.runs.list.query({ flowId: created.id, page: 0, pageSize: 50 });
    expect(chain.total).toBe(9); // the run started here and 8 calls deep
  });

  it("refuses to start a run whose sub-flow node calls a missing flow, or one never published", async () => {
    const id = await savedFlow(
      "Calls nobody",
      flow({ start: ["start"], call: ["subflow", { flowId: "no-such-flow" }], end: ["end"] }, [
        "start -> call",
        "call -> end",
      ]),
    );
    const doc = await api.flows.get.query({ id });
    const saved = await api.flows.save.mutate({ id, expectedVersion: doc.version, document: doc.document });
    expect(saved.problems).toContainEqual(
      expect.objectContaining({
        nodeId: "call",
        severity: "error",
        message: "the flow it calls does not exist in this workspace",
      }),
    );
    const missing = await rejection(api.runs.start.mutate({ flowId: id }));
    expect(missing.data.code).toBe("BAD_REQUEST");
    expect(missing.message).toContain('node "call" (nodes[1].data.flowId): the flow it calls does not exist');
    const draftOnly = await savedFlow("Draft only", flow({ start: ["start"], end: ["end"] }, ["start -> end"]));
    const caller = await savedFlow(
      "Calls a draft",
      flow({ start: ["start"], call: ["subflow", { flowId: draftOnly }], end: ["end"] }, [
        "start -> call",
        "call -> end",
      ]),
    );
    expect((await rejection(api.runs.start.mutate({ flowId: caller }))).message).toContain(
      '"Draft only" has never been published',
    );
  });

  it("a flow deleted while a run is on its way to call it fails the node with a clear error", async () => {
    const doomed = await savedFlow("Doomed", flow({ start: ["start"], end: ["end"] }, ["start -> end"]), true);
    const id = await savedFlow(
      "Calls too late",
      flow({ start: ["start"], pause: ["delay", { ms: "300" }], call: ["subflow", { flowId: doomed }], end: ["end"] }, [
        "start -> pause",
        "pause -> call",
        "call -> end",
      ]),
    );
    const { runId } = await api.runs.start.mutate({ flowId: id });
    await waitFor("the run to wait on its delay", runOf(runId), (r) => r.status === "waiting");
    await api.flows.remove.mutate({ id: doomed });
    const run = await waitFor("the run to fail", runOf(runId), ended);
    expect(run.error?.message).toContain(`the called flow ${doomed} does not exist in this workspace`);
  });

  it("cancelling the parent cancels the child it waits for", async () => {
    const slowChild = await savedFlow(
      "Waits forever",
      flow({ start: ["start"], hold: ["wait", {}], end: ["end"] }, ["start -> hold", "hold -> end"]),
      true,
    );
    const id = await savedFlow(
      "Parent",
      flow({ start: ["start"], call: ["subflow", { flowId: slowChild }], end: ["end"] }, [
        "start -> call",
        "call -> end",
      ]),
    );
    const { runId } = await api.runs.start.mutate({ flowId: id });
    const events = await waitFor("the call to park", eventsOf(runId), (e) => ofType(e, "subflow.started").length > 0);
    const child = (ofType(events, "subflow.started")[0]!.data as { runId: string }).runId;
    await waitFor("the child to wait", runOf(child), (r) => r.status === "waiting");
    await api.runs.cancel.mutate({ id: runId });
    expect(await waitFor("the child to be cancelled", runOf(child), ended)).toMatchObject({ status: "cancelled" });
    expect((await runOf(runId)()).status).toBe("cancelled");
  });

  it("a forEach over a sub-flow starts one child per item", async () => {
    const id = await savedFlow(
      "Greets everyone",
      flow(
        {
          start: ["start"],
          each: ["loop", { mode: "forEach", items: '["Ann", "Ben", "Cy"]', concurrency: 3, maxIterations: 10 }],
          call: ["subflow", { flowId: childId, input: '{ "name": item }' }, "each"],
          end: ["end"],
        },
        ["start -> each", "each -> end"],
      ),
    );
    const { runId } = await api.runs.start.mutate({ flowId: id });
    const run = await waitFor("the parent to succeed", runOf(runId), ended);
    expect(run).toMatchObject({ status: "succeeded", output: ["Hello, Ann", "Hello, Ben", "Hello, Cy"] });
    const children = ofType(await eventsOf(runId)(), "subflow.started").map((e) => (e.data as { runId: string }).runId);
    expect(new Set(children).size).toBe(3);
  });
});
