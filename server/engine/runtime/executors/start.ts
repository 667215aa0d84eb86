import { nodeData } from "../../../../lib/flow/kinds/parsed";
import { runInputSchema, startDataSchema } from "../../../../lib/flow/kinds/start";
import { formatPath } from "../../../../lib/flow/problems";
import { NonRetryableError } from "../errors";
import type { NodeExecutor } from "../ports";

/** Checks the run input against the start node's fields; its output is the input. */
export const executeStart: NodeExecutor = async ({ node, state }) => {
  const { inputs } = nodeData(startDataSchema, node.data);
  const parsed = runInputSchema(inputs).safeParse(state.input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new NonRetryableError(`input ${formatPath(issue.path)}: ${issue.message}`);
  }
  return { output: parsed.data, handles: ["out"] };
};
