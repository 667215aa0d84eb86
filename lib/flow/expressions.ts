import jsonata from "jsonata";

/** Raised when a user expression does not parse or fails; names the field and the reason. */
export class ExpressionError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/**
 * Evaluates one JSONata expression (never JavaScript) against a context. Time and depth
 * limits arrive with the engine issue; JSONata itself cannot reach the host.
 */
export async function evaluateExpression(field: string, expression: string, context: unknown): Promise<unknown> {
  let compiled: ReturnType<typeof jsonata>;
  try {
    compiled = jsonata(expression);
  } catch (error) {
    throw new ExpressionError(field, `does not parse: ${(error as Error).message}`);
  }
  try {
    const value = await compiled.evaluate(context);
    return value === undefined ? null : value;
  } catch (error) {
    throw new ExpressionError(field, (error as Error).message);
  }
}
