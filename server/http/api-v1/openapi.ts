import { z } from "zod";
import packageJson from "../../../package.json" with { type: "json" };
import type { ApiRoute } from "./route";

type JsonSchema = { properties?: Record<string, unknown>; required?: string[]; [key: string]: unknown };

/** zod → JSON Schema 2020-12 (OpenAPI 3.1's dialect), by zod itself. */
const schemaOf = (schema: z.ZodType, io: "input" | "output"): JsonSchema => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  return rest;
};

const errorSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string" },
        message: { type: "string" },
        path: { type: "string", description: "the first bad field, e.g. body.document.nodes.2.id" },
      },
    },
  },
};

/** Path or query parameters from an object schema. */
function parameters(schema: z.ZodType | undefined, where: "path" | "query") {
  if (!schema) return [];
  const json = schemaOf(schema, "input");
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === "path" || (json.required ?? []).includes(name),
    schema: property,
  }));
}

/** The OpenAPI 3.1 description of /api/v1, generated from the routes' own schemas (served at /api/v1/openapi.json). */
export function openApiDocument(routes: readonly ApiRoute[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const status = String(r.status ?? 200);
    paths[`/api/v1${r.path}`] ??= {};
    paths[`/api/v1${r.path}`]![r.method.toLowerCase()] = {
      summary: r.summary,
      tags: [r.tag],
      parameters: [...parameters(r.params, "path"), ...parameters(r.query, "query")],
      ...(r.body && {
        requestBody: { required: true, content: { "application/json": { schema: schemaOf(r.body, "input") } } },
      }),
      responses: {
        [status]: { description: "Done", content: { "application/json": { schema: schemaOf(r.response, "output") } } },
        default: {
          description: "An error: 400 bad input (with its path), 401, 403, 404, 409, 422",
          content: { "application/json": { schema: errorSchema } },
        },
      },
    };
  }
  // Not a route of the token's person: the token in the address is the credential (api.md).
  paths["/api/v1/resume/{token}"] = {
    post: {
      summary: "Resume a waiting `wait` step with any JSON body (its output); works once, then 404",
      tags: ["Runs"],
      security: [],
      parameters: [{ name: "token", in: "path", required: true, schema: { type: "string" } }],
      requestBody: { required: false, content: { "application/json": { schema: {} } } },
      responses: {
        "202": {
          description: "Resumed",
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["resumed", "runId", "nodeId"],
                properties: { resumed: { type: "boolean" }, runId: { type: "string" }, nodeId: { type: "string" } },
              },
            },
          },
        },
        default: {
          description: "An error: 400 bad JSON, 404 nothing waits at this address, 413 body too large",
          content: { "application/json": { schema: errorSchema } },
        },
      },
    },
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "Switchyard API",
      version: packageJson.version,
      description: "Flows, versions and runs of one workspace, as a personal access token's person may reach them.",
    },
    security: [{ token: [] }],
    components: {
      securitySchemes: { token: { type: "http", scheme: "bearer", description: "Settings → API tokens" } },
    },
    paths,
  };
}
