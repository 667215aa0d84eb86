import { type AgentProgress, approvalVerdict } from "../../lib/run/agent-progress";
import type { EngineEvent } from "../../lib/run/events";
import { nodeKey, pathOf, type RunState } from "../../lib/run/state";
import type { PrismaNamespace } from "./client";
import { TaskClosed } from "./errors";
import { toJson } from "./json";

type Tx = Omit<PrismaNamespace.TransactionClient, never>;
type NodeEvent<T extends EngineEvent["type"]> = Extract<EngineEvent, { type: T }>;

/** Whether a batch opens, decides, escalates or closes an approval task (usually not: then the append needs no Prisma). */
export function touchesApprovalTasks(events: readonly EngineEvent[], state: RunState): boolean {
  return events.some((e) => {
    if (e.type.startsWith("approval.")) return true;
    if (e.type === "tool.returned" || e.type === "tool.expired")
      return state.nodes[nodeKey(e.nodeId, pathOf(e))]?.agent?.calls[e.data.callId]?.approval !== undefined;
    if (e.type !== "node.succeeded" && e.type !== "node.failed" && e.type !== "node.cancelled") return false;
    const node = state.nodes[nodeKey(e.nodeId, pathOf(e))];
    return node?.approval !== undefined || asksApproval(node?.agent);
  });
}

const asksApproval = (agent: AgentProgress | undefined) =>
  agent !== undefined && Object.values(agent.calls).some((c) => c.approval !== undefined);

/**
 * Keeps the inbox's ApprovalTask rows in step with a batch of events, inside the transaction
 * that appends them: a task opens with `approval.requested`, records each decision through a
 * conditional update (a task no longer open refuses it, and the whole append rolls back),
 * follows escalations, and closes when its approval node finishes, fails or is cancelled.
 */
export async function projectApprovalTasks(
  tx: Tx,
  runId: string,
  events: readonly EngineEvent[],
  state: RunState,
  at: Date,
): Promise<void> {
  let run: { workspaceId: string; startedById: string | null } | undefined;
  for (const e of events) {
    switch (e.type) {
      case "approval.requested":
        run ??= await tx.run.findUniqueOrThrow({
          where: { id: runId },
          select: { workspaceId: true, startedById: true },
        });
        await openTask(tx, runId, run, e, at);
        break;
      case "approval.decided": {
        await recordDecision(tx, runId, e);
        // A tool call's task closes with its verdict (an approval node's closes when the node finishes).
        const callId = e.data.callId;
        const call = callId === undefined ? undefined : state.nodes[nodeKey(e.nodeId, pathOf(e))]?.agent?.calls[callId];
        const verdict = call?.approval && approvalVerdict(call.approval);
        if (verdict)
          await tx.approvalTask.updateMany({
            where: { ...taskKey(runId, e, callId), status: "open" },
            data: { status: verdict, closedAt: at },
          });
        break;
      }
      case "tool.expired":
      case "tool.returned": {
        // A tool call's task closes when its deadline passes, or when the call is over.
        const call = state.nodes[nodeKey(e.nodeId, pathOf(e))]?.agent?.calls[e.data.callId];
        if (!call?.approval) break;
        const verdict = approvalVerdict(call.approval);
        const status = call.expired ? "timeout" : (verdict ?? "cancelled");
        await tx.approvalTask.updateMany({
          where: { ...taskKey(runId, e, e.data.callId), status: "open" },
          data: { status, closedAt: at },
        });
        break;
      }
      case "approval.escalated": {
        const node = state.nodes[nodeKey(e.nodeId, pathOf(e))];
        const callId = e.data.callId;
        const escalations =
          (callId === undefined ? node?.approval : node?.agent?.calls[callId]?.approval)?.escalations ?? [];
        await tx.approvalTask.updateMany({
          where: { ...taskKey(runId, e, callId), status: "open" },
          data: {
            assignees: toJson(e.data.assignees),
            dueAt: new Date(e.data.timeoutAt),
            escalations: toJson(escalations),
          },
        });
        break;
      }
      case "node.succeeded":
      case "node.failed":
      case "node.cancelled":
        if (state.nodes[nodeKey(e.nodeId, pathOf(e))]?.approval) await closeTask(tx, runId, e, state, at);
        else if (asksApproval(state.nodes[nodeKey(e.nodeId, pathOf(e))]?.agent)) {
          // The agent ended with a call still waiting (failed, cancelled): nobody can decide it any more.
          await tx.approvalTask.updateMany({
            where: { runId, nodeId: e.nodeId, path: pathOf(e).join("."), status: "open" },
            data: { status: e.type === "node.failed" ? "failed" : "cancelled", closedAt: at },
          });
        }
        break;
    }
  }
}

