import type { EngineEvent } from "../../lib/run/events";
import { nodeKey, pathOf, type RunState } from "../../lib/run/state";
import type { PrismaNamespace } from "./client";
import { toJson } from "./json";

type Tx = Omit<PrismaNamespace.TransactionClient, never>;

export interface ApprovalTaskChanges {
  opened: Extract<EngineEvent, { type: "approval.requested" }>[];
  closing: Extract<EngineEvent, { type: "node.succeeded" | "node.failed" | "node.cancelled" }>[];
}

/** The events of a batch that open or close an approval task; usually none. */
export function approvalTaskChanges(events: readonly EngineEvent[], state: RunState): ApprovalTaskChanges | null {
  const opened = events.filter(
    (e): e is Extract<EngineEvent, { type: "approval.requested" }> => e.type === "approval.requested",
  );
  const closing = events.filter(
    (e): e is Extract<EngineEvent, { type: "node.succeeded" | "node.failed" | "node.cancelled" }> =>
      (e.type === "node.succeeded" || e.type === "node.failed" || e.type === "node.cancelled") &&
      state.nodes[nodeKey(e.nodeId, pathOf(e))]?.approval !== undefined,
  );
  return opened.length === 0 && closing.length === 0 ? null : { opened, closing };
}

/**
 * Keeps the inbox's ApprovalTask rows in step with a batch of events, inside the transaction
 * that appends them: a task opens with `approval.requested` and closes when its approval node
 * finishes (approved, rejected, timeout), fails or is cancelled.
 */
export async function projectApprovalTasks(
  tx: Tx,
  runId: string,
  { opened, closing }: ApprovalTaskChanges,
  state: RunState,
  at: Date,
): Promise<void> {
  if (opened.length > 0) {
    const run = await tx.run.findUniqueOrThrow({
      where: { id: runId },
      select: { workspaceId: true, startedById: true },
    });
    for (const e of opened) {
      const request = e.data;
      await tx.approvalTask.upsert({
        where: { runId_nodeId_path: { runId, nodeId: e.nodeId, path: pathOf(e).join(".") } },
        create: {
          workspaceId: run.workspaceId,
          runId,
          nodeId: e.nodeId,
          path: pathOf(e).join("."),
          status: "open",
          title: request.title,
          instructions: request.instructions,
          show: toJson(request.show ?? null),
          assignees: toJson(request.assignees),
          requiredApprovals: request.requiredApprovals,
          requestedById: run.startedById,
          createdAt: at,
          dueAt: request.timeoutAt ? new Date(request.timeoutAt) : null,
        },
        update: {},
      });
    }
  }
  for (const e of closing) {
    const node = state.nodes[nodeKey(e.nodeId, pathOf(e))];
    const status =
      e.type === "node.succeeded"
        ? String((node?.output as { decision?: string } | undefined)?.decision ?? "approved")
        : e.type === "node.failed"
          ? "failed"
          : "cancelled";
    await tx.approvalTask.updateMany({
      where: { runId, nodeId: e.nodeId, path: pathOf(e).join("."), status: "open" },
      data: { status, closedAt: at },
    });
  }
}
