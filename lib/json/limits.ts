// What a JSON value the app stores must be so it can be read back: superjson, which carries
// every tRPC answer, refuses some keys, and the layers that store and send a value recurse.

/** How deeply a stored value (a run input, a node's config) may nest. */
export const MAX_JSON_DEPTH = 64;

/** Keys superjson refuses to carry (its prototype-pollution guard): a value holding one could be stored but not read. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

export type JsonPath = (string | number)[];

/** `key`: `path` ends in a forbidden key. `depth`: the value at `path` nests past the limit. */
export interface JsonLimitProblem {
  kind: "key" | "depth";
  path: JsonPath;
}

interface Visit {
  value: unknown;
  depth: number;
  parent?: Visit;
  key?: string | number;
}

function pathOf(visit: Visit | undefined, tail: JsonPath = []): JsonPath {
  const path = [...tail];
  for (let v = visit; v?.parent; v = v.parent) path.unshift(v.key!);
  return path;
}

/**
 * The first thing in `value` (depth-first, in key order) that could be stored but not read
 * back: a forbidden key, or objects and arrays nested more than `maxDepth` deep (the value
 * itself is level 1). Iterative, so a hostile nesting cannot overflow the stack here. An
 * object whose prototype is not Object's came from a `__proto__` key that a parser turned
 * into a prototype: it is reported as that key.
 */
export function jsonLimitProblem(
  value: unknown,
  { maxDepth = MAX_JSON_DEPTH, keys = FORBIDDEN_KEYS }: { maxDepth?: number; keys?: ReadonlySet<string> } = {},
): JsonLimitProblem | undefined {
  const stack: Visit[] = [{ value, depth: 1 }];
  while (stack.length > 0) {
    const visit = stack.pop()!;
    const current = visit.value;
    if (typeof current !== "object" || current === null) continue;
    if (visit.depth > maxDepth) return { kind: "depth", path: pathOf(visit) };
    const children: Visit[] = [];
    if (Array.isArray(current)) {
      current.forEach((item, index) => {
        children.push({ value: item, depth: visit.depth + 1, parent: visit, key: index });
      });
    } else {
      const prototype = Object.getPrototypeOf(current);
      if (prototype !== Object.prototype && prototype !== null)
        return { kind: "key", path: pathOf(visit, ["__proto__"]) };
      for (const key of Object.keys(current)) {
        if (keys.has(key)) return { kind: "key", path: pathOf(visit, [key]) };
        children.push({ value: (current as Record<string, unknown>)[key], depth: visit.depth + 1, parent: visit, key });
      }
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return undefined;
}

/** `root.a[0].b` */
export function formatJsonPath(root: string, path: JsonPath): string {
  return root + path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("");
}

/** "input.a.__proto__: key not allowed" or "input nests deeper than 64 levels". */
export function describeJsonLimit(root: string, problem: JsonLimitProblem, maxDepth = MAX_JSON_DEPTH): string {
  return problem.kind === "key"
    ? `${formatJsonPath(root, problem.path)}: key not allowed`
    : `${root} nests deeper than ${maxDepth} levels`;
}
