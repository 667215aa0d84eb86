import { z } from "zod";

/** Schemas and helpers the API's route files share. */
export const id = z.string().min(1).max(100);
/** A path with one `{id}` (a flow, run, task or schedule). */
export const idParams = z.strictObject({ id });
export const anyJson = z.unknown().describe("any JSON value");
export const document = z
  .record(z.string(), z.unknown())
  .describe("a flow document (docs/flow-format.md): schemaVersion, name, description, nodes, edges");
export const when = z.string().describe("an ISO 8601 time");
export const versionNumber = z.coerce.number().int().positive();
export const iso = (d: Date | null) => (d ? d.toISOString() : null);
