/**
 * A bounded evaluator for the common shapes of JSONata: literals, paths through objects,
 * arithmetic, comparisons, `and`/`or`, conditions, string joins, object and array
 * constructors and a few scalar functions. It answers them on the calling thread in time
 * proportional to the expression's size, never to the data's: it never iterates over data,
 * and it gives up (QUICK_UNSURE) wherever JSONata's sequence rules or errors would apply (an
 * array met on a path, a type error, a long string), so the caller evaluates that expression
 * with full JSONata in the sandbox. Results equal JSONata's after JSON normalisation
 * (checked against JSONata itself in expression-quick.test.ts).
 */

/** The quick evaluator cannot answer this evaluation; ask full JSONata. */
export const QUICK_UNSURE: unique symbol = Symbol("quick evaluator unsure");

/** JSONata's "no value" is `undefined`; QUICK_UNSURE means "ask JSONata". */
type Quick = (context: unknown) => unknown;

/** Longest string a join may build here; longer ones go to the sandbox, which has a memory cap. */
const MAX_STRING = 100_000;

interface Ast {
  type: string;
  value?: unknown;
  position?: number;
  steps?: Ast[];
  lhs?: Ast | [Ast, Ast][];
  rhs?: Ast;
  expression?: Ast;
  expressions?: Ast[];
  condition?: Ast;
  then?: Ast;
  else?: Ast;
  arguments?: Ast[];
  procedure?: Ast;
}

/** True when the node carries nothing beyond these keys (predicates, stages, focus… mean full JSONata). */
function only(node: object, keys: readonly string[]): boolean {
  for (const [key, value] of Object.entries(node)) if (value !== undefined && !keys.includes(key)) return false;
  return true;
}

/** Compiles a parsed JSONata AST into a quick evaluator, or undefined when its shape is not covered. */
export function quickEvaluator(ast: unknown): Quick | undefined {
  try {
    return compile(ast as Ast);
  } catch (error) {
    if (error === NOT_COVERED) return undefined;
    throw error;
  }
}

const NOT_COVERED = Symbol("not covered");
function notCovered(): never {
  throw NOT_COVERED;
}

function compile(node: Ast): Quick {
  switch (node.type) {
    case "string":
    case "number":
    case "value": {
      if (!only(node, ["type", "value", "position"])) notCovered();
      const value = node.value;
      return () => value;
    }
    case "path":
      return compilePath(node);
    case "binary":
      return compileBinary(node);
    case "unary":
      return compileUnary(node);
    case "condition": {
      if (!only(node, ["type", "position", "condition", "then", "else"]) || !node.condition || !node.then) notCovered();
      const condition = compile(node.condition);
      const then = compile(node.then);
      const otherwise = node.else ? compile(node.else) : () => undefined;
      return (context) => {
        const c = truth(condition(context));
        if (c === QUICK_UNSURE) return QUICK_UNSURE;
        return c ? then(context) : otherwise(context);
      };
    }
    case "block": {
      // `(a)`: one expression. Blocks of several may bind variables; those are full JSONata.
      if (!only(node, ["type", "position", "expressions"]) || node.expressions?.length !== 1) notCovered();
      return compile(node.expressions[0]!);
    }
    case "function":
      return compileFunction(node);
    default:
      return notCovered();
  }
}

/** `a.b.c`: own properties of objects only (JSONata's lookup); an array anywhere is a sequence. */
function compilePath(node: Ast): Quick {
  if (!only(node, ["type", "steps"]) || !node.steps || node.steps.length === 0) notCovered();
  const names = node.steps.map((step) => {
    if (step.type !== "name" || !only(step, ["type", "value", "position"])) notCovered();
    return String(step.value);
  });
  return (context) => {
    let value: unknown = context;
    for (const name of names) {
      if (Array.isArray(value)) return QUICK_UNSURE;
      if (typeof value !== "object" || value === null || !Object.hasOwn(value, name)) return undefined;
      value = (value as Record<string, unknown>)[name];
    }
    return Array.isArray(value) || typeof value === "function" ? QUICK_UNSURE : value;
  };
}

