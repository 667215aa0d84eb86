import type { z } from "zod";

type Result = z.ZodSafeParseResult<unknown>;
/** By schema, then by node data object. */
const results = new WeakMap<z.ZodType, WeakMap<object, Result>>();

/**
 * A node's data parsed by its kind's schema, once per data object: the engine asks at every
 * step and a run's snapshot never changes. Callers must not change what they get back.
 */
export function parseNodeData<S extends z.ZodType>(schema: S, data: unknown): z.ZodSafeParseResult<z.output<S>> {
  if (typeof data !== "object" || data === null) return schema.safeParse(data);
  let bySchema = results.get(schema);
  if (!bySchema) {
    bySchema = new WeakMap();
    results.set(schema, bySchema);
  }
  let result = bySchema.get(data);
  if (!result) {
    result = schema.safeParse(data);
    bySchema.set(data, result);
  }
  return result as z.ZodSafeParseResult<z.output<S>>;
}

/** parseNodeData for executors: throws the schema's error when the data does not fit. */
export function nodeData<S extends z.ZodType>(schema: S, data: unknown): z.output<S> {
  const result = parseNodeData(schema, data);
  if (!result.success) throw result.error;
  return result.data;
}
