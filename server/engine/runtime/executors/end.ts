import { endDataSchema } from "../../../../lib/flow/kinds/end";
import { nodeData } from "../../../../lib/flow/kinds/parsed";
import { expressionContext } from "../../core/prev";
import type { NodeExecutor } from "../ports";

/** Sets this end's share of the run output: its `output` expression, or `prev`. */
export const executeEnd: NodeExecutor = async ({ runId, graph, node, path, state, expressions }) => {
  const { output } = nodeData(endDataSchema, node.data);
  const context = expressionContext(graph, state, node.id, runId, path);
  if (output.trim() === "") return { output: context.prev, handles: [] };
  return { output: await expressions.evaluate("output", output, context), handles: [] };
};
