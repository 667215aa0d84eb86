import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { flowToYaml } from "../../lib/flow/flow-file";
import { REPLAY_PAGE } from "../../lib/run/events";
import { projectRoot } from "../db/config";
import { flow } from "../engine/core/testing";

const dir = mkdtempSync(path.join(tmpdir(), "switchyard-cli-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the real `switchyard` bin in a child process, its stdout and stderr pipes to this one. */
function cli(...args: string[]) {
  const result = spawnSync(process.execPath, [path.join(projectRoot, "scripts/switchyard.mjs"), ...args], {
    encoding: "utf8",
    timeout: 50_000, // under the test timeout: a hung CLI fails the test (killed: code null) rather than outliving it
    maxBuffer: 64 * 1024 * 1024,
  });
  const lines = result.stdout
    .trim()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l): Record<string, unknown> => {
      try {
        return JSON.parse(l);
      } catch {
        return { notJson: `${l.slice(0, 80)}… (${l.length} characters)` }; // a line cut short
      }
    });
  return { code: result.status, lines, stderr: result.stderr };
}

function file(name: string, content: unknown) {
  const p = path.join(dir, name);
  writeFileSync(p, typeof content === "string" ? content : JSON.stringify(content));
  return p;
}

//  start ─▶ write ─▶ review ─ approved ─▶ end
const approvalFlow = file(
  "approval.json",
  flow(
    {
      start: ["start", { inputs: [{ name: "topic", type: "string", required: true }] }],
      write: ["agent", { response: "Essay on {{ input.topic }}" }],
      review: ["approval", { title: "Publish?" }],
      end: ["end", { output: "nodes.write.output" }],
    },
    ["start -> write", "write -> review", "review.approved -> end"],
  ),
);