const taskKey = (runId: string, e: { nodeId: string; path?: number[] }, callId = "") => ({
  runId,
  nodeId: e.nodeId,
  path: pathOf(e).join("."),
  callId,
});

async function openTask(
  tx: Tx,
  runId: string,
  run: { workspaceId: string; startedById: string | null },
  e: NodeEvent<"approval.requested">,
  at: Date,
) {
  const request = e.data;
  await tx.approvalTask.upsert({
    where: { runId_nodeId_path_callId: taskKey(runId, e, request.callId) },
    create: {
      ...taskKey(runId, e, request.callId),
      ...(request.tool && { tool: toJson(request.tool) }),
      workspaceId: run.workspaceId,
      status: "open",
      title: request.title,
      instructions: request.instructions,
      show: toJson(request.show ?? null),
      assignees: toJson(request.assignees),
      requiredApprovals: request.requiredApprovals,
      allowRequesterToApprove: request.allowRequesterToApprove,
      form: toJson(request.form),
      requestedById: run.startedById,
      createdAt: at,
      dueAt: request.timeoutAt ? new Date(request.timeoutAt) : null,
    },
    update: {},
  });
}

/** The conditional update: only an open task takes a decision, and each person decides once. */
async function recordDecision(tx: Tx, runId: string, e: NodeEvent<"approval.decided">) {
  const task = await tx.approvalTask.findUnique({
    where: { runId_nodeId_path_callId: taskKey(runId, e, e.data.callId) },
    select: { id: true, workspaceId: true },
  });
  const { count } = task
    ? await tx.approvalTask.updateMany({
        where: { id: task.id, status: "open" },
        data: { decisionCount: { increment: 1 } },
      })
    : { count: 0 };
  if (!task || count === 0)
    throw new TaskClosed("This approval is no longer open: it was decided or closed meanwhile.");
  const d = e.data;
  try {
    await tx.approvalDecision.create({
      data: {
        taskId: task.id,
        workspaceId: task.workspaceId,
        userId: d.by.id,
        userName: d.by.name,
        decision: d.decision,
        comment: d.comment,
        form: toJson(d.form),
        at: new Date(d.at),
        requestId: d.requestId ?? `${d.by.id}:${task.id}`,
      },
    });
  } catch (error) {
    // A unique violation (P2002); checked by code because each provider has its own error class.
    if ((error as { code?: unknown }).code === "P2002") {
      throw new TaskClosed("You already decided on this approval.");
    }
    throw error;
  }
}

async function closeTask(
  tx: Tx,
  runId: string,
  e: NodeEvent<"node.succeeded" | "node.failed" | "node.cancelled">,
  state: RunState,
  at: Date,
) {
  const node = state.nodes[nodeKey(e.nodeId, pathOf(e))];
  const status =
    e.type === "node.succeeded"
      ? String((node?.output as { decision?: string } | undefined)?.decision ?? "approved")
      : e.type === "node.failed"
        ? "failed"
        : "cancelled";
  await tx.approvalTask.updateMany({
    where: { ...taskKey(runId, e), status: "open" },
    data: { status, closedAt: at },
  });
}
