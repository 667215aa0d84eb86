// Durable agent loops with real processes: the server is killed with SIGKILL in the middle of a
// loop of model turns and tool calls, and started again. The model and the tool's API are real
// local servers in this process, so they count what reaches them across the crash.

import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { RunEvent } from "../../../lib/run/events";
import { type ChatModelServer, startChatModelServer } from "../../testing/chat-model-server";
import { freePort } from "../../testing/free-port";
import { ServerProcess } from "../../testing/server-process";
import { waitFor } from "../../testing/wait-for";
import { flow } from "../core/testing";

const dir = mkdtempSync(path.join(tmpdir(), "switchyard-agent-crash-"));
const server = new ServerProcess(await freePort(), path.join(dir, "agent-crash.db"), {
  env: { OUTBOUND_ALLOW: "127.0.0.1" },
});
let model: ChatModelServer;
const toolSeen: { n: number; headers: IncomingHttpHeaders }[] = [];
/** Requests the tool API holds unanswered (the server dies while they are in flight). */
const held: ServerResponse[] = [];
let holdStep2 = true;
let toolUrl: string;
const tool = createServer(async (req, res) => {
  let body = "";
  for await (const chunk of req) body += chunk;
  const n = (JSON.parse(body) as { n: number }).n;
  toolSeen.push({ n, headers: req.headers });
  if (n === 2 && holdStep2) return void held.push(res);
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ done: n }));
});

beforeAll(async () => {
  model = await startChatModelServer();
  await new Promise<void>((r) => tool.listen(0, "127.0.0.1", r));
  toolUrl = `http://127.0.0.1:${(tool.address() as AddressInfo).port}/step`;
});
afterAll(async () => {
  await server.stop();
  for (const res of held) res.destroy();
  await new Promise<void>((r) => tool.close(() => r()));
  await model.close();
  rmSync(dir, { recursive: true, force: true });
});

const stepTool = {
  name: "step",
  parameters: { type: "object", properties: { n: { type: "number" } }, required: ["n"] },
  use: { kind: "http", method: "POST", url: "", body: "{{ $string(args) }}" },
};

it("killed in the middle of a tool call, the loop goes on after a restart: no finished turn or call is repeated, the open call is re-sent with its key", async () => {
  await server.start();
  const api = await server.signUp("agent-crash@example.com");
  model.answers = [
    { toolCalls: [{ name: "step", arguments: '{"n":1}' }] },
    { toolCalls: [{ name: "step", arguments: '{"n":2}' }], stream: true },
    { content: "two steps done" },
  ];
  const doc = flow(
    {
      start: ["start"],
      ask: [
        "agent",
        {
          provider: "openai",
          baseUrl: model.baseUrl,
          model: "m",
          prompt: "Do two steps",
          tools: [{ ...stepTool, use: { ...stepTool.use, url: toolUrl } }],
        },
      ],
      end: ["end"],
    },
    ["start -> ask", "ask -> end"],
  );
  const created = await api.flows.create.mutate({ name: "Two steps" });
  await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });
  const { runId } = await api.runs.start.mutate({ flowId: created.id });

  // The second call is in flight at the tool's API (held there): the server dies now.
  await waitFor(
    "the second call to reach the tool",
    () => held.length,
    (n) => n === 1,
  );
  await server.crash();
  holdStep2 = false;
  expect(model.requests).toHaveLength(2);

  await server.start();
  const run = await waitFor(
    "the run to finish after the restart",
    () => api.runs.get.query({ id: runId }),
    (r) => r.status === "succeeded" || r.status === "failed",
    { timeoutMs: 30_000 },
  );
  expect(run).toMatchObject({ status: "succeeded", output: "two steps done" });
  // Turns 1 and 2 were not asked again; the third was asked once.
  expect(model.requests.map((r) => r.headers["idempotency-key"])).toEqual([
    `${runId}:ask:0:1:t1`,
    `${runId}:ask:0:1:t2`,
    `${runId}:ask:0:1:t3`,
  ]);
  // The finished call was not repeated; the open one was sent again with the same key.
  expect(toolSeen.map((s) => s.n)).toEqual([1, 2, 2]);
  expect(toolSeen[1]!.headers["idempotency-key"]).toBe(`${runId}:ask:0:1:c2_1`);
  expect(toolSeen[2]!.headers["idempotency-key"]).toBe(`${runId}:ask:0:1:c2_1`);
  const events = (await api.runs.events.query({ id: runId })) as RunEvent[];
  expect(events.filter((e) => e.type === "agent.turn").map((e) => (e.data as { step: number }).step)).toEqual([
    1, 2, 3,
  ]);
  expect(events.filter((e) => e.type === "tool.called").map((e) => (e.data as { callId: string }).callId)).toEqual([
    "c1_1",
    "c2_1",
  ]);
  expect(events.filter((e) => e.type === "tool.returned")).toHaveLength(2);
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
}, 90_000);

it("a tool call waiting for approval survives SIGKILL: approved after the restart, it runs once and the loop goes on", async () => {
  if (!server.child) await server.start();
  const api = await server.signUp(`agent-approval-${Date.now()}@example.com`);
  toolSeen.length = 0;
  const doc = flow(
    {
      start: ["start"],
      ask: [
        "agent",
        {
          prompt: "Do one step",
          tools: [
            {
              ...stepTool,
              use: { ...stepTool.use, url: toolUrl },
              approval: { allowRequesterToApprove: true },
            },
          ],
          script: [{ toolCalls: [{ name: "step", args: { n: 7 } }] }, { response: "step {{ tools.step.body.done }}" }],
        },
      ],
      end: ["end"],
    },
    ["start -> ask", "ask -> end"],
  );
  const created = await api.flows.create.mutate({ name: "Approved step" });
  await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });
  const { runId } = await api.runs.start.mutate({ flowId: created.id });
  await waitFor(
    "the run to wait",
    () => api.runs.get.query({ id: runId }),
    (r) => r.status === "waiting",
  );
  await server.crash();
  await server.start();
  const [task] = await waitFor(
    "the task to be open after the restart",
    () => api.inbox.ofRun.query({ runId }),
    (tasks) => tasks.length === 1,
  );
  await api.inbox.decide.mutate({ taskId: task!.id, decision: "approve", requestId: "after-restart-1" });
  const run = await waitFor(
    "the run to finish",
    () => api.runs.get.query({ id: runId }),
    (r) => r.status === "succeeded" || r.status === "failed",
  );
  expect(run).toMatchObject({ status: "succeeded", output: "step 7" });
  expect(toolSeen.map((s) => s.n)).toEqual([7]);
}, 60_000);
