import type { ApprovalRequest, Assignees, Decision, RunError, TokenUsage } from "./events";

/**
 * An agent's loop as recorded so far (flow-format.md, "Agent tools"): each model turn and each
 * tool call, so an attempt run again (after a restart, or when a call it waited for can go on)
 * replays what is done instead of repeating it. It carries over to the node's next attempt:
 * a retry after a failed model call does not send the calls that already went out again.
 */
export interface AgentProgress {
  /** By step, oldest first. */
  turns: AgentTurn[];
  /** By callId (`c<step>_<n>`). */
  calls: Record<string, ToolCallState>;
}

export interface AgentTurn {
  step: number;
  attempt: number;
  content: string;
  /** `id`: the model's own id for the call, quoted back to it with the result. */
  toolCalls: { callId: string; id: string; name: string; arguments: string }[];
  usage?: TokenUsage;
  at: string;
}

export interface ToolCallState {
  callId: string;
  name: string;
  /** As parsed; the raw text when the model's arguments were not JSON. */
  args: unknown;
  calledAt: string;
  /** A tool with `approval`: its request and the decisions on it. */
  approval?: {
    /** As requested; `assignees` and `timeoutAt` follow the latest escalation. */
    request: ApprovalRequest;
    decisions: (Decision & { at: string; args?: unknown })[];
    escalations?: { level: number; at: string; assignees: Assignees; timeoutAt: string }[];
  };
  /** Nobody decided in time: the timeout action taken. */
  expired?: "approve" | "reject" | "fail";
  /** A sub-flow tool: the child run, and how it ended. */
  runId?: string;
  ended?: { output: unknown } | { error: RunError };
  returned?: { result?: unknown; error?: string; at: string; durationMs?: number; truncated?: boolean };
}

export const emptyAgentProgress = (): AgentProgress => ({ turns: [], calls: {} });

/** `progress` with `call` changed by `patch` (nothing when the call is unknown). */
export function withCall(
  progress: AgentProgress,
  callId: string,
  patch: (call: ToolCallState) => Partial<ToolCallState> | undefined,
): AgentProgress {
  const call = progress.calls[callId];
  const change = call && patch(call);
  if (!call || !change) return progress;
  return { ...progress, calls: { ...progress.calls, [callId]: { ...call, ...change } } };
}

/** Where an approval stands: one rejection ends it, `requiredApprovals` distinct approvals pass it. */
export function approvalVerdict(approval: {
  request: Pick<ApprovalRequest, "requiredApprovals">;
  decisions: readonly Pick<Decision, "decision" | "by">[];
}): "approved" | "rejected" | undefined {
  if (approval.decisions.some((d) => d.decision === "reject")) return "rejected";
  const approvers = new Set(approval.decisions.filter((d) => d.decision === "approve").map((d) => d.by.id));
  return approvers.size >= approval.request.requiredApprovals ? "approved" : undefined;
}

/** Whether a tool call still waits for people: it asks for approval, and nobody decided (nor did its deadline). */
export function awaitsDecision(call: ToolCallState): boolean {
  return call.approval !== undefined && !call.returned && !call.expired && approvalVerdict(call.approval) === undefined;
}

/** Whether a parked agent may go on with this call: its decision or its child's end arrived, and it has no result yet. */
export function mayProceed(call: ToolCallState): boolean {
  if (call.returned) return false;
  if (call.runId !== undefined) return call.ended !== undefined;
  return call.approval !== undefined && !awaitsDecision(call);
}

/** The sum of the turns' token usage, or undefined when no turn reported any. */
export function totalUsage(turns: readonly Pick<AgentTurn, "usage">[]): TokenUsage | undefined {
  const reported = turns.flatMap((t) => (t.usage ? [t.usage] : []));
  if (reported.length === 0) return undefined;
  return reported.reduce((a, u) => ({
    promptTokens: a.promptTokens + u.promptTokens,
    completionTokens: a.completionTokens + u.completionTokens,
    totalTokens: a.totalTokens + u.totalTokens,
  }));
}
