import type { NodeType } from "../../../../lib/flow/kinds";
import type { NodeExecutor } from "../ports";
import { executeEnd } from "./end";
import { executeStart } from "./start";

/** One executor per node kind; the mapped type makes a kind without an executor a type error. */
export const executors: { [K in NodeType]: NodeExecutor } = {
  start: executeStart,
  end: executeEnd,
};
