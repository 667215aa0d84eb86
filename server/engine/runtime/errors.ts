/** Errors from executing a node, by whether trying again could help (conventions §8). */
export class RetryableError extends Error {
  readonly retryable = true;
}
export class NonRetryableError extends Error {
  readonly retryable = false;
}

/** A decision the approval cannot take (already decided, not an assignee, the requester…). */
export class DecisionRefused extends Error {
  constructor(
    readonly kind: "conflict" | "forbidden" | "invalid",
    message: string,
  ) {
    super(message);
  }
}
