import { checkFlowInTurns, type FlowCheck, isRunnable } from "../../lib/flow/check";
import { nodeData } from "../../lib/flow/kinds/parsed";
import { runInputSchema, startDataSchema } from "../../lib/flow/kinds/start";
import { describeProblem } from "../../lib/flow/problems";
import { runInputProblem } from "../../lib/run/input-limits";
import { describeZodError, UserError } from "../api/errors";
import type { FlowRecord } from "../db/flows-repository";
import type { RunEngine } from "../engine/runtime/run-engine";

/** Checks by flow id, for one saved version: webhooks run the same version over and over. */
const checks = new Map<string, { saved: string; check: FlowCheck }>();
const CHECKS_KEPT = 100;

/** checkFlow of the saved document, reused while the flow is unchanged. */
async function checkSaved(flow: FlowRecord): Promise<FlowCheck> {
  const saved = `${flow.version}@${flow.updatedAt.getTime()}`;
  const known = checks.get(flow.id);
  if (known?.saved === saved) return known.check;
  const check = await checkFlowInTurns(flow.document);
  checks.delete(flow.id);
  if (checks.size >= CHECKS_KEPT) checks.delete(checks.keys().next().value!);
  checks.set(flow.id, { saved, check });
  return check;
}

/**
 * Starts a run of the flow as saved: refuses a flow with errors or an input that does not
 * match the start node's fields (or that could not be read back: runInputProblem) before
 * anything is created, then snapshots the document. Shared by the Run button and Run again
 * (tRPC: runs.start) and webhooks (server/triggers), so both refuse the same runs.
 */
export async function startFlowRun(
  deps: { workspaceId: string; engine: RunEngine },
  flow: FlowRecord,
  input: unknown,
  startedBy: { id: string; name: string } | null,
): Promise<{ runId: string }> {
  const check = await checkSaved(flow);
  if (!isRunnable(check)) {
    const first = check.problems.find((p) => p.severity === "error")!;
    throw new UserError(`This flow cannot run yet. ${describeProblem(first)}`, { problems: check.problems });
  }
  const inputProblem = runInputProblem(input);
  if (inputProblem) throw new UserError(`The run input is not valid: ${inputProblem}`);
  const start = check.document.nodes.find((n) => n.type === "start")!;
  const fields = nodeData(startDataSchema, start.data).inputs;
  const parsedInput = runInputSchema(fields).safeParse(input);
  if (!parsedInput.success) throw new UserError(`The run input is not valid: ${describeZodError(parsedInput.error)}`);

  const runId = await deps.engine.begin({
    workspaceId: deps.workspaceId,
    flowId: flow.id,
    flowVersion: flow.version,
    definition: check.document,
    input: parsedInput.data,
    startedBy,
  });
  return { runId };
}
