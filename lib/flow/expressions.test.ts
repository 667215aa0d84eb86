import jsonata from "jsonata";
import { describe, expect, it } from "vitest";
import { evaluateExpression, expressionSyntaxError, renderTemplate, templateParts } from "./expressions";

describe("expressions", () => {
  it("evaluates JSONata against the context", async () => {
    expect(
      await evaluateExpression("f", "input.a + nodes.x.output.b", {
        input: { a: 1 },
        nodes: { x: { output: { b: 2 } } },
      }),
    ).toBe(3);
    expect(await evaluateExpression("f", "missing", {})).toBeNull();
  });

  it("answers literals and bare names exactly as JSONata does", async () => {
    const context = {
      prev: { a: [1] },
      list: [5],
      nested: [[1]],
      none: null,
      n: 3,
      s: "x",
      t: true,
      nodes: { x: { output: 1 } },
    };
    const expressions = ["false", "true", "null", "3", "-1.5", '"x"', "prev", "list", "nested", "none", "n", "s"];
    for (const e of [...expressions, "t", "nodes", "missing", "constructor", "toString", "`n`"]) {
      const plain = await jsonata(e).evaluate(context);
      expect(await evaluateExpression("f", e, context)).toEqual(plain === undefined ? null : plain);
    }
  });

  it("names the field and where a syntax error is", async () => {
    expect(expressionSyntaxError("a +")).toMatch(/./);
    await expect(evaluateExpression("condition", "a +", {})).rejects.toThrow(/^condition: does not parse/);
  });

  it("cannot reach the host", async () => {
    expect(await evaluateExpression("f", "$eval('1+1')", {})).toBe(2); // JSONata's own evaluator, not JavaScript
    await expect(evaluateExpression("f", "$process", {})).resolves.toBeNull();
    // Property paths only walk the data given: no prototype, no Function, no process.
    expect(await evaluateExpression("f", "constructor", {})).toBeNull();
    expect(await evaluateExpression("f", "$string(constructor.constructor)", {})).toBeNull();
  });

  it("stops an expression that runs away", async () => {
    const recursion = "($f := function($n) { $f($n + 1) }; $f(0))";
    await expect(evaluateExpression("output", recursion, {})).rejects.toThrow(
      /output: the expression (nests too deeply|ran longer)/,
    );
  });

  it("renders templates, values as JSON", async () => {
    expect(templateParts("a {{ x }} b")).toEqual([{ text: "a " }, { expression: "x" }, { text: " b" }]);
    expect(
      await renderTemplate("prompt", "Hi {{ input.name }}, {{ input.tags }}", { input: { name: "Ada", tags: ["x"] } }),
    ).toBe('Hi Ada, ["x"]');
  });
});

describe("template syntax", () => {
  it("flags an unclosed {{ and a bad expression inside one", async () => {
    const { templateSyntaxError } = await import("./expressions");
    expect(templateSyntaxError("Hi {{ input.name }}")).toBeNull();
    expect(templateSyntaxError("Hi {{ input.name ")).toBe("a “{{” is not closed with “}}”");
    expect(templateSyntaxError("Hi {{ input. }}")).toMatch(/^the expression "input\." does not parse/);
  });
});
