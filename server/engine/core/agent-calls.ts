import { agentDataSchema } from "../../../lib/flow/kinds/agent";
import { parseNodeData } from "../../../lib/flow/kinds/parsed";
import { awaitsDecision, mayProceed } from "../../../lib/run/agent-progress";
import type { NodeRunState } from "../../../lib/run/state";
import { executeCommand, ref, toolApprovalTimer } from "./commands";
import type { Pass } from "./planner";

/**
 * The core's part in agents' tool calls: a parked agent goes on (the same attempt, run again
 * over what it recorded) once a call it waits for may proceed; a call's approval deadline
 * applies the tool's timeout action.
 */

/** Waiting agents with a decided (or expired) approval, or an ended child run, resume. */
export function resumeAgents(pass: Pass): void {
  if (pass.state.status === "paused") return; // goes on at the resume
  const parked = pass.atWork().filter((n) => n.status === "waiting" && n.agent !== undefined);
  for (const current of parked) {
    if (!Object.values(current.agent!.calls).some(mayProceed)) continue;
    pass.decide({ type: "node.resumed", ...ref(current.nodeId, current.path), data: { attempt: current.attempt } });
    pass.commands.push(executeCommand(pass.runId, current.nodeId, current.path, current.attempt));
  }
}

/** The deadline of a tool call's approval passed: its tool's timeout action, unless someone decided meanwhile. */
export function toolApprovalTimedOut(
  pass: Pass,
  nodeId: string,
  path: number[],
  attempt: number,
  callId: string,
  level: number,
): void {
  const current = pass.instance(nodeId, path);
  const call = current?.agent?.calls[callId];
  if (!current || !call || !stillCounts(pass, current, attempt) || !awaitsDecision(call)) return;
  if ((call.approval?.escalations?.length ?? 0) !== level) return; // an earlier level's deadline
  const data = parseNodeData(agentDataSchema, pass.graph.nodes.get(nodeId)?.data ?? {}).data;
  const timeout = data?.tools.find((t) => t.name === call.name)?.approval?.timeout;
  const next = timeout?.escalate[level];
  if (next) {
    const timeoutAt = new Date(Date.parse(pass.now) + next.afterMs).toISOString();
    const assignees = { users: [], roles: [], groups: next.groups };
    pass.decide({
      type: "approval.escalated",
      ...ref(nodeId, path),
      data: { level: level + 1, assignees, timeoutAt, callId },
    });
    pass.commands.push(toolApprovalTimer(pass.runId, nodeId, path, attempt, callId, timeoutAt, level + 1));
    return;
  }
  const action = timeout?.action ?? "reject";
  pass.decide({ type: "tool.expired", ...ref(nodeId, path), data: { attempt, callId, action } });
  if (action === "fail") pass.fail(current, `nobody decided on the ${call.name} call before its deadline`);
}

function stillCounts(pass: Pass, current: NodeRunState, attempt: number): boolean {
  const live = pass.state.status === "running" || pass.state.status === "waiting" || pass.state.status === "paused";
  return live && current.attempt === attempt && (current.status === "running" || current.status === "waiting");
}