describe("switchyard CLI", { timeout: 60_000 }, () => {
  it("runs a file, printing every event as a JSON line and the result last", () => {
    const { code, lines } = cli("run", approvalFlow, "--input", '{"topic":"bridges"}', "--decide", "review=approve");
    expect(code).toBe(0);
    const events = lines.slice(0, -1);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.map((e) => e.type)).toContain("approval.decided");
    expect(lines.at(-1)).toEqual({ status: "succeeded", output: "Essay on bridges", runId: events[0]!.runId });
  });

  it("runs the same flow written as YAML", () => {
    const yaml = file("approval.yaml", flowToYaml(JSON.parse(readFileSync(approvalFlow, "utf8"))));
    const { code, lines } = cli("run", yaml, "--input", '{"topic":"tunnels"}', "--decide", "review=approve");
    expect(code).toBe(0);
    expect(lines.at(-1)).toMatchObject({ status: "succeeded", output: "Essay on tunnels" });
    const broken = file("broken.yaml", "nodes: [\n");
    const refused = cli("validate", broken);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("broken.yaml is not valid YAML");
  });

  //  start ─▶ each (forEach over 1,500 items) ─▶ end      body: pad
  it("prints every event of a run longer than one page of events, and the whole result last, into a pipe", () => {
    // 4 events per item: over 6,000 in all, more than one page (REPLAY_PAGE) of stored events.
    // Each item's output is long, so the result line alone is bigger than a pipe holds: it is
    // written out only if the CLI waits for stdout before it exits.
    const longRun = file(
      "long.json",
      flow(
        {
          start: ["start"],
          each: ["loop", { mode: "forEach", items: "[1..1500]", concurrency: 50, maxIterations: 10_000 }],
          pad: ["transform", { expression: `$pad($string(item), 400, "-")` }, "each"],
          end: ["end"],
        },
        ["start -> each", "each -> end"],
      ),
    );
    const { code, lines } = cli("run", longRun);
    const events = lines.slice(0, -1);
    expect(events.length).toBeGreaterThan(REPLAY_PAGE);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)).toMatchObject({ type: "run.succeeded" });
    const output = Array.from({ length: 1500 }, (_, i) => String(i + 1).padEnd(400, "-"));
    expect(lines.at(-1)).toEqual({ status: "succeeded", output, runId: events[0]!.runId });
    expect(code).toBe(0);
  });

  it("exits 3 when the run still waits for a person, naming the run and the approval", () => {
    const { code, lines, stderr } = cli("run", approvalFlow, "--input", '{"topic":"x"}');
    expect(code).toBe(3);
    const runId = lines[0]!.runId as string;
    expect(lines.at(-1)).toEqual({
      status: "waiting",
      output: null,
      runId,
      waitingFor: [{ nodeId: "review", path: [], for: "decision" }],
    });
    expect(stderr).toContain(`run ${runId} waits for a decision on review; answer with --decide nodeId=approve|reject`);
  });

  //  start ─▶ outer (forEach [1,2]) ─▶ end
  //           body: inner (forEach [1,2]) ─── body: check (approval) ─▶ note
  it("--decide answers every waiting instance of the approval, in nested loops too", () => {
    const nested = file(
      "nested-approvals.json",
      flow(
        {
          start: ["start"],
          outer: ["loop", { mode: "forEach", items: "[1, 2]", concurrency: 2, maxIterations: 10 }],
          inner: ["loop", { mode: "forEach", items: "[10, 20]", concurrency: 2, maxIterations: 10 }, "outer"],
          check: ["approval", { title: "Item {{ item }}?" }, "inner"],
          note: ["transform", { expression: "$string(item) & ' ' & prev.decision" }, "inner"],
          end: ["end"],
        },
        ["start -> outer", "check.approved -> note", "outer -> end"],
      ),
    );
    const { code, lines } = cli("run", nested, "--decide", "check=approve");
    expect(lines.at(-1)).toMatchObject({
      status: "succeeded",
      output: [
        ["10 approved", "20 approved"],
        ["10 approved", "20 approved"],
      ],
    });
    expect(code).toBe(0);
    const decided = lines.filter((e) => e.type === "approval.decided").map((e) => (e.path as number[]).join("."));
    expect(decided.sort()).toEqual(["0.0", "0.1", "1.0", "1.1"]);

    const unanswered = cli("run", nested);
    expect(unanswered.code).toBe(3);
    expect(unanswered.lines.at(-1)).toMatchObject({
      status: "waiting",
      waitingFor: expect.arrayContaining([
        { nodeId: "check", path: [0, 0], for: "decision" },
        { nodeId: "check", path: [1, 1], for: "decision" },
      ]),
    });
  });

  //  start ─▶ review (approval; deadline in an hour, then a finance group for another hour) ─▶ end
  it("exits 3 at once when only approvals are left, even with deadlines and escalations ahead", () => {
    const timeout = { afterMs: 3_600_000, action: "approve", escalate: [{ groups: ["finance"], afterMs: 3_600_000 }] };
    const deadline = file(
      "deadline.json",
      flow({ start: ["start"], review: ["approval", { title: "Sign?", timeout }], end: ["end"] }, [
        "start -> review",
        "review.approved -> end",
      ]),
    );
    const { code, lines } = cli("run", deadline); // a wait for the deadline would outlast the test
    expect(code).toBe(3);
    expect(lines.at(-1)).toMatchObject({
      status: "waiting",
      waitingFor: [{ nodeId: "review", path: [], for: "decision" }],
    });
    expect(lines.filter((e) => e.type === "approval.requested")).toHaveLength(1);

    // Two approvals needed: the CLI is one person, so after its decision only someone else can move it.
    const two = file(
      "two-approvals.json",
      flow({ start: ["start"], review: ["approval", { title: "Sign?", requiredApprovals: 2 }], end: ["end"] }, [
        "start -> review",
        "review.approved -> end",
      ]),
    );
    const once = cli("run", two, "--decide", "review=approve");
    expect(once.code).toBe(3);
    expect(once.lines.filter((e) => e.type === "approval.decided")).toHaveLength(1);
  });

  //              ┌─▶ flaky (fails once, retried after 300 ms) ─▶ done
  //  start ─▶ p ─┤
  //              └─▶ review (approval, nobody answers)
  it("waits for a back-off that can still move the run before it exits 3", () => {
    const retry = { maxAttempts: 2, initialDelayMs: 300, multiplier: 1, maxDelayMs: 300, jitter: false };
    const mixed = file(
      "backoff-and-approval.json",
      flow(
        {
          start: ["start"],
          p: ["parallel"],
          flaky: ["agent", { failTimes: 1, response: "second time lucky", retry }],
          done: ["transform", { expression: "prev" }],
          review: ["approval", { title: "Sign?" }],
          end: ["end"],
        },
        ["start -> p", "p -> flaky", "p -> review", "flaky -> done", "review.approved -> end"],
      ),
    );
    const { code, lines } = cli("run", mixed);
    expect(code).toBe(3);
    const types = lines.map((e) => `${e.type}${e.nodeId ? `:${e.nodeId}` : ""}`);
    expect(types).toContain("timer.fired:flaky");
    expect(types).toContain("node.succeeded:done");
    expect(lines.at(-1)).toMatchObject({
      status: "waiting",
      waitingFor: [{ nodeId: "review", path: [], for: "decision" }],
    });
  });

  it("exits 0 after a rejection that reaches no end, and 1 when a step fails", () => {
    const { code, lines } = cli("run", approvalFlow, "--input", '{"topic":"x"}', "--decide", "review=reject");
    expect(lines.at(-1)).toMatchObject({ status: "succeeded", output: null }); // rejected: nothing reached the end
    expect(code).toBe(0);
    const broken = file(
      "fails.json",
      flow({ start: ["start"], t: ["transform", { expression: "$error('no')" }], end: ["end"] }, [
        "start -> t",
        "t -> end",
      ]),
    );
    const failed = cli("run", broken);
    expect(failed.code).toBe(1);
    expect(failed.lines.at(-1)).toMatchObject({ status: "failed", error: { nodeId: "t" } });
  });

  it("exits 2 and names the problem for an invalid file or input", () => {
    const invalid = cli(
      "validate",
      file("bad.json", {
        schemaVersion: 1,
        name: "x",
        nodes: [{ id: "a", type: "teleport", position: { x: 0, y: 0 }, data: {} }],
        edges: [],
      }),
    );
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('error: node "a" (nodes[0].type): unknown node kind "teleport"');
    expect(cli("validate", file("nojson.json", "{ nope")).code).toBe(2);
    const missing = cli("run", approvalFlow); // topic is required
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--input topic:");
    expect(cli("validate", approvalFlow).code).toBe(0);
  });

  it("exits 2 for an --input the app could store but not read back, before any run starts", () => {
    const proto = cli("run", approvalFlow, "--input", '{"topic":"x","meta":{"__proto__":{"admin":true}}}');
    expect(proto.code).toBe(2);
    expect(proto.stderr).toContain("--input input.meta.__proto__: key not allowed");
    expect(proto.lines).toEqual([]); // not one event: nothing ran
    const deep = cli("run", approvalFlow, "--input", `{"topic":"x","d":${'{"a":'.repeat(100)}1${"}".repeat(100)}}`);
    expect(deep.code).toBe(2);
    expect(deep.stderr).toContain("--input input nests deeper than 64 levels");
  });

  describe("sub-flows and waits", () => {
    const flowsDir = path.join(dir, "flows");
    // flows/greeter.json: what a sub-flow node with flowId "greeter" runs.
    const greeter = flow(
      {
        start: ["start", { inputs: [{ name: "name", type: "string", required: true }] }],
        greet: ["transform", { expression: '"Hello, " & input.name' }],
        end: ["end"],
      },
      ["start -> greet", "greet -> end"],
    );
    const parent = file(
      "calls-greeter.json",
      flow(
        {
          start: ["start"],
          call: ["subflow", { flowId: "greeter", input: '{ "name": "Ada" }' }],
          sign: ["wait", { timeoutMs: 60_000 }],
          end: ["end", { output: '{ "greeting": nodes.call.output, "signed": prev }' }],
        },
        ["start -> call", "call -> sign", "sign -> end"],
      ),
    );

    it("--flows DIR runs a sub-flow node's flow from DIR/<flowId>.json; --resume answers the wait", () => {
      mkdirSync(flowsDir, { recursive: true });
      writeFileSync(path.join(flowsDir, "greeter.json"), JSON.stringify(greeter));
      const { code, lines } = cli("run", parent, "--flows", flowsDir, "--resume", 'sign={"by":"Ada"}');
      expect(code).toBe(0);
      expect(lines.at(-1)).toMatchObject({
        status: "succeeded",
        output: { greeting: "Hello, Ada", signed: { by: "Ada" } },
      });
      const children = lines.filter((l) => l.type === "run.started").map((l) => l.runId);
      expect(new Set(children).size).toBe(2); // the parent and its child, both printed
    });

    it("exits 3 naming the wait when nothing resumes it, and 2 when a called flow's file is missing", () => {
      const waiting = cli("run", parent, "--flows", flowsDir);
      expect(waiting.code).toBe(3);
      expect(waiting.stderr).toContain("waits for a callback on sign; answer with --resume nodeId=JSON");
      const missing = cli("run", parent);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('a sub-flow node calls "greeter": give --flows DIR');
      const bad = cli("run", parent, "--flows", flowsDir, "--resume", "sign={oops");
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain("--resume sign: the body is not JSON");
    });
  });
});
