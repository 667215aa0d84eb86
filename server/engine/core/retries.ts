import type { FlowNode } from "../../../lib/flow/document";
import { stepSettings } from "../../../lib/flow/kinds/step-settings";
import type { NodeRunState } from "../../../lib/run/state";

/** A failed attempt is retried when its error may pass and the node allows more attempts. */
export function retriesLeft(node: FlowNode, current: NodeRunState): boolean {
  const retry = stepSettings(node.data).retry;
  return current.error?.retryable === true && retry !== undefined && current.attempt < retry.maxAttempts;
}
