import type { RetrySettings } from "../../../lib/flow/kinds/step-settings";

/**
 * Delay before attempt `failedAttempt + 1`: exponential, capped, and with jitter spread over
 * [delay/2, delay]. The jitter comes from a hash of the attempt's key, not from Math.random,
 * so the core stays deterministic and a replay computes the same time.
 */
export function retryDelayMs(retry: RetrySettings, failedAttempt: number, key: string): number {
  const exponential = retry.initialDelayMs * retry.multiplier ** (failedAttempt - 1);
  const capped = Math.min(retry.maxDelayMs, exponential);
  if (!retry.jitter) return Math.round(capped);
  return Math.round(capped * (0.5 + 0.5 * unitHash(key)));
}

/** FNV-1a of the string, scaled to [0, 1). */
function unitHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash / 2 ** 32;
}
