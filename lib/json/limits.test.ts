import { describe, expect, it } from "vitest";
import { describeJsonLimit, jsonLimitProblem, MAX_JSON_DEPTH } from "./limits";

/** `{"a":{"a":…1…}}`, `levels` objects deep, parsed from text like a request body. */
const nested = (levels: number) => JSON.parse(`${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`);

describe("jsonLimitProblem", () => {
  it("accepts plain JSON up to the depth limit", () => {
    expect(jsonLimitProblem({ a: [1, { b: "x" }], c: null })).toBeUndefined();
    expect(jsonLimitProblem(nested(MAX_JSON_DEPTH))).toBeUndefined();
    expect(jsonLimitProblem("text")).toBeUndefined();
  });

  it("refuses one level more, and a 100,000-deep value without overflowing the stack", () => {
    expect(jsonLimitProblem(nested(MAX_JSON_DEPTH + 1))).toMatchObject({ kind: "depth" });
    const deep = JSON.parse(`${"[".repeat(100_000)}${"]".repeat(100_000)}`);
    expect(jsonLimitProblem(deep)).toMatchObject({ kind: "depth" });
  });

  it("finds each key superjson refuses, by path, wherever it is", () => {
    for (const key of ["__proto__", "constructor", "prototype"]) {
      const value = JSON.parse(`{"ok":1,"a":[0,{"b":{"${key}":{"x":1}}}]}`);
      expect(jsonLimitProblem(value)).toEqual({ kind: "key", path: ["a", 1, "b", key] });
    }
  });

  it("reports a prototype a parser made from a __proto__ key as that key", () => {
    const value = { a: Object.create({ x: 1 }) as object };
    expect(jsonLimitProblem(value)).toEqual({ kind: "key", path: ["a", "__proto__"] });
    expect(jsonLimitProblem({ a: Object.create(null) })).toBeUndefined();
  });

  it("describes a problem from a root name", () => {
    expect(describeJsonLimit("input", { kind: "key", path: ["a", 0, "__proto__"] })).toBe(
      "input.a[0].__proto__: key not allowed",
    );
    expect(describeJsonLimit("input", { kind: "depth", path: ["a", "a"] })).toBe("input nests deeper than 64 levels");
  });
});
