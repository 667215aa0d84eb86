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

/** Bounds on one evaluation: wall time and nesting depth (JSONata's own guardrails). */
export const expressionLimits = { timeoutMs: 1_000, maxDepth: 250 };

const jsonataMessages: Record<string, string> = {
  D1011: "the expression nests too deeply",
  D1012: `the expression ran longer than ${expressionLimits.timeoutMs} ms`,
};

function reasonOf(error: unknown): string {
  const e = error as { code?: string; message?: string; position?: number };
  const message = (e.code && jsonataMessages[e.code]) ?? e.message ?? String(error);
  return e.position !== undefined && !(e.code && jsonataMessages[e.code])
    ? `${message} (at character ${e.position})`
    : message;
}

/**
 * A parsed expression, and how to answer it without JSONata's evaluator when that gives the
 * same result: a literal (`false`, `3`, `"x"`) is its value; a bare field name (`prev`,
 * `iteration`) is a lookup in the context unless the value is an array (JSONata's sequence
 * rules). Loops and long chains evaluate such expressions at every step.
 */
interface Compiled {
  expr: ReturnType<typeof jsonata>;
  shortcut?: (context: unknown) => { value: unknown } | undefined;
}

/** Parsed expressions, reused: a flow evaluates the same few strings over and over. */
const compiled = new Map<string, Compiled>();
const CACHE_LIMIT = 1_000;

interface AstNode {
  type: string;
  value?: unknown;
  steps?: AstNode[];
}

function shortcutOf(ast: AstNode): Compiled["shortcut"] {
  const only = (node: object, keys: string[]) => Object.keys(node).every((k) => keys.includes(k));
  if (
    (ast.type === "number" || ast.type === "string" || ast.type === "value") &&
    only(ast, ["type", "value", "position"])
  ) {
    const result = { value: ast.value };
    return () => result;
  }
  const step =
    ast.type === "path" && only(ast, ["type", "steps"]) && ast.steps?.length === 1 ? ast.steps[0] : undefined;
  if (step?.type !== "name" || !only(step, ["type", "value", "position"])) return undefined;
  const name = String(step.value);
  // JSONata's lookup: own properties of an object only.
  return (context) => {
    if (typeof context !== "object" || context === null || Array.isArray(context)) return undefined;
    const value = Object.hasOwn(context, name) ? (context as Record<string, unknown>)[name] : undefined;
    return Array.isArray(value) || typeof value === "function" ? undefined : { value };
  };
}

function compile(field: string, expression: string): Compiled {
  const cached = compiled.get(expression);
  if (cached) return cached;
  let parsed: Compiled;
  try {
    const expr = jsonata(expression, { timeout: expressionLimits.timeoutMs, stack: expressionLimits.maxDepth });
    parsed = { expr, shortcut: shortcutOf(expr.ast() as AstNode) };
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

/**
 * Evaluates one JSONata expression (never JavaScript) against a context. JSONata cannot reach
 * the host: no globals, no I/O; time and depth are bounded.
 */
export async function evaluateExpression(field: string, expression: string, context: unknown): Promise<unknown> {
  const { expr, shortcut } = compile(field, expression);
  try {
    const quick = shortcut?.(context);
    const value = quick ? quick.value : await expr.evaluate(context);
    return value === undefined ? null : normalize(value);
  } catch (error) {
    throw new ExpressionError(field, reasonOf(error));
  }
}

/** JSONata marks sequences with extra properties; outputs must be plain JSON. */
function normalize(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
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

/** Renders a template field: each {{ expression }} becomes its value (objects as JSON). */
export async function renderTemplate(field: string, template: string, context: unknown): Promise<string> {
  let out = "";
  for (const part of templateParts(template)) {
    if ("text" in part) {
      out += part.text;
      continue;
    }
    const value = await evaluateExpression(field, part.expression, context);
    out += typeof value === "string" ? value : JSON.stringify(value);
  }
  return out;
}
