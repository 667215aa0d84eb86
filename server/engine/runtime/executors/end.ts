import { evaluateExpression } from "../../../../lib/flow/expressions";
import { endDataSchema } from "../../../../lib/flow/kinds/end";
import { finishedOutputs, previousOutput } from "../../core/prev";
import type { NodeExecutor } from "../ports";

/** Sets this end's share of the run output: its `output` expression, or `prev`. */
export const executeEnd: NodeExecutor = async ({ runId, graph, node, state }) => {
  const { output } = endDataSchema.parse(node.data);
  const prev = previousOutput(graph, state, node.id);
  if (output.trim() === "") return { output: prev, handles: [] };
  const context = { input: state.input, prev, nodes: finishedOutputs(state), run: { id: runId } };
  return { output: await evaluateExpression("output", output, context), handles: [] };
};
