import { type FlowDocument, flowDocumentSchema } from "./document";
import { expressionsOf } from "./expression-fields";
import { expressionSyntaxError } from "./expressions";
import { graphProblems } from "./graph-checks";
import { migrateFlowDocument, UnsupportedSchemaVersion } from "./migrations";
import { type FlowProblem, problemsFromZod } from "./problems";

export type FlowCheck =
  | { ok: true; document: FlowDocument; problems: FlowProblem[] }
  | { ok: false; problems: FlowProblem[] };

/**
 * Reads any input as a flow document: migrates older versions, validates the structure and
 * each node's config, then the graph. `ok` means the document is well-formed (it can be
 * saved); `runnable` tells whether a run may start.
 */
export function checkFlow(input: unknown): FlowCheck {
  let migrated: unknown;
  try {
    migrated = migrateFlowDocument(input);
  } catch (error) {
    if (error instanceof UnsupportedSchemaVersion) {
      return { ok: false, problems: [{ severity: "error", path: ["schemaVersion"], message: error.message }] };
    }
    throw error;
  }
  const parsed = flowDocumentSchema.safeParse(migrated);
  if (!parsed.success) {
    const raw = migrated as { nodes?: unknown; edges?: unknown } | null;
    const lists = {
      nodes: Array.isArray(raw?.nodes) ? raw.nodes : [],
      edges: Array.isArray(raw?.edges) ? raw.edges : [],
    };
    return { ok: false, problems: problemsFromZod(parsed.error, lists) };
  }
  return { ok: true, document: parsed.data, problems: graphProblems(parsed.data) };
}

export function isRunnable(check: FlowCheck): check is FlowCheck & { ok: true } {
  return check.ok && !check.problems.some((p) => p.severity === "error");
}

/**
 * checkFlow for the server: each expression of the document is parsed first, in a turn of the
 * event loop of its own (parses are cached, refusals too), so a document full of long
 * expressions makes its own request slow, never everyone else's.
 */
export async function checkFlowInTurns(input: unknown): Promise<FlowCheck> {
  let turn = performance.now();
  for (const expression of expressionsOf(input)) {
    expressionSyntaxError(expression);
    if (performance.now() - turn > 5) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      turn = performance.now();
    }
  }
  return checkFlow(input);
}
