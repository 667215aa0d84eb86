import { approvalDataSchema } from "../../../../lib/flow/kinds/approval";
import { expressionContext } from "../../core/prev";
import type { NodeExecutor } from "../ports";

/** Renders what the approvers will see, then parks the path (the core waits for decisions). */
export const executeApproval: NodeExecutor = async ({ runId, graph, node, path, state, now, expressions }) => {
  const data = approvalDataSchema.parse(node.data);
  const context = expressionContext(graph, state, node.id, runId, path);
  return {
    waitFor: {
      title: await expressions.render("title", data.title, context),
      instructions: await expressions.render("instructions", data.instructions, context),
      show: data.show.trim() === "" ? context.prev : await expressions.evaluate("show", data.show, context),
      assignees: data.assignees,
      requiredApprovals: data.requiredApprovals,
      allowRequesterToApprove: data.allowRequesterToApprove,
      form: data.form.map((f) => ({ ...f, label: f.label || f.name })),
      ...(data.timeout && { timeoutAt: new Date(now.getTime() + data.timeout.afterMs).toISOString() }),
    },
  };
};
