import { checkFlowInTurns, type FlowCheck, isRunnable } from "../../lib/flow/check";
import type { FlowDocument } from "../../lib/flow/document";
import { nodeData } from "../../lib/flow/kinds/parsed";
import { runInputSchema, startDataSchema } from "../../lib/flow/kinds/start";
import { describeProblem } from "../../lib/flow/problems";
import { type CallTarget, calledFlowIds, subflowProblems } from "../../lib/flow/subflow-checks";
import { runInputProblem } from "../../lib/run/input-limits";
import { describeZodError, UserError } from "../api/errors";
import type { NewRun } from "../engine/runtime/ports";
import type { RunEngine } from "../engine/runtime/run-engine";

/** What is run: a flow's draft (flowVersion null) or one of its published versions. */
export interface RunnableFlow {
  id: string;
  document: FlowDocument;
  flowVersion: number | null;
}

/**
 * Checks by document object: a webhook runs the same published version over and over, and its
 * lookup hands back the same object each time (flows-repository.ts), so it is checked once.
 */
const checks = new WeakMap<FlowDocument, FlowCheck>();

async function checkOnce(document: FlowDocument): Promise<FlowCheck> {
  let check = checks.get(document);
  if (!check) {
    check = await checkFlowInTurns(document);
    checks.set(document, check);
  }
  return check;
}

/**
 * Starts a run of a flow's draft or published version: refuses a document with errors or an
 * input that does not match the start node's fields (or that could not be read back:
 * runInputProblem) before anything is created, then snapshots the document. Shared by the
 * Run button and Run again (tRPC: runs.start) and webhooks (server/triggers), so both refuse
 * the same runs.
 */
export async function startFlowRun(
  deps: {
    workspaceId: string;
    engine: RunEngine;
    /** The flows sub-flow nodes may call; asked only when the document has sub-flow nodes. */
    callTargets: () => Promise<CallTarget[]>;
  },
  flow: RunnableFlow,
  input: unknown,
  startedBy: { id: string; name: string } | null,
  how: Pick<NewRun, "trigger" | "parent" | "depth" | "key"> = {},
): Promise<{ runId: string }> {
  const check = await checkOnce(flow.document);
  if (!isRunnable(check)) {
    const first = check.problems.find((p) => p.severity === "error")!;
    throw new UserError(`This flow cannot run yet. ${describeProblem(first)}`, { problems: check.problems });
  }
  if (calledFlowIds(check.document).length > 0) {
    const targets = new Map((await deps.callTargets()).map((t) => [t.id, t]));
    const refused = subflowProblems(flow.id, check.document, targets).find((p) => p.severity === "error");
    if (refused) throw new UserError(`This flow cannot run yet. ${describeProblem(refused)}`, { problems: [refused] });
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
    flowVersion: flow.flowVersion,
    definition: check.document,
    input: parsedInput.data,
    startedBy,
    ...how,
  });
  return { runId };
}
