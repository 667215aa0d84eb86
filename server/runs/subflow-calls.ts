import { MAX_SUBFLOW_DEPTH } from "../../lib/flow/kinds/subflow";
import { terminalRunStatuses } from "../../lib/run/events";
import { UserError } from "../api/errors";
import { NotFound } from "../db/errors";
import type { FlowsRepository } from "../db/flows-repository";
import { NonRetryableError } from "../engine/runtime/errors";
import type { ChildCall, RunStore, SubflowCalls } from "../engine/runtime/ports";
import type { RunEngine } from "../engine/runtime/run-engine";
import { startFlowRun } from "./start-run";

/**
 * Sub-flow calls on the server: the called flow is looked up in the caller's workspace, its
 * version (the newest published one unless the node names one) is checked and started like
 * any run, as a child that records who called it. One child per calling attempt: the call
 * made again (after a crash, by another worker) finds the child the first one started.
 */
export function flowCalls(deps: {
  store: RunStore;
  engine: () => RunEngine;
  /** The flows of a workspace. */
  flows: (workspaceId: string) => Pick<FlowsRepository, "get" | "version" | "callTargets">;
}): SubflowCalls {
  const { store, engine } = deps;
  const existing = async (parentKey: string): Promise<ChildCall | null> => {
    const child = await store.childOf(parentKey);
    if (!child) return null;
    if (!terminalRunStatuses.includes(child.status)) return { runId: child.id };
    const status = child.status as "succeeded" | "failed" | "cancelled";
    return { runId: child.id, ended: { status, output: child.output, ...(child.error && { error: child.error }) } };
  };
  return {
    async call(request) {
      const found = await existing(request.parentKey);
      if (found) return found;
      const parent = await store.getRun(request.parentRunId);
      if (!parent) throw new NonRetryableError(`the calling run ${request.parentRunId} does not exist`);
      const depth = parent.depth + 1;
      if (depth > MAX_SUBFLOW_DEPTH)
        throw new NonRetryableError(
          `the call chain is deeper than ${MAX_SUBFLOW_DEPTH} flows (a flow may be calling itself)`,
        );
      const flows = deps.flows(request.workspaceId);
      try {
        const flow = await flows.get(request.flowId);
        const version = request.version === "published" ? flow.publishedVersion : request.version;
        if (version === null) throw new NonRetryableError(`the flow "${flow.name}" has never been published`);
        const document = await flows.version(flow.id, version);
        const { runId } = await startFlowRun(
          { workspaceId: request.workspaceId, engine: engine(), callTargets: () => flows.callTargets() },
          { id: flow.id, document, flowVersion: version },
          request.input,
          parent.startedBy,
          {
            trigger: "subflow",
            parent: { runId: request.parentRunId, nodeId: request.parentNodeId, key: request.parentKey },
            depth,
          },
        );
        return { runId };
      } catch (error) {
        if (error instanceof NotFound)
          throw new NonRetryableError(
            error.what === "flow"
              ? `the called flow ${request.flowId} does not exist in this workspace`
              : `the called flow has no version ${request.version}`,
          );
        if (error instanceof UserError) throw new NonRetryableError(`the called flow did not start: ${error.message}`);
        // Two attempts raced to start the child (a unique parentKey): the first one's child counts.
        const raced = await existing(request.parentKey);
        if (raced) return raced;
        throw error;
      }
    },
  };
}
