import fc from "fast-check";
import jsonata from "jsonata";
import { describe, expect, it } from "vitest";
import { QUICK_UNSURE, quickEvaluator } from "./expression-quick";

/** JSONata's own answer, as plain JSON, or the fact that it throws. */
async function reference(expression: string, context: unknown): Promise<{ value: unknown } | { error: true }> {
  try {
    const value = await jsonata(expression).evaluate(context);
    return { value: value === undefined ? undefined : JSON.parse(JSON.stringify(value)) };
  } catch {
    return { error: true };
  }
}

function quick(expression: string, context: unknown): unknown {
  const evaluate = quickEvaluator(jsonata(expression).ast());
  return evaluate ? evaluate(context) : QUICK_UNSURE;
}

const context = {
  input: { a: 1, b: 2.5, name: "Ada", empty: "", zero: 0, t: true, f: false, none: null, obj: { x: 1 }, list: [1, 2] },
  prev: { counter: 4, nested: { deep: { v: "x" } }, items: [{ p: 1 }] },
  iteration: 3,
  nodes: { s1: { output: { counter: 1 } } },
};

describe("the quick evaluator", () => {
  it("covers the shapes flows use most, with JSONata's answers", async () => {
    const common = [
      '{ "counter": ($exists(prev.counter) ? prev.counter : 0) + 1 }',
      '{ "branch": 1, "value": 1 }',
      "[prev.counter, input.a, nodes.s1.output.counter]",
      "prev.counter >= 100",
      '{ "counter": iteration + 1 }',
      '{ "counter": prev.last.counter }',
      '"Hello, " & input.name',
      'input.a = 1 and input.name != "Bob"',
      "input.t or input.f",
      "$not(input.f)",
      "-input.b * 2",
      'input.a % 2 = 1 ? "odd" : "even"',
      "$uppercase(input.name) & $string(input.a)",
      "prev",
      "input.obj",
      "false",
      "3",
      '"x"',
      "null",
      "missing",
      "prev.missing.deeper",
    ];
    for (const expression of common) {
      const got = quick(expression, context);
      expect(got, expression).not.toBe(QUICK_UNSURE);
      expect({ value: got === undefined ? undefined : JSON.parse(JSON.stringify(got)) }, expression).toEqual(
        await reference(expression, context),
      );
    }
  });

  it("leaves arrays, type errors and everything else to full JSONata", () => {
    for (const expression of [
      "input.list",
      "prev.items.p",
      "input.name + 1",
      "input.obj = input.obj",
      "input.none < 1",
      "1 / 0",
      "$sum(input.list)",
      "input.list[0]",
      "$",
      "($x := 1; $x)",
      "input.*",
      "[[1]]",
      '{ "__proto__": 1 }',
    ]) {
      expect(quick(expression, context), expression).toBe(QUICK_UNSURE);
    }
  });

  it("agrees with JSONata on every expression it answers (generated)", async () => {
    const leaf = fc.constantFrom(
      "input.a",
      "input.b",
      "input.name",
      "input.empty",
      "input.zero",
      "input.t",
      "input.f",
      "input.none",
      "input.obj",
      "input.list",
      "prev.counter",
      "prev.nested",
      "prev.nested.deep.v",
      "missing",
      "iteration",
      "0",
      "1",
      "-2.5",
      '"s"',
      '""',
      "true",
      "false",
      "null",
    );
    const expression = fc.letrec<{ e: string }>((tie) => ({
      e: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        leaf,
        fc
          .tuple(
            tie("e"),
            fc.constantFrom("+", "-", "*", "/", "%", "=", "!=", "<", "<=", ">", ">=", "and", "or", "&"),
            tie("e"),
          )
          .map(([l, op, r]) => `(${l} ${op} ${r})`),
        fc.tuple(tie("e"), tie("e"), tie("e")).map(([c, t, e]) => `(${c} ? ${t} : ${e})`),
        fc.tuple(tie("e"), tie("e")).map(([c, t]) => `(${c} ? ${t})`),
        tie("e").map((e) => `-(${e})`),
        fc
          .tuple(fc.constantFrom("exists", "not", "boolean", "string", "number", "uppercase", "lowercase"), tie("e"))
          .map(([f, e]) => `$${f}(${e})`),
        fc.array(tie("e"), { maxLength: 3 }).map((items) => `[${items.join(", ")}]`),
        fc.array(tie("e"), { maxLength: 3 }).map((values) => `{${values.map((v, i) => `"k${i}": ${v}`).join(", ")}}`),
      ),
    })).e;
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(expression, async (e) => {
        const got = quick(e, context);
        if (got === QUICK_UNSURE) return;
        answered++;
        const expected = await reference(e, context);
        expect("error" in expected, `JSONata fails on ${e}, the quick path answered`).toBe(false);
        expect(got === undefined ? undefined : JSON.parse(JSON.stringify(got))).toEqual(
          (expected as { value: unknown }).value,
        );
      }),
      { numRuns: 3_000 },
    );
    expect(answered).toBeGreaterThan(500); // the property says something
  });

  it("never walks the data nor builds long strings: those go to full JSONata", () => {
    const big = { input: { text: "x".repeat(60_000), list: Array.from({ length: 100_000 }, (_, i) => i) } };
    expect(quick("input.text & input.text", big)).toBe(QUICK_UNSURE); // past the string bound
    expect(quick("$string(input.text) & input.text", big)).toBe(QUICK_UNSURE);
    expect(quick("input.list", big)).toBe(QUICK_UNSURE); // a sequence
    expect(quick('$exists(input.list) ? "yes" : "no"', big)).toBe(QUICK_UNSURE); // an empty list would not exist
    expect(quick('$exists(input.text) ? "yes" : "no"', big)).toBe("yes");
  });
});
