import jsonata from "jsonata";
import { describe, expect, it } from "vitest";
import { evaluateExpression, expressionSyntaxError, renderTemplate, templateParts } from "./expressions";

/** Full JSONata right here, counting what reaches it (the server's is sandbox/expression-sandbox.ts). */
function countingFull() {
  const asked: string[] = [];
  const full = async (expression: string, context: unknown) => {
    asked.push(expression);
    const value = await jsonata(expression).evaluate(context);
    return value === undefined ? null : JSON.parse(JSON.stringify(value));
  };
  return { full, asked };
}

describe("expressions", () => {
  it("answers the common shapes itself and hands the rest to full JSONata", async () => {
    const { full, asked } = countingFull();
    const context = { input: { a: 1, list: [1, 2] }, nodes: { x: { output: { b: 2 } } } };
    expect(await evaluateExpression("f", "input.a + nodes.x.output.b", context, full)).toBe(3);
    expect(await evaluateExpression("f", "missing", context, full)).toBeNull();
    expect(asked).toEqual([]);
    expect(await evaluateExpression("f", "$sum(input.list)", context, full)).toBe(3);
    expect(asked).toEqual(["$sum(input.list)"]);
  });

  it("answers literals and bare names exactly as JSONata does", async () => {
    const { full } = countingFull();
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
      expect(await evaluateExpression("f", e, context, full)).toEqual(plain === undefined ? null : plain);
    }
  });

  it("names the field and where a syntax error is", async () => {
    const { full } = countingFull();
    expect(expressionSyntaxError("a +")).toMatch(/./);
    await expect(evaluateExpression("condition", "a +", {}, full)).rejects.toThrow(/^condition: does not parse/);
  });

  it("names the field when full JSONata fails", async () => {
    const failing = () => Promise.reject(new Error("stopped after 1000 ms, the time limit for one expression"));
    await expect(evaluateExpression("items", "$sort(input.list)", {}, failing)).rejects.toThrow(
      "items: stopped after 1000 ms, the time limit for one expression",
    );
  });

  it("renders templates, values as JSON", async () => {
    const { full } = countingFull();
    expect(templateParts("a {{ x }} b")).toEqual([{ text: "a " }, { expression: "x" }, { text: " b" }]);
    expect(
      await renderTemplate(
        "prompt",
        "Hi {{ input.name }}, {{ input.tags }}",
        { input: { name: "Ada", tags: ["x"] } },
        full,
      ),
    ).toBe('Hi Ada, ["x"]');
  });

  it("stops a template that renders past its size limit", async () => {
    const { full } = countingFull();
    const context = { input: { text: "x".repeat(90_000) } };
    const template = "{{ input.text }}".repeat(60);
    await expect(renderTemplate("body", template, context, full)).rejects.toThrow(
      "body: renders longer than 5 MB, the limit for a template",
    );
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
