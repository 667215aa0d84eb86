/** Errors from executing a node, by whether trying again could help (conventions §8). */
export class RetryableError extends Error {
  readonly retryable = true;
}
export class NonRetryableError extends Error {
  readonly retryable = false;
}
