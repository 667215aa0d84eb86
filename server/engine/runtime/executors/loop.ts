import { QUICK_UNSURE } from "../../../../lib/flow/expression-quick";
import { evaluateQuickly } from "../../../../lib/flow/expressions";
import { loopDataSchema } from "../../../../lib/flow/kinds/loop";
import { nodeData } from "../../../../lib/flow/kinds/parsed";
import { nodeKey, type RunState } from "../../../../lib/run/state";
import type { FlowGraph } from "../../core/graph";
import type { UntilNow } from "../../core/planner";
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

/** What `until` sees after pass `index` of a repeat loop: `prev` is the pass's output, `iteration` its index. */
function untilContext(
  graph: FlowGraph,
  state: RunState,
  runId: string,
  loopId: string,
  path: number[],
  index: number,
  output: unknown,
) {
  return Object.assign(expressionContext(graph, state, loopId, runId, path), { prev: output, iteration: index });
}

const untilOf = (graph: FlowGraph, loopId: string) => nodeData(loopDataSchema, graph.nodes.get(loopId)?.data).until;

/** repeat: after pass `index`, does `until` hold? */
export async function evaluateUntil(
  graph: FlowGraph,
  state: RunState,
  runId: string,
  loopId: string,
  path: number[],
  index: number,
  expressions: NodeExpressions,
): Promise<boolean> {
  const output = state.nodes[nodeKey(loopId, path)]?.loop?.outputs[index] ?? null;
  const context = untilContext(graph, state, runId, loopId, path, index, output);
  return (await expressions.evaluate("until", untilOf(graph, loopId), context)) === true;
}

/**
 * `until` answered inside the planning pass when the quick evaluator can (lib/flow/expressions):
 * one event per pass fewer, and no wait for the runtime. Anything else is left to evaluateUntil.
 */
export function untilNow(graph: FlowGraph, runId: string): UntilNow {
  return (state, loopId, path, index, output) => {
    try {
      const context = untilContext(graph, state, runId, loopId, path, index, output);
      const value = evaluateQuickly(untilOf(graph, loopId), context);
      return value === QUICK_UNSURE ? undefined : value === true;
    } catch {
      return undefined; // evaluateUntil will say what is wrong, naming the node
    }
  };
}
