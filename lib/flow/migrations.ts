import { SCHEMA_VERSION } from "./document";

/**
 * Upgrades older flow files to SCHEMA_VERSION, one step per version: `steps[n]` turns a
 * version-n document into version n+1. There is only version 1 so far.
 */
const steps: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>> = {};

export class UnsupportedSchemaVersion extends Error {}

export function migrateFlowDocument(input: unknown): unknown {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return input;
  let doc = input as Record<string, unknown>;
  if (typeof doc.schemaVersion !== "number") return input; // the schema reports it
  let version = doc.schemaVersion;
  if (version > SCHEMA_VERSION) {
    throw new UnsupportedSchemaVersion(
      `this flow was saved by a newer Switchyard (schemaVersion ${version}); this one reads up to ${SCHEMA_VERSION}`,
    );
  }
  while (version < SCHEMA_VERSION) {
    const step = steps[version];
    if (!step) throw new UnsupportedSchemaVersion(`schemaVersion ${version} is not a known flow format`);
    doc = step(doc);
    version = doc.schemaVersion as number;
  }
  return doc;
}
