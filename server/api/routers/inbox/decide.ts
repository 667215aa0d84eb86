import { z } from "zod";
import { TaskClosed } from "../../../db/errors";
import { inboxRepository } from "../../../db/inbox-repository";
import { DecisionRefused } from "../../../engine/runtime/errors";
import { UserError } from "../../errors";
import type { WorkspaceContext } from "../../trpc";

export const decideTaskInput = z.object({
  taskId: z.string().min(1).max(100),
  decision: z.enum(["approve", "reject"]),
  comment: z.string().max(5_000).default(""),
  form: z.record(z.string(), z.unknown()).default({}),
  /** Chosen by the client per decision; a repeated request with the same key gets the same answer. */
  requestId: z.string().min(8, "requestId: at least 8 characters").max(100),
});

export interface DecideTaskAnswer {
  taskId: string;
  decision: "approve" | "reject";
  /** The task after this decision: still open (more approvals needed) or closed with its result. */
  taskStatus: string;
}

/**
 * Decides a task once: the engine checks the rules in the run's queue and records the
 * decision through the task's conditional update in the append transaction. A request whose
 * key was already taken (a retry, a double click) returns the answer it got the first time.
 */
export async function decideTask({
  ctx,
  input,
}: {
  ctx: WorkspaceContext;
  input: z.infer<typeof decideTaskInput>;
}): Promise<DecideTaskAnswer> {
  const inbox = inboxRepository(ctx.services.prisma, ctx.workspace.workspaceId);
  const requestId = `${ctx.user.id}:${input.requestId}`;
  const answered = async () => {
    const previous = await inbox.decisionByRequest(requestId);
    // The same key on another task is not a repeat: its answer would pass for a decision never taken.
    if (previous && previous.task.id !== input.taskId) {
      throw new UserError("This requestId was already used to decide another task: send a new one with each decision.");
    }
    return previous
      ? {
          taskId: previous.task.id,
          decision: previous.decision as DecideTaskAnswer["decision"],
          taskStatus: previous.task.status,
        }
      : null;
  };
  const earlier = await answered();
  if (earlier) return earlier;

  const groups = await inbox.groupsOf(ctx.user.id);
  const viewer = { id: ctx.user.id, role: ctx.workspace.role, groups };
  const task = await inbox.get(input.taskId, viewer); // not found outside the workspace
  const decider = { ...viewer, name: ctx.user.name };
  try {
    await ctx.services.engine.decide(
      task.runId,
      task.nodeId,
      decider,
      { decision: input.decision, comment: input.comment, form: input.form, requestId },
      task.path,
    );
  } catch (error) {
    // The same request may have won a race with itself: its first answer stands.
    if (error instanceof DecisionRefused || error instanceof TaskClosed) {
      const first = await answered();
      if (first) return first;
    }
    throw error;
  }
  const after = await inbox.get(task.id, viewer);
  return { taskId: task.id, decision: input.decision, taskStatus: after.status };
}
