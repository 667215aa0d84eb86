/** Errors from executing a node, by whether trying again could help (conventions §8). */
export class RetryableError extends Error {
  readonly retryable = true;
}
export class NonRetryableError extends Error {
  readonly retryable = false;
}

/** The engine is shutting down: it takes no new run (the API answers 503; try again once it is back). */
export class EngineStopping extends Error {
  constructor() {
    super("the server is shutting down; try again in a moment");
  }
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

/** The run cannot be paused or resumed as asked (it is not running, or not paused); the message says why. */
export class RunStateConflict extends Error {}

/** No run has this id (never created, or deleted with its flow). */
export class RunNotFound extends Error {
  constructor(runId: string) {
    super(`run ${runId} does not exist`);
  }
}

/** The step's circuit breaker is open: the attempt fails at once, without calling out (code `circuit_open`). */
export class CircuitOpen extends Error {
  readonly code = "circuit_open";
  readonly retryable = false;
  constructor(key: string, failures: number, until: Date) {
    super(
      `the circuit for ${key} is open after ${failures} failure${failures === 1 ? "" : "s"}: not called; the next try is let through at ${until.toISOString()}`,
    );
  }
}
