import { nodeData } from "../../../../lib/flow/kinds/parsed";
import { transformDataSchema } from "../../../../lib/flow/kinds/transform";
import { expressionContext } from "../../core/prev";
import type { NodeExecutor } from "../ports";

export const executeTransform: NodeExecutor = async ({ runId, graph, node, path, state, expressions }) => {
  const { expression } = nodeData(transformDataSchema, node.data);
  return {
    output: await expressions.evaluate("expression", expression, expressionContext(graph, state, node.id, runId, path)),
    handles: ["out"],
  };
};