function compileBinary(node: Ast): Quick {
  if (!only(node, ["type", "value", "position", "lhs", "rhs"]) || !node.lhs || !node.rhs || Array.isArray(node.lhs))
    notCovered();
  const left = compile(node.lhs);
  const right = compile(node.rhs);
  const op = node.value;
  /** Both operands' values to `f`; unsure if either is. */
  const both =
    (f: (l: unknown, r: unknown) => unknown): Quick =>
    (context) => {
      const l = left(context);
      if (l === QUICK_UNSURE) return QUICK_UNSURE;
      const r = right(context);
      return r === QUICK_UNSURE ? QUICK_UNSURE : f(l, r);
    };
  switch (op) {
    case "+":
    case "-":
    case "*":
    case "/":
    case "%":
      return both((l, r) => {
        if ((l !== undefined && typeof l !== "number") || (r !== undefined && typeof r !== "number"))
          return QUICK_UNSURE; // JSONata's type error, with its own message
        if (l === undefined || r === undefined) return undefined;
        const result = op === "+" ? l + r : op === "-" ? l - r : op === "*" ? l * r : op === "/" ? l / r : l % r;
        return Number.isFinite(result) ? result : QUICK_UNSURE;
      });
    case "=":
    case "!=":
      return both((l, r) => {
        if (l === undefined || r === undefined) return false;
        if (!isScalar(l) || !isScalar(r)) return QUICK_UNSURE; // deep equality: full JSONata
        return op === "=" ? l === r : l !== r;
      });
    case "<":
    case "<=":
    case ">":
    case ">=":
      return both((l, r) => {
        const lt = typeof l;
        const rt = typeof r;
        if (!(lt === "number" || lt === "string") || !(rt === "number" || rt === "string") || lt !== rt) {
          // undefined against a comparable value is undefined; every other mix is JSONata's error
          if (
            (l === undefined && (rt === "number" || rt === "string" || r === undefined)) ||
            (r === undefined && (lt === "number" || lt === "string"))
          )
            return undefined;
          return QUICK_UNSURE;
        }
        const a = l as number | string;
        const b = r as number | string;
        return op === "<" ? a < b : op === "<=" ? a <= b : op === ">" ? a > b : a >= b;
      });
    case "and":
    case "or":
      return (context) => {
        const l = truth(left(context));
        if (l === QUICK_UNSURE) return QUICK_UNSURE;
        if (op === "and" ? !l : l) return l;
        return truth(right(context));
      };
    case "&":
      return (context) => {
        const l = text(left(context));
        if (l === QUICK_UNSURE) return QUICK_UNSURE;
        const r = text(right(context));
        if (r === QUICK_UNSURE) return QUICK_UNSURE;
        return l.length + r.length > MAX_STRING ? QUICK_UNSURE : l + r;
      };
    default:
      return notCovered();
  }
}

