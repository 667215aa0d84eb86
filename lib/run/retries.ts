import { stepSettings } from "../flow/kinds/step-settings";
import type { NodeRunState } from "./state";

/** A failed attempt is retried when its error may pass and the node allows more attempts. */
export function retriesLeft(node: { data: Record<string, unknown> }, current: NodeRunState): boolean {
  const retry = stepSettings(node.data).retry;
  return current.error?.retryable === true && retry !== undefined && current.attempt < retry.maxAttempts;
}
