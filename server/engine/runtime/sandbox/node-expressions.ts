import { ExpressionError, evaluateExpression, renderTemplate } from "../../../../lib/flow/expressions";
import type { ExpressionSandbox } from "./expression-sandbox";

/** A node's way to evaluate its expressions and templates: bounded, and every error names the node and field. */
export interface NodeExpressions {
  evaluate(field: string, expression: string, context: unknown): Promise<unknown>;
  render(field: string, template: string, context: unknown): Promise<string>;
}

export function nodeExpressions(nodeId: string, sandbox: Pick<ExpressionSandbox, "evaluate">): NodeExpressions {
  const full = sandbox.evaluate.bind(sandbox);
  const named = (error: unknown): never => {
    if (error instanceof ExpressionError) throw new ExpressionError(error.field, error.reason, nodeId, error.retryable);
    throw error;
  };
  return {
    evaluate: (field, expression, context) => evaluateExpression(field, expression, context, full).catch(named),
    render: (field, template, context) => renderTemplate(field, template, context, full).catch(named),
  };
}
