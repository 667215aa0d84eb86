import jsonata from "jsonata";
import { QUICK_UNSURE, quickEvaluator } from "./expression-quick";

/** Raised when a user expression does not parse or fails; names the node (when known), the field and the reason. */
export class ExpressionError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
    readonly nodeId?: string,
    /** Nothing about the expression: evaluating it again may pass. */
    readonly retryable = false,
  ) {
    super(nodeId ? `node "${nodeId}", ${field}: ${reason}` : `${field}: ${reason}`);
  }
}

/** JSONata's nesting limit, for parsing here and evaluating in the sandbox. */
export const expressionLimits = { maxDepth: 250 };

function reasonOf(error: unknown): string {
  const e = error as { message?: string; position?: number };
  const message = e.message ?? String(error);
  return e.position !== undefined ? `${message} (at character ${e.position})` : message;
}

/** A parsed expression and, for the common shapes, its quick evaluator (expression-quick.ts). */
interface Compiled {
  quick?: (context: unknown) => unknown;
}

/** Parsed expressions, reused: a flow evaluates the same few strings over and over. */
const compiled = new Map<string, Compiled>();
const CACHE_LIMIT = 1_000;

function compile(field: string, expression: string): Compiled {
  const cached = compiled.get(expression);
  if (cached) return cached;
  let parsed: Compiled;
  try {
    const expr = jsonata(expression, { stack: expressionLimits.maxDepth });
    parsed = { quick: quickEvaluator(expr.ast()) };
  } catch (error) {
    throw new ExpressionError(field, `does not parse: ${reasonOf(error)}`);
  }
  if (compiled.size >= CACHE_LIMIT) compiled.delete(compiled.keys().next().value!);
  compiled.set(expression, parsed);
  return parsed;
}

/** Why the expression does not parse, or null. Used to refuse a flow before it runs. */
export function expressionSyntaxError(expression: string): string | null {
  try {
    compile("", expression);
    return null;
  } catch (error) {
    return (error as ExpressionError).reason;
  }
}

/** Evaluates full JSONata somewhere it cannot hurt (the server's sandbox); rejects with a reason. */
export type FullEvaluator = (expression: string, context: unknown) => Promise<unknown>;

/**
 * Evaluates one JSONata expression (never JavaScript) against a context: the common shapes
 * right here, in time bounded by the expression's size, everything else through `full`.
 * Throws ExpressionError naming the field.
 */
export async function evaluateExpression(
  field: string,
  expression: string,
  context: unknown,
  full: FullEvaluator,
): Promise<unknown> {
  const { quick } = compile(field, expression);
  const value = quick ? quick(context) : QUICK_UNSURE;
  if (value !== QUICK_UNSURE) return value === undefined ? null : value;
  try {
    return await full(expression, context);
  } catch (error) {
    throw new ExpressionError(field, reasonOf(error), undefined, (error as { retryable?: unknown }).retryable === true);
  }
}

export type TemplatePart = { text: string } | { expression: string };

/** Splits "Hello {{ input.name }}!" into text and expression parts. */
export function templateParts(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  const pattern = /\{\{([\s\S]*?)\}\}/g;
  let last = 0;
  for (const match of template.matchAll(pattern)) {
    if (match.index > last) parts.push({ text: template.slice(last, match.index) });
    parts.push({ expression: match[1]!.trim() });
    last = match.index + match[0].length;
  }
  if (last < template.length) parts.push({ text: template.slice(last) });
  return parts;
}

/** Why a template is malformed (an unclosed {{, an expression that does not parse), or null. */
export function templateSyntaxError(template: string): string | null {
  for (const part of templateParts(template)) {
    if ("text" in part) {
      if (part.text.includes("{{")) return "a “{{” is not closed with “}}”";
      continue;
    }
    const reason = expressionSyntaxError(part.expression);
    if (reason) return `the expression "${part.expression}" does not parse: ${reason}`;
  }
  return null;
}

/** Longest text a template may render to (an HTTP body, a prompt). */
const MAX_RENDERED = 5 * 1024 * 1024;

/** Renders a template field: each {{ expression }} becomes its value (objects as JSON). */
export async function renderTemplate(
  field: string,
  template: string,
  context: unknown,
  full: FullEvaluator,
): Promise<string> {
  let out = "";
  for (const part of templateParts(template)) {
    if ("text" in part) {
      out += part.text;
      continue;
    }
    const value = await evaluateExpression(field, part.expression, context, full);
    out += typeof value === "string" ? value : JSON.stringify(value);
    if (out.length > MAX_RENDERED)
      throw new ExpressionError(
        field,
        `renders longer than ${MAX_RENDERED / 1024 / 1024} MB, the limit for a template`,
      );
  }
  return out;
}
