import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkFlow, isRunnable } from "../../lib/flow/check";
import { flowTemplates } from "../../lib/flow/templates/catalog";
import { nodeStatus } from "../../lib/run/state";
import { simulate } from "../engine/core/testing";
import { startTestServer, type TestServer } from "../testing/test-server";
import { waitFor } from "../testing/wait-for";

let t: TestServer;
let cookie: string;
beforeAll(async () => {
  t = await startTestServer({ outboundAllow: ["127.0.0.1"] });
  cookie = await t.signUp("templates@example.com");
});
afterAll(() => t.close());

async function runTemplate(id: string, decide?: { nodeId: string; decision: "approve" | "reject"; comment?: string }) {
  const api = t.trpc(cookie);
  const template = flowTemplates.find((x) => x.id === id)!;
  const flow = await api.flows.create.mutate({ name: template.title, template: id });
  const { runId } = await api.runs.start.mutate({ flowId: flow.id, input: template.sampleInput });
  const read = () => api.runs.get.query({ id: runId });
  const ended = (run: { status: string }) => !["running", "queued", "waiting"].includes(run.status);
  if (decide) {
    const run = await waitFor(
      `${id} to wait for ${decide.nodeId} or end`,
      read,
      (r) => r.status === "waiting" || ended(r),
    );
    if (run.status === "waiting")
      await api.runs.decide.mutate({ runId, ...decide, comment: decide.comment ?? "", requestId: randomUUID() });
  }
  return waitFor(`${id} to end`, read, ended);
}