function compileUnary(node: Ast): Quick {
  if (node.value === "-") {
    if (!only(node, ["type", "value", "position", "expression"]) || !node.expression) notCovered();
    const operand = compile(node.expression);
    return (context) => {
      const v = operand(context);
      if (v === undefined) return undefined;
      return typeof v === "number" ? -v : QUICK_UNSURE;
    };
  }
  if (node.value === "[") {
    if (!only(node, ["type", "value", "position", "expressions"]) || !node.expressions) notCovered();
    // A nested constructor keeps its array; JSONata flattens arrays other items give. Both are full JSONata.
    const items = node.expressions.map((item) =>
      item.type === "unary" && item.value === "[" ? notCovered() : compile(item),
    );
    return (context) => {
      const out: unknown[] = [];
      for (const item of items) {
        const v = item(context);
        if (v === QUICK_UNSURE || Array.isArray(v)) return QUICK_UNSURE; // JSONata flattens such items
        if (v !== undefined) out.push(v);
      }
      return out;
    };
  }
  if (node.value === "{") {
    if (!only(node, ["type", "value", "position", "lhs"]) || !Array.isArray(node.lhs)) notCovered();
    const pairs = node.lhs.map(([key, value]) => {
      // Literal keys only: computed keys group JSONata's input, and internal names are refused there.
      if (key.type !== "string" || typeof key.value !== "string" || !only(key, ["type", "value", "position"]))
        notCovered();
      if (key.value === "__proto__" || key.value.startsWith("_jsonata")) notCovered();
      return [key.value, compile(value)] as const;
    });
    if (new Set(pairs.map(([key]) => key)).size !== pairs.length) notCovered(); // JSONata's D1009
    return (context) => {
      const out: Record<string, unknown> = {};
      for (const [key, value] of pairs) {
        const v = value(context);
        if (v === QUICK_UNSURE || Array.isArray(v)) return QUICK_UNSURE;
        if (v !== undefined) out[key] = v;
      }
      return out;
    };
  }
  return notCovered();
}

/** Built-in functions whose cost does not depend on the data beyond one scalar or one lookup. */
const functions: Record<string, (arg: unknown) => unknown> = {
  exists: (v) => (Array.isArray(v) ? QUICK_UNSURE : v !== undefined),
  not: (v) => {
    if (v === undefined) return undefined;
    const t = truth(v);
    return t === QUICK_UNSURE ? t : !t;
  },
  boolean: (v) => (v === undefined ? undefined : truth(v)),
  string: (v) => (v === undefined ? undefined : text(v)),
  number: (v) => (v === undefined || typeof v === "number" ? v : QUICK_UNSURE),
  uppercase: (v) => (v === undefined ? undefined : typeof v === "string" ? v.toUpperCase() : QUICK_UNSURE),
  lowercase: (v) => (v === undefined ? undefined : typeof v === "string" ? v.toLowerCase() : QUICK_UNSURE),
};

function compileFunction(node: Ast): Quick {
  const procedure = node.procedure;
  if (
    !only(node, ["type", "value", "position", "arguments", "procedure"]) ||
    procedure?.type !== "variable" ||
    !only(procedure, ["type", "value", "position"]) ||
    node.arguments?.length !== 1
  )
    notCovered();
  const fn = Object.hasOwn(functions, String(procedure.value)) ? functions[String(procedure.value)] : undefined;
  if (!fn) return notCovered();
  const argument = compile(node.arguments[0]!);
  return (context) => {
    const v = argument(context);
    return v === QUICK_UNSURE ? v : fn(v);
  };
}

function isScalar(v: unknown): v is string | number | boolean | null {
  return v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean";
}

/** JSONata's effective boolean value (`$boolean`), for values that are not arrays. */
function truth(v: unknown): boolean | typeof QUICK_UNSURE {
  if (v === QUICK_UNSURE || Array.isArray(v)) return QUICK_UNSURE;
  if (v === undefined || v === null) return false;
  if (typeof v === "boolean") return v;
  if (typeof v === "string") return v.length > 0;
  if (typeof v === "number") return v !== 0;
  if (typeof v === "object") {
    for (const _ in v) return true;
    return false;
  }
  return QUICK_UNSURE;
}

/** JSONata's `$string` for scalars whose JSONata text is plain (`&` treats "no value" as ""). */
function text(v: unknown): string | typeof QUICK_UNSURE {
  if (v === QUICK_UNSURE) return v;
  if (v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "boolean" || v === null) return String(v);
  // JSONata prints non-integers to 15 significant digits, and large integers its own way.
  if (typeof v === "number" && Number.isSafeInteger(v) && Math.abs(v) < 1e15) return String(v);
  return QUICK_UNSURE;
}
