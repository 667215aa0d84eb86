import { z } from "zod";
import { diffFlows } from "../../../lib/flow/diff";
import { runStatuses } from "../../../lib/run/events";
import { runAnswer, watchRunEnds } from "../../runs/run-ends";
import { approvalRoutes } from "./approval-routes";
import { type ApiRoute, route } from "./route";
import { scheduleRoutes } from "./schedule-routes";
import { anyJson, document, id, idParams, iso, versionNumber, when } from "./schemas";

/*
 * The public REST API (../shared/design/api.md), route by route. Each is a thin view of the
 * tRPC procedures the browser uses, called as the token's person in the token's workspace, so
 * roles, scoping and validation are the procedures' own; these schemas say what crosses the
 * wire and generate /api/v1/openapi.json. Bodies are strict: an unknown field is a 400.
 */

const diffSchema = z.object({
  nodes: z.object({
    added: z.array(z.string()),
    removed: z.array(z.string()),
    changed: z.array(z.object({ id: z.string(), fields: z.array(z.string()) })),
  }),
  edges: z.object({ added: z.array(z.string()), removed: z.array(z.string()) }),
});

const runSchema = z.object({
  id: z.string(),
  flowId: z.string(),
  flowVersion: z.number().int().nullable().describe("the published version it ran; null: the draft"),
  status: z.enum(runStatuses),
  input: anyJson,
  output: anyJson,
  error: anyJson,
  startedAt: when,
  endedAt: when.nullable(),
  parentRunId: z.string().nullable(),
  parentNodeId: z.string().nullable(),
  retryOfId: z.string().nullable(),
});

const flowRoutes: ApiRoute[] = [
  route({
    method: "GET",
    path: "/flows",
    tag: "Flows and versions",
    summary: "The workspace's flows",
    response: z.object({
      flows: z.array(
        z.object({ id: z.string(), name: z.string(), publishedVersion: z.number().int().nullable(), updatedAt: when }),
      ),
    }),
    async handle(call) {
      const flows = await call.flows.list();
      return {
        flows: flows.map((f) => ({
          id: f.id,
          name: f.name,
          publishedVersion: f.publishedVersion,
          updatedAt: f.updatedAt.toISOString(),
        })),
      };
    },
  }),
  route({
    method: "POST",
    path: "/flows",
    tag: "Flows and versions",
    summary: "Create a flow; the document becomes its draft",
    status: 201,
    body: z.strictObject({ document }),
    response: z.object({ id: z.string() }),
    async handle(call, { body }) {
      const { id } = await call.flows.import({ document: body.document });
      return { id };
    },
  }),
  route({
    method: "GET",
    path: "/flows/{id}",
    tag: "Flows and versions",
    summary: "A flow with its draft",
    params: idParams,
    response: z.object({
      id: z.string(),
      name: z.string(),
      draft: document,
      draftRevision: z.number().int(),
      publishedVersion: z.number().int().nullable(),
    }),
    async handle(call, { params }) {
      const flow = await call.flows.get({ id: params.id });
      return {
        id: flow.id,
        name: flow.name,
        draft: flow.document,
        draftRevision: flow.version,
        publishedVersion: flow.publishedVersion,
      };
    },
  }),
  route({
    method: "PUT",
    path: "/flows/{id}/draft",
    tag: "Flows and versions",
    summary: "Save the draft; 409 when someone saved in between",
    params: idParams,
    body: z.strictObject({ document, expectedRevision: z.number().int().positive() }),
    response: z.object({ draftRevision: z.number().int() }),
    async handle(call, { params, body }) {
      const saved = await call.flows.save({
        id: params.id,
        expectedVersion: body.expectedRevision,
        document: body.document,
      });
      return { draftRevision: saved.version };
    },
  }),
  route({
    method: "POST",
    path: "/flows/{id}/publish",
    tag: "Flows and versions",
    summary: "Freeze the draft as the next version; 422 with the problems while it has errors",
    status: 201,
    unprocessable: true,
    params: idParams,
    body: z.strictObject({ message: z.string().max(500).optional() }),
    response: z.object({ version: z.number().int() }),
    async handle(call, { params, body }) {
      const flow = await call.flows.get({ id: params.id });
      return call.flows.publish({ id: params.id, expectedVersion: flow.version, message: body.message ?? "" });
    },
  }),
  route({
    method: "GET",
    path: "/flows/{id}/versions",
    tag: "Flows and versions",
    summary: "Published versions, newest first",
    params: idParams,
    response: z.object({
      versions: z.array(
        z.object({
          version: z.number().int(),
          message: z.string(),
          publishedBy: z.string().nullable(),
          publishedAt: when,
        }),
      ),
    }),
    async handle(call, { params }) {
      const versions = await call.flows.versions({ id: params.id });
      return {
        versions: versions.map((v) => ({
          version: v.version,
          message: v.message,
          publishedBy: v.publishedBy,
          publishedAt: v.publishedAt.toISOString(),
        })),
      };
    },
  }),
  route({
    method: "GET",
    path: "/flows/{id}/versions/{v}",
    tag: "Flows and versions",
    summary: "One published version's document",
    params: z.strictObject({ id, v: versionNumber }),
    response: z.object({ version: z.number().int(), document }),
    handle: (call, { params }) => call.flows.version({ id: params.id, version: params.v }),
  }),
  route({
    method: "GET",
    path: "/flows/{id}/diff",
    tag: "Flows and versions",
    summary: "What changed from one version (or the draft) to another",
    params: idParams,
    query: z.strictObject({
      from: z.union([z.literal("draft"), versionNumber]),
      to: z.union([z.literal("draft"), versionNumber]),
    }),
    response: diffSchema,
    async handle(call, { params, query }) {
      const documentOf = async (which: "draft" | number) =>
        which === "draft"
          ? (await call.flows.get({ id: params.id })).document
          : (await call.flows.version({ id: params.id, version: which })).document;
      return diffFlows(await documentOf(query.from), await documentOf(query.to));
    },
  }),
  route({
    method: "POST",
    path: "/flows/{id}/restore",
    tag: "Flows and versions",
    summary: "Make the draft a copy of a published version",
    params: idParams,
    body: z.strictObject({ version: z.number().int().positive() }),
    response: z.object({ draftRevision: z.number().int() }),
    async handle(call, { params, body }) {
      const flow = await call.flows.get({ id: params.id });
      const restored = await call.flows.restore({
        id: params.id,
        version: body.version,
        expectedVersion: flow.version,
      });
      return { draftRevision: restored.version };
    },
  }),
];

