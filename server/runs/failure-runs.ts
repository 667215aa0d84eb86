import type { FlowsRepository } from "../db/flows-repository";
import type { EndedRun, RunEngine } from "../engine/runtime/run-engine";
import { startFlowRun } from "./start-run";

/** The key of the failure run one failed run starts: it starts once, whoever tries. */
export const failureKey = (runId: string) => `failure:${runId}`;

/**
 * The flow setting `onFailure { flowId }` (n8n's error workflow): a run that failed starts a
 * run of that flow's published version with what failed, once (its key). A failure run that
 * fails starts none, so two flows naming each other cannot chain without end.
 */
export async function startFailureRun(
  deps: {
    flowsOf: (workspaceId: string) => Pick<FlowsRepository, "get" | "version" | "callTargets">;
    engine: RunEngine;
    /** What started the failed run (a failure run starts no other). */
    triggerOf: (runId: string) => Promise<string | null>;
  },
  run: EndedRun,
): Promise<string | null> {
  const target = run.definition.settings?.onFailure?.flowId;
  if (run.state.status !== "failed" || !target) return null;
  if ((await deps.triggerOf(run.id)) === "failure") return null;
  const flows = deps.flowsOf(run.workspaceId);
  const flow = await flows.get(target);
  if (flow.publishedVersion === null)
    throw new Error(
      `on failure: flow "${flow.name}" has never been published, so no failure run started for ${run.id}`,
    );
  const document = await flows.version(flow.id, flow.publishedVersion);
  const input = {
    failedRun: {
      id: run.id,
      flowName: run.definition.name,
      error: run.state.error ?? null,
      startedAt: run.state.startedAt ?? null,
    },
  };
  const { runId } = await startFlowRun(
    { workspaceId: run.workspaceId, engine: deps.engine, callTargets: () => flows.callTargets() },
    { id: flow.id, document, flowVersion: flow.publishedVersion },
    input,
    null,
    { trigger: "failure", key: failureKey(run.id) },
  );
  return runId;
}
