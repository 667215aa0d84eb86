import { afterAll, describe, expect, it } from "vitest";
import { evaluateExpression } from "../../../../lib/flow/expressions";
import { longestStall } from "../../../testing/longest-stall";
import { defaultSandboxLimits, expressionSandbox, SandboxError } from "./expression-sandbox";
import { nodeExpressions } from "./node-expressions";

/**
 * A loop held by an expression stalled for seconds before (or the process died); a stall past
 * this means the expression ran here. Below it is scheduling on a busy machine (CI runs suites
 * side by side); `npm run bench` prints the real figures.
 */
const STALL_LIMIT_MS = 200;

const sandbox = expressionSandbox();
afterAll(() => sandbox.close());
const full = sandbox.evaluate.bind(sandbox);

describe("the expression sandbox", () => {
  it("evaluates full JSONata in a child process and gives plain JSON", async () => {
    expect(await sandbox.evaluate("$sum(items.price)", { items: [{ price: 2 }, { price: 3 }] })).toBe(5);
    expect(await sandbox.evaluate("items[price > 2].name", { items: [{ price: 2 }, { price: 3, name: "b" }] })).toBe(
      "b",
    );
    expect(await sandbox.evaluate("missing", {})).toBeNull();
    expect(await sandbox.evaluate("$eval('1+1')", {})).toBe(2); // JSONata's own evaluator, not JavaScript
  });

  it("cannot reach the host", async () => {
    await expect(sandbox.evaluate("$process", {})).resolves.toBeNull();
    expect(await sandbox.evaluate("constructor", {})).toBeNull();
    expect(await sandbox.evaluate("$string(constructor.constructor)", {})).toBeNull();
  });

  // The probes of the hardening issue: each one stopped the server or held its event loop for
  // seconds. On a loaded machine a slow allocation can reach the time limit before the memory
  // one; either way it is stopped, with the limit named.
  const hostile: [string, string, ("time" | "memory" | "depth")[]][] = [
    ["a 200 MB pad", '$length($pad("x", 200000000))', ["memory", "time"]],
    ["sorting a hundred thousand numbers", "$count($sort([1..100000]))", ["memory", "time"]],
    ["a ten-million-item string", "$string([1..9999999])", ["memory", "time"]],
    ["a regex that backtracks", `$match("${"a".repeat(40)}!", /^(a+)+$/)`, ["time"]],
    ["recursion without end", "($f := function($n) { $f($n + 1) }; $f(0))", ["time", "depth", "memory"]],
  ];
  const named = { time: /stopped after 1000 ms/, memory: /more than 64 MB/, depth: /nests too deeply/ };
  for (const [name, expression, limits] of hostile) {
    it(`stops ${name}, naming the limit, and the server's loop keeps turning`, async () => {
      const { result, stallMs } = await longestStall(() => sandbox.evaluate(expression, {}));
      expect(result.status).toBe("rejected");
      const error = (result as PromiseRejectedResult).reason as SandboxError;
      expect(error).toBeInstanceOf(SandboxError);
      const limit = error.limit ?? "depth";
      expect(limits).toContain(limit);
      expect(error.message).toMatch(named[limit as keyof typeof named]);
      expect(stallMs).toBeLessThan(STALL_LIMIT_MS);
      // The pool is whole again afterwards.
      expect(await sandbox.evaluate("1 + 1", {})).toBe(2);
    });
  }

  it("runs a slow expression beside others, each within its own deadline", async () => {
    const slow = `$count($filter([1..1000000], function($v) { $v % 7 = 0 }))`;
    const { result, stallMs } = await longestStall(() =>
      Promise.allSettled([1, 2, 3, 4].map(() => sandbox.evaluate(slow, {}))),
    );
    expect(stallMs).toBeLessThan(STALL_LIMIT_MS);
    const settled = (result as PromiseFulfilledResult<PromiseSettledResult<unknown>[]>).value;
    for (const s of settled) {
      if (s.status === "fulfilled") expect(s.value).toBe(142857);
      else expect((s.reason as SandboxError).limit).toBe("time");
    }
  });

  it("reports a process that died of its heap limit as the memory limit", async () => {
    const patient = expressionSandbox({ ...defaultSandboxLimits, timeoutMs: 30_000, processes: 1 });
    try {
      await expect(patient.evaluate('$length($pad("x", 200000000))', {})).rejects.toMatchObject({
        limit: "memory",
        message: "stopped for needing more than 64 MB, the memory limit for one expression",
      });
      expect(await patient.evaluate('$length($pad("x", 10))', {})).toBe(10); // a new process took its place
    } finally {
      await patient.close();
    }
  });

  it("refuses a result past its size cap", async () => {
    const small = expressionSandbox({ ...defaultSandboxLimits, maxResultBytes: 1_000, processes: 1 });
    try {
      await expect(small.evaluate('$join([1..1000].$string(), ",")', {})).rejects.toMatchObject({ limit: "result" });
    } finally {
      await small.close();
    }
  });

  it("names the node, the field and the limit in the error a run records", async () => {
    const expressions = nodeExpressions("shape", sandbox);
    await expect(expressions.evaluate("expression", '$length($pad("x", 200000000))', {})).rejects.toThrow(
      /^node "shape", expression: stopped (for needing more than 64 MB, the memory|after 1000 ms, the time) limit for one expression$/,
    );
    await expect(expressions.render("prompt", `Hi {{ $match("${"a".repeat(40)}!", /^(a+)+$/) }}`, {})).rejects.toThrow(
      'node "shape", prompt: stopped after 1000 ms, the time limit for one expression',
    );
  });
});

describe("evaluating through the quick path and the sandbox", () => {
  it("gives the same values either way", async () => {
    const context = {
      input: { a: 1, name: "Ada" },
      prev: { counter: 4, tags: ["x"] },
      nodes: { x: { output: { b: 2 } } },
    };
    expect(await evaluateExpression("f", "input.a + nodes.x.output.b", context, full)).toBe(3);
    expect(await evaluateExpression("f", "prev.tags", context, full)).toEqual(["x"]); // an array: the sandbox
    expect(await evaluateExpression("f", '"Hi " & input.name', context, full)).toBe("Hi Ada");
    expect(await evaluateExpression("f", "missing", context, full)).toBeNull();
  });

  it("names the field and where a syntax error is", async () => {
    await expect(evaluateExpression("condition", "a +", {}, full)).rejects.toThrow(/^condition: does not parse/);
  });
});
