import { z } from "zod";
import { jsonLimitProblem, MAX_JSON_DEPTH } from "../json/limits";
import { isNodeType, nodeKind } from "./kinds";

export const SCHEMA_VERSION = 1;
export const NODE_ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

const nodeIdSchema = z
  .string()
  .regex(NODE_ID_PATTERN, "a node id starts with a letter or _ and has only letters, digits and _");

const finite = z.number().finite();

export const flowNodeSchema = z.strictObject({
  id: nodeIdSchema,
  type: z.string().min(1),
  position: z.strictObject({ x: finite, y: finite }),
  parentId: nodeIdSchema.optional(),
  data: z.record(z.string(), z.unknown()),
});

export const flowEdgeSchema = z.strictObject({
  id: z.string().min(1, "an edge id is required").max(200),
  source: nodeIdSchema,
  sourceHandle: z.string().min(1),
  target: nodeIdSchema,
  targetHandle: z.string().min(1),
});

/**
 * The flow file: what is saved, exported and run (docs/flow-format.md). Node `data` is
 * checked against the node kind's own schema, so an unknown kind or a bad config is reported
 * at `nodes.<i>.type` / `nodes.<i>.data.<field>`. Node data is also held to lib/json/limits
 * (no key superjson refuses, at most MAX_JSON_DEPTH levels).
 */
export const flowDocumentSchema = z
  .strictObject({
    schemaVersion: z.literal(SCHEMA_VERSION),
    name: z.string().trim().min(1, "a flow needs a name").max(200),
    description: z.string().max(10_000).default(""),
    nodes: z.array(flowNodeSchema).max(5_000),
    edges: z.array(flowEdgeSchema).max(20_000),
    /** What holds for every run of the flow (docs/flow-format.md, "Flow settings"). */
    settings: z
      .strictObject({
        /** A run still unfinished this long after it started fails (code `max_duration`). */
        maxDurationMs: z
          .number()
          .int()
          .min(1_000)
          .max(30 * 86_400_000)
          .optional(),
        /** A run that fails starts a run of this flow (of the workspace) with what failed: n8n's error workflow. */
        onFailure: z.strictObject({ flowId: z.string().min(1, "pick the flow to start") }).optional(),
      })
      .optional(),
  })
  .superRefine((doc, ctx) => {
    doc.nodes.forEach((node, index) => {
      if (!isNodeType(node.type)) {
        ctx.addIssue({
          code: "custom",
          path: ["nodes", index, "type"],
          message: `unknown node kind "${node.type}"`,
        });
        return;
      }
      // A config that could be saved but not read back (a forbidden key, or nesting the
      // database client and the serializer would recurse through until the stack ends).
      const limit = jsonLimitProblem(node.data);
      if (limit) {
        const { kind, path } = limit;
        ctx.addIssue({
          code: "custom",
          path: ["nodes", index, "data", ...(kind === "key" ? path : path.slice(0, 1))],
          message: kind === "key" ? "key not allowed" : `nests deeper than ${MAX_JSON_DEPTH} levels`,
        });
        return;
      }
      const parsed = nodeKind(node.type).dataSchema.safeParse(node.data);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          ctx.addIssue({ ...issue, code: "custom", path: ["nodes", index, "data", ...issue.path] });
        }
      }
    });
  });

export type FlowDocument = z.infer<typeof flowDocumentSchema>;
export type FlowNode = FlowDocument["nodes"][number];
export type FlowEdge = FlowDocument["edges"][number];

/** A new flow: a start joined to an end, ready to run. */
export function newFlowDocument(name: string): FlowDocument {
  return {
    schemaVersion: SCHEMA_VERSION,
    name,
    description: "",
    nodes: [
      {
        id: "start",
        type: "start",
        position: { x: 0, y: 0 },
        data: nodeKind("start").defaultData() as Record<string, unknown>,
      },
      {
        id: "end",
        type: "end",
        position: { x: 320, y: 0 },
        data: nodeKind("end").defaultData() as Record<string, unknown>,
      },
    ],
    edges: [{ id: "e_start_end", source: "start", sourceHandle: "out", target: "end", targetHandle: "in" }],
  };
}
