import { z } from "zod";
import { NotFound, TaskClosed } from "../../../db/errors";
import type { TaskRef } from "../../../db/inbox-repository";
import { DecisionRefused } from "../../../engine/runtime/errors";
import { UserError } from "../../errors";
import type { WorkspaceContext } from "../../trpc";

/** What a person decides, with the key that makes deciding idempotent. Shared by inbox.decide and runs.decide. */
export const decisionInput = {
  decision: z.enum(["approve", "reject"]),
  comment: z.string().max(5_000).default(""),
  form: z.record(z.string(), z.unknown()).default({}),
  /** Chosen by the client per decision; a repeated request with the same key gets the same answer. */
  requestId: z.string().min(8, "requestId: at least 8 characters").max(100),
  /** A tool call's task whose tool allows it: the arguments as the approver edited them (checked against the tool's schema). */
  args: z.unknown().optional(),
};
const decision = z.object(decisionInput);
type DecisionInput = z.infer<typeof decision>;

export const decideTaskInput = z.object({ taskId: z.string().min(1).max(100), ...decisionInput });

export interface DecideTaskAnswer {
  taskId: string;
  decision: "approve" | "reject";
  /** The task after this decision: still open (more approvals needed) or closed with its result. */
  taskStatus: string;
}

/** An approval step of a run: a node instance (its loop iterations in `path`), or one of its agent's tool calls. */
export interface ApprovalStep {
  runId: string;
  nodeId: string;
  path: readonly number[];
  /** An agent's tool call; "" or absent for an approval node. */
  callId?: string;
}

const sameStep = (task: TaskRef, step: ApprovalStep) =>
  task.runId === step.runId &&
  task.nodeId === step.nodeId &&
  task.path.join(".") === step.path.join(".") &&
  task.callId === (step.callId ?? "");

/**
 * Decides an approval step once: the one rule for every way in (the inbox, the run view). The
 * engine checks the rules in the run's queue and records the decision through the task's
 * conditional update in the append transaction. A request whose key was already taken (a
 * retry, a double click) returns the answer it got the first time.
 */
export async function decideApproval(
  ctx: WorkspaceContext,
  step: ApprovalStep,
  input: DecisionInput,
): Promise<DecideTaskAnswer> {
  const { inbox } = ctx;
  const requestId = `${ctx.user.id}:${input.requestId}`;
  const answered = async () => {
    const previous = await inbox.decisionByRequest(requestId);
    // The same key on another task is not a repeat: its answer would pass for a decision never taken.
    if (previous && !sameStep(previous.task, step)) {
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
  const decider = { id: ctx.user.id, name: ctx.user.name, role: ctx.workspace.role, groups };
  try {
    await ctx.services.engine.decide(
      step.runId,
      step.nodeId,
      decider,
      {
        decision: input.decision,
        comment: input.comment,
        form: input.form,
        requestId,
        ...(step.callId && { callId: step.callId, ...(input.args !== undefined && { args: input.args }) }),
      },
      [...step.path],
    );
  } catch (error) {
    // The same request may have won a race with itself: its first answer stands.
    if (error instanceof DecisionRefused || error instanceof TaskClosed) {
      const first = await answered();
      if (first) return first;
    }
    throw error;
  }
  // A decision is recorded only on its task (approval-tasks.ts), so the task is there.
  const after = await inbox.find(step);
  if (!after) throw new NotFound("approval task");
  return { taskId: after.id, decision: input.decision, taskStatus: after.status };
}

/** inbox.decide: a task of this workspace, by id. */
export async function decideTask({
  ctx,
  input,
}: {
  ctx: WorkspaceContext;
  input: z.infer<typeof decideTaskInput>;
}): Promise<DecideTaskAnswer> {
  const { taskId, ...taken } = input;
  const task = await ctx.inbox.find({ id: taskId });
  if (!task) throw new NotFound("approval task"); // not found outside the workspace
  return decideApproval(ctx, task, taken);
}
