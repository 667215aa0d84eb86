import { expressionSyntaxError, shortened, templateParts, templateSyntaxError } from "./expressions";
import type { NodeType } from "./kinds";

interface Field {
  path: (string | number)[];
  value: unknown;
  form: "expression" | "template";
  /** An empty value means "use the default" and is not checked. */
  optional?: boolean;
}

/** The expression and template fields of each kind, so every one is checked before a run. */
const fieldsByKind: { [K in NodeType]: (data: Record<string, unknown>) => Field[] } = {
  start: () => [],
  agent: (d) => [
    { path: ["system"], value: d.system, form: "template" },
    { path: ["prompt"], value: d.prompt, form: "template" },
    { path: ["response"], value: d.response, form: "template" },
  ],
  http: (d) => requestFields(d, []),
  transform: (d) => [{ path: ["expression"], value: d.expression, form: "expression" }],
  branch: (d) =>
    (Array.isArray(d.cases) ? d.cases : []).map((c: { condition?: unknown }, i: number) => ({
      path: ["cases", i, "condition"],
      value: c.condition,
      form: "expression" as const,
    })),
  parallel: () => [],
  loop: (d) => [
    { path: ["items"], value: d.items, form: "expression", optional: true },
    { path: ["until"], value: d.until, form: "expression", optional: true },
  ],
  join: () => [],
  approval: (d) => [
    { path: ["title"], value: d.title, form: "template" },
    { path: ["instructions"], value: d.instructions, form: "template" },
    { path: ["show"], value: d.show, form: "expression", optional: true },
  ],
  subflow: (d) =>
    typeof d.input === "object" && d.input !== null
      ? Object.entries(d.input).map(([name, value]) => ({
          path: ["input", name],
          value,
          form: "expression" as const,
          optional: true,
        }))
      : [{ path: ["input"], value: d.input, form: "expression", optional: true }],
  delay: (d) => [
    { path: ["ms"], value: d.ms, form: "expression", optional: true },
    { path: ["until"], value: d.until, form: "expression", optional: true },
  ],
  wait: (d) =>
    typeof d.notify === "object" && d.notify !== null
      ? requestFields(d.notify as Record<string, unknown>, ["notify"])
      : [],
  end: (d) => [{ path: ["output"], value: d.output, form: "expression", optional: true }],
};

/** An HTTP request's templates (the http step, a wait's notify), under `at`. */
function requestFields(d: Record<string, unknown>, at: string[]): Field[] {
  return [
    { path: [...at, "url"], value: d.url, form: "template" },
    { path: [...at, "body"], value: d.body, form: "template" },
    ...Object.entries((d.headers as Record<string, unknown>) ?? {}).map(([name, value]) => ({
      path: [...at, "headers", name],
      value,
      form: "template" as const,
    })),
  ];
}

/** Each field of a node whose expression does not parse, with the reason. */
export function expressionProblems(
  type: NodeType,
  data: Record<string, unknown>,
): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  for (const field of fieldsByKind[type](data)) {
    if (typeof field.value !== "string" || (field.optional && field.value.trim() === "")) continue;
    const reason = field.form === "expression" ? expressionSyntaxError(field.value) : templateSyntaxError(field.value);
    if (!reason) continue;
    const message =
      field.form === "expression" ? `the expression "${shortened(field.value)}" does not parse: ${reason}` : reason;
    problems.push({ path: field.path, message });
  }
  return problems;
}

/** Every expression the nodes of an unchecked document hold, templates split into their parts. */
export function expressionsOf(document: unknown): string[] {
  const nodes = (document as { nodes?: unknown } | null)?.nodes;
  const out: string[] = [];
  if (!Array.isArray(nodes)) return out;
  for (const node of nodes as { type?: unknown; data?: unknown }[]) {
    const fields =
      typeof node?.type === "string" && Object.hasOwn(fieldsByKind, node.type)
        ? fieldsByKind[node.type as NodeType]
        : undefined;
    if (!fields || typeof node.data !== "object" || node.data === null) continue;
    for (const field of fields(node.data as Record<string, unknown>)) {
      if (typeof field.value !== "string") continue;
      if (field.form === "expression") out.push(field.value);
      else for (const part of templateParts(field.value)) if ("expression" in part) out.push(part.expression);
    }
  }
  return out;
}
