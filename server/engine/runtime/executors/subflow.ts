import { nodeData } from "../../../../lib/flow/kinds/parsed";
import { subflowDataSchema } from "../../../../lib/flow/kinds/subflow";
import { childRunFailure } from "../../../../lib/run/state";
import { expressionContext } from "../../core/prev";
import { NonRetryableError } from "../errors";
import type { NodeExecutor } from "../ports";

/**
 * Starts the child run (one per attempt: a call made again after a crash finds the child the
 * first one started). With `wait`, the node parks until the child ends; without, its output is
 * the child's id.
 */
export const executeSubflow: NodeExecutor = async ({ runId, graph, node, path, state, expressions, callFlow }) => {
  const data = nodeData(subflowDataSchema, node.data);
  const context = expressionContext(graph, state, node.id, runId, path);
  let input: unknown;
  if (typeof data.input === "string")
    input = data.input.trim() === "" ? context.prev : await expressions.evaluate("input", data.input, context);
  else {
    const fields: Record<string, unknown> = {};
    for (const [name, expression] of Object.entries(data.input))
      if (expression.trim() !== "") fields[name] = await expressions.evaluate(`input.${name}`, expression, context);
    input = fields;
  }
  const child = await callFlow({ flowId: data.flowId, version: data.version, input: input ?? {} });
  if (!data.wait) return { output: { runId: child.runId }, handles: ["out"] };
  const ended = child.ended;
  if (!ended) return { park: { childRunId: child.runId } };
  if (ended.status === "succeeded") return { output: ended.output ?? null, handles: ["out"] };
  throw new NonRetryableError(childRunFailure(child.runId, ended.status, ended.error));
};
