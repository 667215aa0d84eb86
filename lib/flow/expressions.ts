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

/** A parsed expression and, for the common shapes, its quick evaluator (expression-quick.ts); or why it does not parse. */
type Compiled = { quick?: (context: unknown) => unknown; error?: undefined } | { error: string };

/** Parsed expressions (and refusals), reused: a flow evaluates and checks the same few strings over and over. */
const compiled = new Map<string, Compiled>();
const CACHE_LIMIT = 1_000;

/**
 * Shapes JSONata's parser handles slowly, refused before it sees them: it takes time quadratic
 * in the steps of one path (`a.a.a…`: 2,000 steps took 94 ms, 5,000 took 1.3 s), and it
 * recurses once per operator or bracket, so past some 10,000 of them it overflows its stack
 * after 50–300 ms. Within these bounds one parse takes a few ms. Dots and brackets are
 * counted on the raw text (strings skipped), an upper bound; real expressions stay far below.
 */
export const parseLimits = { maxLength: 10_000, maxDots: 1_000, maxNesting: 200 };

function shapeProblem(expression: string): string | undefined {
  if (expression.length > parseLimits.maxLength)
    return `it is longer than ${parseLimits.maxLength} characters, the limit for one expression`;
  let dots = 0;
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (c === '"' || c === "'" || c === "`") {
      for (i++; i < expression.length && expression[i] !== c; i++) if (expression[i] === "\\") i++;
    } else if (c === ".") dots++;
    else if (c === "(" || c === "[" || c === "{") deepest = Math.max(deepest, ++depth);
    else if (c === ")" || c === "]" || c === "}") depth = Math.max(0, depth - 1);
  }
  if (dots > parseLimits.maxDots)
    return `it has more than ${parseLimits.maxDots} “.” steps, the limit for one expression`;
  if (deepest > parseLimits.maxNesting)
    return `it nests brackets deeper than ${parseLimits.maxNesting} levels, the limit for one expression`;
  return undefined;
}

function parse(expression: string): Compiled {
  const cached = compiled.get(expression);
  if (cached) return cached;
  let parsed: Compiled;
  const problem = shapeProblem(expression);
  if (problem) parsed = { error: problem };
  else {
    try {
      const expr = jsonata(expression, { stack: expressionLimits.maxDepth });
      parsed = { quick: quickEvaluator(expr.ast()) };
    } catch (error) {
      parsed = { error: reasonOf(error) };
    }
  }
  if (compiled.size >= CACHE_LIMIT) compiled.delete(compiled.keys().next().value!);
  compiled.set(expression, parsed);
  return parsed;
}

function compile(field: string, expression: string): { quick?: (context: unknown) => unknown } {
  const parsed = parse(expression);
  if (parsed.error !== undefined) throw new ExpressionError(field, `does not parse: ${parsed.error}`);
  return parsed;
}

/** Why the expression does not parse, or null. Used to refuse a flow before it runs. */
export function expressionSyntaxError(expression: string): string | null {
  return parse(expression).error ?? null;
}

/** Evaluates full JSONata somewhere it cannot hurt (the server's sandbox); rejects with a reason. */
export type FullEvaluator = (expression: string, context: unknown) => Promise<unknown>;

/**
 * The quick evaluator's answer, or QUICK_UNSURE when only full JSONata can tell (or the
 * expression does not parse): for callers that decide now or hand the expression on.
 */
export function evaluateQuickly(expression: string, context: unknown): unknown {
  const parsed = parse(expression);
  if (parsed.error !== undefined || !parsed.quick) return QUICK_UNSURE;
  const value = parsed.quick(context);
  return value === undefined ? null : value;
}

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

/** An expression as quoted in a message: long ones are cut. */
export function shortened(expression: string, max = 80): string {
  return expression.length > max ? `${expression.slice(0, max)}…` : expression;
}

/** Why a template is malformed (an unclosed {{, an expression that does not parse), or null. */
export function templateSyntaxError(template: string): string | null {
  for (const part of templateParts(template)) {
    if ("text" in part) {
      if (part.text.includes("{{")) return "a “{{” is not closed with “}}”";
      continue;
    }
    const reason = expressionSyntaxError(part.expression);
    if (reason) return `the expression "${shortened(part.expression)}" does not parse: ${reason}`;
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
