import { branchDataSchema } from "../../../../lib/flow/kinds/branch";
import { nodeData } from "../../../../lib/flow/kinds/parsed";
import { expressionContext } from "../../core/prev";
import type { NodeExecutor } from "../ports";

/** Takes the first (or every) case whose condition is true, else `else`; passes `prev` on. */
export const executeBranch: NodeExecutor = async ({ runId, graph, node, path, state, expressions }) => {
  const { cases, mode } = nodeData(branchDataSchema, node.data);
  const context = expressionContext(graph, state, node.id, runId, path);
  const taken: string[] = [];
  for (const c of cases) {
    if ((await expressions.evaluate(`cases.${c.id}.condition`, c.condition, context)) === true) {
      taken.push(c.id);
      if (mode === "first") break;
    }
  }
  return { output: context.prev, handles: taken.length > 0 ? taken : ["else"] };
};
