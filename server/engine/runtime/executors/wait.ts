import { nodeData } from "../../../../lib/flow/kinds/parsed";
import { waitDataSchema } from "../../../../lib/flow/kinds/wait";
import { expressionContext } from "../../core/prev";
import type { NodeExecutor } from "../ports";
import { sendRequest } from "./http";

/**
 * Parks the path until its resume URL is called. The URL is the same on every attempt of the
 * node instance, so a notify sent again after a crash names the URL the first one did.
 */
export const executeWait: NodeExecutor = async (ctx) => {
  const data = nodeData(waitDataSchema, ctx.node.data);
  const resumeUrl = ctx.resumeUrl();
  const timeoutAt =
    data.timeoutMs === undefined ? undefined : new Date(ctx.now.getTime() + data.timeoutMs).toISOString();
  if (data.notify) {
    const context = { ...expressionContext(ctx.graph, ctx.state, ctx.node.id, ctx.runId, ctx.path), resumeUrl };
    await sendRequest(ctx, data.notify, context, "notify.");
  }
  return { park: { resumeUrl, ...(timeoutAt && { timeoutAt }) } };
};
