import { loopDataSchema } from "../../../../lib/flow/kinds/loop";
import { nodeData } from "../../../../lib/flow/kinds/parsed";
import { nodeKey, type RunState } from "../../../../lib/run/state";
import type { FlowGraph } from "../../core/graph";
import { expressionContext } from "../../core/prev";
import { NonRetryableError } from "../errors";
import type { NodeExecutor } from "../ports";
import type { NodeExpressions } from "../sandbox/node-expressions";

/** forEach: evaluates the list the body runs over. (A repeat loop never executes itself.) */
export const executeLoop: NodeExecutor = async ({ runId, graph, node, path, state, expressions }) => {
  const { items } = nodeData(loopDataSchema, node.data);
  const value = await expressions.evaluate("items", items, expressionContext(graph, state, node.id, runId, path));
  if (!Array.isArray(value)) {
    const got = value === null ? "nothing" : typeof value === "object" ? "an object" : `a ${typeof value}`;
    throw new NonRetryableError(`items must give a list, but gave ${got}`);
  }
  return { loopItems: value };
};

/** repeat: after pass `index`, does `until` hold? `prev` is the pass's output, `iteration` its index. */
export async function evaluateUntil(
  graph: FlowGraph,
  state: RunState,
  runId: string,
  loopId: string,
  path: number[],
  index: number,
  expressions: NodeExpressions,
): Promise<boolean> {
  const { until } = nodeData(loopDataSchema, graph.nodes.get(loopId)?.data);
  const output = state.nodes[nodeKey(loopId, path)]?.loop?.outputs[index] ?? null;
  const context = Object.assign(expressionContext(graph, state, loopId, runId, path), {
    prev: output,
    iteration: index,
  });
  return (await expressions.evaluate("until", until, context)) === true;
}