const runRoutes: ApiRoute[] = [
  route({
    method: "POST",
    path: "/flows/{id}/runs",
    tag: "Runs",
    summary: "Start a run (of the newest published version unless told); 409 for a flow never published",
    status: 201,
    params: idParams,
    body: z.strictObject({
      input: z.record(z.string(), z.unknown()).optional(),
      version: z.union([z.number().int().positive(), z.enum(["published", "draft"])]).optional(),
      waitMs: z.number().int().min(0).max(60_000).optional().describe("answer when the run ends or this is up"),
    }),
    response: z.object({
      runId: z.string(),
      status: z.string(),
      output: anyJson.optional(),
      error: anyJson.optional(),
    }),
    async handle(call, { params, body }, { bus, shutdown }) {
      const ends = watchRunEnds(bus); // before the start: an instant run's end is not missed
      try {
        const { runId } = await call.runs.start({
          flowId: params.id,
          input: body.input ?? {},
          version: body.version ?? "published",
        });
        return runAnswer(runId, await ends.wait(runId, body.waitMs ?? 0, shutdown)).body;
      } finally {
        ends.stop();
      }
    },
  }),
  route({
    method: "GET",
    path: "/runs",
    tag: "Runs",
    summary: "The workspace's runs, newest first, a page at a time",
    query: z.strictObject({
      flowId: id.optional(),
      status: z.enum(runStatuses).optional(),
      cursor: z
        .string()
        .regex(/^\d{1,6}$/, "a cursor from nextCursor")
        .optional(),
    }),
    response: z.object({
      runs: z.array(
        z.object({
          id: z.string(),
          flowId: z.string(),
          flowVersion: z.number().int().nullable(),
          status: z.enum(runStatuses),
          startedAt: when,
          endedAt: when.nullable(),
          retryOfId: z.string().nullable(),
        }),
      ),
      nextCursor: z.string().nullable(),
    }),
    async handle(call, { query }) {
      const page = Number(query.cursor ?? 0);
      const pageSize = 50;
      const list = await call.runs.list({
        flowId: query.flowId,
        statuses: query.status ? [query.status] : [],
        page,
        pageSize,
      });
      return {
        runs: list.items.map((r) => ({
          id: r.id,
          flowId: r.flowId,
          flowVersion: r.flowVersion,
          status: r.status,
          startedAt: r.createdAt.toISOString(),
          endedAt: iso(r.finishedAt),
          retryOfId: r.retryOfId,
        })),
        nextCursor: (page + 1) * pageSize < list.total ? String(page + 1) : null,
      };
    },
  }),
  route({
    method: "GET",
    path: "/runs/{id}",
    tag: "Runs",
    summary: "One run",
    params: idParams,
    response: runSchema,
    async handle(call, { params }) {
      const run = await call.runs.get({ id: params.id });
      return {
        id: run.id,
        flowId: run.flowId,
        flowVersion: run.flowVersion,
        status: run.status,
        input: run.input,
        output: run.output,
        error: run.error,
        startedAt: run.createdAt.toISOString(),
        endedAt: iso(run.finishedAt),
        parentRunId: run.parentRunId,
        parentNodeId: run.parentNodeId,
        retryOfId: run.retryOfId,
      };
    },
  }),
  route({
    method: "GET",
    path: "/runs/{id}/events",
    tag: "Runs",
    summary: "The run's events after a seq, 1,000 at most per page",
    params: idParams,
    query: z.strictObject({ after: z.coerce.number().int().nonnegative().optional() }),
    response: z.object({
      events: z.array(z.object({ seq: z.number().int(), type: z.string() }).catchall(z.unknown())),
      nextAfter: z.number().int().nullable(),
    }),
    async handle(call, { params, query }) {
      const events = (await call.runs.events({ id: params.id, afterSeq: query.after ?? 0 })).slice(0, EVENTS_PAGE);
      return { events, nextAfter: events.length === EVENTS_PAGE ? events.at(-1)!.seq : null };
    },
  }),
  route({
    method: "POST",
    path: "/runs/{id}/cancel",
    tag: "Runs",
    summary: "Cancel a run: attempts in flight are aborted; with compensate, the steps that succeeded are undone first",
    params: idParams,
    body: z.strictObject({ compensate: z.boolean().optional() }),
    response: z.object({ status: z.enum(runStatuses) }),
    async handle(call, { params, body }) {
      await call.runs.cancel({ id: params.id, compensate: body.compensate ?? false });
      return { status: (await call.runs.get({ id: params.id })).status };
    },
  }),
  route({
    method: "POST",
    path: "/runs/{id}/pause",
    tag: "Runs",
    summary: "Pause a run: no new step starts, steps in flight finish; 409 when it is not running",
    params: idParams,
    body: z.strictObject({}),
    response: z.object({ status: z.enum(runStatuses) }),
    async handle(call, { params }) {
      await call.runs.pause({ id: params.id });
      return { status: (await call.runs.get({ id: params.id })).status };
    },
  }),
  route({
    method: "POST",
    path: "/runs/{id}/resume",
    tag: "Runs",
    summary: "Resume a paused run; 409 when it is not paused",
    params: idParams,
    body: z.strictObject({}),
    response: z.object({ status: z.enum(runStatuses) }),
    async handle(call, { params }) {
      await call.runs.resume({ id: params.id });
      return { status: (await call.runs.get({ id: params.id })).status };
    },
  }),
  route({
    method: "POST",
    path: "/runs/{id}/retry",
    tag: "Runs",
    summary: "Retry a failed run from where it failed, on the same snapshot or the newest published version",
    status: 201,
    params: idParams,
    body: z.strictObject({
      version: z.enum(["same", "latest"]).optional(),
      fromNodeId: z
        .string()
        .min(1)
        .max(100)
        .optional()
        .describe("run again from this node; it and what follows lose their outputs"),
      input: z
        .record(z.string(), z.unknown())
        .optional()
        .describe("a new run input; the start node runs again with it"),
    }),
    response: z.object({ runId: z.string() }),
    handle: (call, { params, body }) =>
      call.runs.retry({
        id: params.id,
        version: body.version ?? "same",
        fromNodeId: body.fromNodeId,
        input: body.input,
      }),
  }),
];

const EVENTS_PAGE = 1_000;

export const apiRoutes: ApiRoute[] = [...flowRoutes, ...runRoutes, ...approvalRoutes, ...scheduleRoutes];
