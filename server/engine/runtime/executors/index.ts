import type { NodeType } from "../../../../lib/flow/kinds";
import type { NodeExecutor } from "../ports";
import { executeAgent } from "./agent";
import { executeApproval } from "./approval";
import { executeBranch } from "./branch";
import { executeDelay } from "./delay";
import { executeEnd } from "./end";
import { executeHttp } from "./http";
import { executeLoop } from "./loop";
import { executeJoin, executeParallel } from "./pass-through";
import { executeStart } from "./start";
import { executeSubflow } from "./subflow";
import { executeTransform } from "./transform";
import { executeWait } from "./wait";

/** One executor per node kind; the mapped type makes a kind without an executor a type error. */
export const executors: { [K in NodeType]: NodeExecutor } = {
  start: executeStart,
  agent: executeAgent,
  transform: executeTransform,
  http: executeHttp,
  branch: executeBranch,
  parallel: executeParallel,
  join: executeJoin,
  loop: executeLoop,
  approval: executeApproval,
  subflow: executeSubflow,
  delay: executeDelay,
  wait: executeWait,
  end: executeEnd,
};
