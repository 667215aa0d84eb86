import { z } from "zod";
import { type NodeKind, outOnly } from "./kind";

export const inputFieldSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "use letters, digits and _ (not first)"),
  type: z.enum(["string", "number", "boolean", "object", "array"]),
  required: z.boolean().default(false),
  default: z.unknown().optional(),
  description: z.string().default(""),
});

export const startDataSchema = z.strictObject({
  label: z.string().min(1, "a label is required"),
  inputs: z.array(inputFieldSchema).default([]),
});
export type StartData = z.infer<typeof startDataSchema>;

export const startKind: NodeKind<"start", StartData> = {
  type: "start",
  title: "Start",
  description: "Where a run begins; declares the run's input fields.",
  effects: "none",
  inputs: [],
  outputs: () => outOnly,
  dataSchema: startDataSchema,
  defaultData: () => ({ label: "Start", inputs: [] }),
};

const fieldTypes = {
  string: () => z.string(),
  number: () => z.number(),
  boolean: () => z.boolean(),
  object: () => z.record(z.string(), z.unknown()),
  array: () => z.array(z.unknown()),
} as const;

/** The run input a start node accepts: its declared fields, defaults applied, extras kept. */
/** By fields list: building a zod object (and its first parse) costs more than checking an input. */
const inputSchemas = new WeakMap<StartData["inputs"], z.ZodType<Record<string, unknown>>>();

/** The run input a start node's fields accept. `fields` must not change afterwards (it is cached). */
export function runInputSchema(fields: StartData["inputs"]): z.ZodType<Record<string, unknown>> {
  const known = inputSchemas.get(fields);
  if (known) return known;
  const shape: Record<string, z.ZodType> = {};
  for (const field of fields) {
    const base: z.ZodType = fieldTypes[field.type]();
    shape[field.name] =
      field.default !== undefined ? base.default(field.default) : field.required ? base : base.optional();
  }
  const schema = z.looseObject(shape);
  inputSchemas.set(fields, schema);
  return schema;
}