describe("templates", () => {
  it.each(flowTemplates.map((x) => [x.id, x]))("%s is a runnable flow", (_, template) => {
    const check = checkFlow(template.document());
    expect(check.problems).toEqual([]);
    expect(isRunnable(check)).toBe(true);
  });

  it("document approval runs to the approved end", async () => {
    expect(await runTemplate("document-approval", { nodeId: "approve", decision: "approve" })).toMatchObject({
      status: "succeeded",
      output: { status: "approved", analysis: "Reviewed. Analysis of Q3 supplier contract, 12 pages: 3 risks found." },
    });
  });

  it("parallel research joins three analysts into one synthesis", async () => {
    const run = await runTemplate("parallel-research");
    expect(run.output).toBe(
      "Synthesis: Market view on Should we expand to Lisbon?: promising. Finance view: costs are 12% lower. Risk view: currency exposure is low.",
    );
  });

  it("customer routing sends an invoice question to billing", async () => {
    expect((await runTemplate("customer-routing")).output).toBe(
      "Billing: refund issued for My invoice shows a double charge.",
    );
  });

  it("iterative refinement stops once the score passes 0.85", async () => {
    expect((await runTemplate("iterative-refinement")).output).toEqual({
      score: 0.91,
      text: "First draft of a product launch note (pass 4)",
    });
  });

  it("map over documents summarizes every document in order", async () => {
    expect((await runTemplate("map-documents")).output).toEqual([
      "Summary of Spec",
      "Summary of Contract",
      "Summary of Minutes",
      "Summary of Budget",
    ]);
  });

  it("escalating approval moves to the finance group when the first deadline passes, then rejects", () => {
    const doc = flowTemplates.find((x) => x.id === "escalating-approval")!.document();
    const sim = simulate(doc, { timeouts: ["manager"], request: { timeoutAt: "2026-01-02T00:00:00.000Z" } });
    const escalated = sim.log.find((e) => e.type === "approval.escalated");
    expect(escalated).toMatchObject({ nodeId: "manager", data: { level: 1, assignees: { groups: ["finance"] } } });
    expect(nodeStatus(sim.state, "director")).toBe("skipped");
    expect(nodeStatus(sim.state, "rejected")).toBe("succeeded");
    expect(sim.state.output).toBe("rejected");
  });

  it("nightly digest creates the flow it calls, published, and summarizes each ticket with it", async () => {
    const run = await runTemplate("nightly-digest");
    expect(run).toMatchObject({
      status: "succeeded",
      output:
        "Digest (3 tickets): • Login fails on Safari: triaged • Invoice PDF is blank: triaged • Export times out: triaged",
    });
    const flows = await t.trpc(cookie).flows.list.query();
    expect(flows.find((f) => f.name === "Summarize a ticket")).toMatchObject({ publishedVersion: 1 });
  });

  it("wait for a signature sends the envelope with its resume URL, and the provider's callback finishes it", async () => {
    const provider = createServer((req, res) => {
      let text = "";
      req.on("data", (c) => (text += c));
      req.on("end", () => {
        const envelope = JSON.parse(text) as { contract: string; callback: string };
        res.writeHead(201).end("{}");
        // Later, the signer signs: the provider calls back.
        void fetch(envelope.callback, { method: "POST", body: JSON.stringify({ signedBy: "dana", at: "2026-12-02" }) });
      });
    });
    await new Promise<void>((resolve) => provider.listen(0, "127.0.0.1", resolve));
    const template = flowTemplates.find((x) => x.id === "wait-for-signature")!;
    const api = t.trpc(cookie);
    const flow = await api.flows.create.mutate({ name: template.title, template: template.id });
    const signingService = `http://127.0.0.1:${(provider.address() as AddressInfo).port}/envelopes`;
    const { runId } = await api.runs.start.mutate({
      flowId: flow.id,
      input: { ...template.sampleInput, signingService },
    });
    const run = await waitFor(
      "the signed run to end",
      () => api.runs.get.query({ id: runId }),
      (r) => r.status === "succeeded",
    );
    provider.close();
    expect(run.output).toEqual({ contract: "MSA-2027-014", signed: { signedBy: "dana", at: "2026-12-02" } });
  });

  it("self-consistency asks three agents and the majority answer wins", async () => {
    const run = await runTemplate("self-consistency");
    expect(run).toMatchObject({ status: "succeeded", output: { answer: "2", votes: 2, of: 3 } });
  });

  it("the research agent searches through its sub-flow tool, and its email waits for approval, then goes out as edited", async () => {
    const mails: { to: string; subject: string; body: string }[] = [];
    const mail = createServer((req, res) => {
      let text = "";
      req.on("data", (c) => (text += c));
      req.on("end", () => {
        mails.push(JSON.parse(text));
        res.writeHead(202, { "content-type": "application/json" }).end('{"id":"m-1"}');
      });
    });
    await new Promise<void>((resolve) => mail.listen(0, "127.0.0.1", resolve));
    try {
      const template = flowTemplates.find((x) => x.id === "research-agent")!;
      const api = t.trpc(cookie);
      const flow = await api.flows.create.mutate({ name: template.title, template: template.id });
      const mailApi = `http://127.0.0.1:${(mail.address() as AddressInfo).port}/v1/send`;
      const { runId } = await api.runs.start.mutate({ flowId: flow.id, input: { ...template.sampleInput, mailApi } });
      const [task] = await waitFor(
        "the email to wait for approval",
        () => api.inbox.ofRun.query({ runId }),
        (tasks) => tasks.length === 1,
      );
      expect(task!.title).toBe("Send “Research: heat pumps in cold climates” to team@example.com?");
      expect(mails).toEqual([]);
      const args = task!.tool!.args as Record<string, string>;
      expect(args.body).toContain("3 sources on heat pumps in cold climates");
      await api.inbox.decide.mutate({
        taskId: task!.id,
        decision: "approve",
        requestId: randomUUID(),
        args: { ...args, to: "research@example.com" },
      });
      const run = await waitFor(
        "the research run to end",
        () => api.runs.get.query({ id: runId }),
        (r) => ["succeeded", "failed"].includes(r.status),
      );
      expect(run).toMatchObject({
        status: "succeeded",
        output: "Researched heat pumps in cold climates. Email: sent.",
      });
      expect(mails).toEqual([{ ...args, to: "research@example.com" }]);
      const flows = await api.flows.list.query();
      expect(flows.find((f) => f.name === "Search the web (demo)")).toMatchObject({ publishedVersion: 1 });
    } finally {
      mail.close();
    }
  });

  it("the order saga refunds the charge, then releases the stock, when shipping fails", async () => {
    const run = await runTemplate("order-saga");
    expect(run.status).toBe("failed");
    const events = await t.trpc(cookie).runs.events.query({ id: run.id });
    const succeeded = events.flatMap((e) => (e.type === "node.succeeded" && "nodeId" in e ? [e.nodeId] : []));
    expect(succeeded.slice(-2)).toEqual(["refund", "release"]);
    expect(events.at(-1)).toMatchObject({ type: "run.failed", data: { compensated: true } });
  });

  it("the flaky API falls back when the call fails", async () => {
    const run = await runTemplate("flaky-api-breaker");
    expect(run).toMatchObject({ status: "succeeded", output: { from: "fallback" } });
  });
});
