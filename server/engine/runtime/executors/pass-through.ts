import { joinedOutputs, previousOutput } from "../../core/prev";
import type { NodeExecutor } from "../ports";

/** parallel: every outgoing edge leaves `out`, so all paths start; the input passes on. */
export const executeParallel: NodeExecutor = async ({ graph, node, path, state }) => ({
  output: previousOutput(graph, state, node.id, path),
  handles: ["out"],
});

/** join: the arrived paths' outputs keyed by source id (the readiness rule lives in the core). */
export const executeJoin: NodeExecutor = async ({ graph, node, path, state }) => ({
  output: joinedOutputs(graph, state, node.id, path),
  handles: ["out"],
});
