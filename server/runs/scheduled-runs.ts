import type { FlowsRepository } from "../db/flows-repository";
import type { DueSchedule } from "../db/schedules-repository";
import type { RunEngine } from "../engine/runtime/run-engine";
import { startFlowRun } from "./start-run";

/** The key of one fire of a schedule: a run is started once per key, whoever tries. */
export const fireKey = (scheduleId: string, dueAt: Date) => `schedule:${scheduleId}:${dueAt.toISOString()}`;

/** Starts the run of one fire: the flow's newest published version with the schedule's input. */
export async function startScheduledRun(
  flowsOf: (workspaceId: string) => Pick<FlowsRepository, "get" | "version" | "callTargets">,
  engine: RunEngine,
  schedule: DueSchedule,
  dueAt: Date,
): Promise<string> {
  const flows = flowsOf(schedule.workspaceId);
  const flow = await flows.get(schedule.flowId);
  if (flow.publishedVersion === null)
    throw new Error(`flow "${flow.name}" has never been published: schedules run the published version`);
  const document = await flows.version(flow.id, flow.publishedVersion);
  const { runId } = await startFlowRun(
    { workspaceId: schedule.workspaceId, engine, callTargets: () => flows.callTargets() },
    { id: flow.id, document, flowVersion: flow.publishedVersion },
    schedule.input,
    null,
    { trigger: "schedule", key: fireKey(schedule.id, dueAt) },
  );
  return runId;
}
