import { Validator } from "@cfworker/json-schema";

/**
 * Why `value` does not match the JSON Schema `schema`, or undefined when it does. The schema is
 * user input: it is interpreted, never compiled to code (no eval, no Function). A schema that
 * is itself broken is reported as such rather than thrown.
 */
export function schemaProblem(schema: Record<string, unknown>, value: unknown): string | undefined {
  let result: ReturnType<Validator["validate"]>;
  try {
    result = new Validator(schema as object, "2020-12", false).validate(value);
  } catch (error) {
    return `the JSON schema cannot be used: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (result.valid) return undefined;
  // The last error is the most specific one (the first names the root: "does not match").
  const first = result.errors.at(-1);
  const location = first?.instanceLocation.replace(/^#/, "") ?? "";
  const where = location ? `${location}: ` : "";
  return `${where}${first?.error ?? "does not match"}`.trim();
}
