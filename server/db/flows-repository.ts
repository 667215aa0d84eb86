import type { FlowDocument } from "../../lib/flow/document";
import { type CallTarget, calledFlowIds } from "../../lib/flow/subflow-checks";
import { defaultWebhookOptions, readWebhookOptions, type WebhookOptions } from "../../lib/webhook/options";
import { type Prisma, sqliteConnection } from "./client";
import { NotFound, StaleVersion } from "./errors";
import { toJson } from "./json";
import { queryRow } from "./sqlite-connection";

export interface FlowSummary {
  id: string;
  name: string;
  description: string;
  /** The draft's revision (optimistic concurrency for saves). */
  version: number;
  /** The newest published version; null until the flow is first published. */
  publishedVersion: number | null;
  createdAt: Date;
  updatedAt: Date;
}

/** One published version, as the history lists it. */
export interface FlowVersionSummary {
  version: number;
  message: string;
  publishedById: string;
  /** Null when the person is no longer a member. */
  publishedBy: string | null;
  publishedAt: Date;
}

export interface FlowRecord extends FlowSummary {
  document: FlowDocument;
  webhook: { token: string; mode: WebhookMode; options: WebhookOptions } | null;
}

export type WebhookMode = "sync" | "async";

const summary = {
  id: true,
  name: true,
  description: true,
  version: true,
  publishedVersion: true,
  createdAt: true,
  updatedAt: true,
} as const;

/** Stored definition = the document without name/description, which live in their own columns. */
function toDefinition(document: FlowDocument) {
  const { name: _name, description: _description, ...definition } = document;
  return toJson(definition);
}

function toRecord(
  row: FlowSummary & { definition: unknown; webhookToken: string | null; webhookMode: string; webhookOptions: unknown },
): FlowRecord {
  const { definition, webhookToken, webhookMode, webhookOptions, ...rest } = row;
  const document = { ...(definition as object), name: row.name, description: row.description } as FlowDocument;
  const webhook = webhookToken
    ? { token: webhookToken, mode: webhookMode as WebhookMode, options: readWebhookOptions(webhookOptions) }
    : null;
  return { ...rest, document, webhook };
}

const full = { ...summary, definition: true, webhookToken: true, webhookMode: true, webhookOptions: true } as const;

/** Flows of one workspace. Every query carries the workspace id; there is no other way in. */
export function flowsRepository(prisma: Prisma, workspaceId: string) {
  const scoped = (id: string) => ({ id, workspaceId });

  return {
    list: (): Promise<FlowSummary[]> =>
      prisma.flow.findMany({ where: { workspaceId }, select: summary, orderBy: { updatedAt: "desc" } }),

    /**
     * What a sub-flow node may call: every flow of the workspace, with the start node's input
     * fields of the version a call runs by default (the newest published one).
     */
    async callTargets(): Promise<(CallTarget & { inputs: unknown })[]> {
      const flows = await prisma.flow.findMany({
        where: { workspaceId },
        select: { id: true, name: true, publishedVersion: true },
        orderBy: { name: "asc" },
      });
      const published = await prisma.flowVersion.findMany({
        where: {
          OR: flows.flatMap((f) => (f.publishedVersion ? [{ flowId: f.id, version: f.publishedVersion }] : [])),
        },
        select: { flowId: true, document: true },
      });
      const documents = new Map(published.map((v) => [v.flowId, v.document as FlowDocument]));
      return flows.map((f) => {
        const document = documents.get(f.id);
        const start = document?.nodes.find((n) => n.type === "start");
        return { ...f, inputs: start?.data.inputs ?? [], calls: document ? calledFlowIds(document) : [] };
      });
    },

    async get(id: string): Promise<FlowRecord> {
      const row = await prisma.flow.findFirst({ where: scoped(id), select: full });
      if (!row) throw new NotFound("flow");
      return toRecord(row);
    },

    async create(document: FlowDocument, createdById: string): Promise<FlowRecord> {
      const row = await prisma.flow.create({
        data: {
          workspaceId,
          createdById,
          name: document.name,
          description: document.description,
          definition: toDefinition(document),
          schemaVersion: document.schemaVersion,
        },
        select: full,
      });
      return toRecord(row);
    },

    /** Saves only if the flow is still at `expectedVersion`; otherwise StaleVersion. */
    async save(id: string, expectedVersion: number, document: FlowDocument): Promise<FlowSummary> {
      const { count } = await prisma.flow.updateMany({
        where: { ...scoped(id), version: expectedVersion },
        data: {
          name: document.name,
          description: document.description,
          definition: toDefinition(document),
          schemaVersion: document.schemaVersion,
          version: { increment: 1 },
        },
      });
      if (count === 0) await this.throwWhyNotUpdated(id);
      return prisma.flow.findFirstOrThrow({ where: scoped(id), select: summary });
    },

    /**
     * Freezes `document` (the draft the caller checked, at revision `draftRevision`) as the next
     * version. Refused (StaleVersion) when the draft moved on meanwhile; two publishes at once
     * cannot take the same number (the version is the key).
     */
    async publish(
      id: string,
      draftRevision: number,
      document: FlowDocument,
      message: string,
      publishedById: string,
    ): Promise<{ version: number }> {
      return prisma.$transaction(async (tx) => {
        const flow = await tx.flow.findFirst({ where: scoped(id), select: { version: true, publishedVersion: true } });
        if (!flow) throw new NotFound("flow");
        if (flow.version !== draftRevision) throw new StaleVersion(flow.version);
        const version = (flow.publishedVersion ?? 0) + 1;
        await tx.flowVersion.create({
          data: { flowId: id, version, document: toJson(document), message, publishedById },
        });
        await tx.flow.updateMany({ where: scoped(id), data: { publishedVersion: version } });
        return { version };
      });
    },

    /** Published versions, newest first. */
    async versions(id: string): Promise<FlowVersionSummary[]> {
      const flow = await prisma.flow.findFirst({ where: scoped(id), select: { id: true } });
      if (!flow) throw new NotFound("flow");
      const rows = await prisma.flowVersion.findMany({
        where: { flowId: id },
        select: { version: true, message: true, publishedById: true, publishedAt: true },
        orderBy: { version: "desc" },
      });
      const people = await prisma.user.findMany({
        where: { id: { in: [...new Set(rows.map((r) => r.publishedById))] }, memberships: { some: { workspaceId } } },
        select: { id: true, name: true },
      });
      const names = new Map(people.map((p) => [p.id, p.name]));
      return rows.map((r) => ({ ...r, publishedBy: names.get(r.publishedById) ?? null }));
    },

    /** One published version's document. */
    async version(id: string, version: number): Promise<FlowDocument> {
      const row = await prisma.flowVersion.findFirst({
        where: { flowId: id, version, flow: { workspaceId } },
        select: { document: true },
      });
      if (!row) throw new NotFound("version");
      return row.document as FlowDocument;
    },

    async rename(id: string, name: string): Promise<FlowSummary> {
      const { count } = await prisma.flow.updateMany({ where: scoped(id), data: { name, version: { increment: 1 } } });
      if (count === 0) throw new NotFound("flow");
      return prisma.flow.findFirstOrThrow({ where: scoped(id), select: summary });
    },

    async remove(id: string): Promise<void> {
      const { count } = await prisma.flow.deleteMany({ where: scoped(id) });
      if (count === 0) throw new NotFound("flow");
    },

    /** Turns the flow's webhook on with a fresh token (revoking any earlier one), or changes its mode. */
    async setWebhook(
      id: string,
      webhook: { token: string; mode: WebhookMode; options: WebhookOptions } | null,
    ): Promise<void> {
      const { count } = await prisma.flow.updateMany({
        where: scoped(id),
        data: webhook
          ? { webhookToken: webhook.token, webhookMode: webhook.mode, webhookOptions: toJson(webhook.options) }
          : { webhookToken: null },
      });
      if (count === 0) throw new NotFound("flow");
    },

    async throwWhyNotUpdated(id: string): Promise<never> {
      const current = await prisma.flow.findFirst({ where: scoped(id), select: { version: true } });
      if (!current) throw new NotFound("flow");
      throw new StaleVersion(current.version);
    },
  };
}
export type FlowsRepository = ReturnType<typeof flowsRepository>;

/** What a webhook token opens: the flow, its workspace and what it runs. */
export interface WebhookTarget {
  id: string;
  workspaceId: string;
  mode: WebhookMode;
  options: WebhookOptions;
  /** The newest published version and its document; null for a flow never published. */
  published: { version: number; document: FlowDocument } | null;
}

/** Published documents by "flowId@version": a version never changes, so each is read and parsed once. */
const publishedDocuments = new Map<string, FlowDocument>();
const DOCUMENTS_KEPT = 100;

/**
 * The flow a webhook token opens, with its workspace: the token itself is the credential.
 * Webhooks run the newest published version. Every call reads the flow's row (the token may
 * be revoked, a new version published, from any process); the version's document is read and
 * parsed once, and the same object comes back each time, so what is derived from it (its
 * check, its compiled graph) is reused too. On SQLite the statements go straight to the
 * shared connection.
 */
export async function flowByWebhookToken(prisma: Prisma, token: string): Promise<WebhookTarget | null> {
  const connection = sqliteConnection(prisma);
  const row = connection
    ? queryRow<WebhookRow>(connection, webhookFlowSql, [token])
    : await prisma.flow.findUnique({
        where: { webhookToken: token },
        select: { id: true, workspaceId: true, webhookMode: true, webhookOptions: true, publishedVersion: true },
      });
  if (!row) return null;
  const { id, workspaceId, publishedVersion } = row;
  // SQLite hands JSON back as text; null (most webhooks) skips the parse.
  const stored = typeof row.webhookOptions === "string" ? JSON.parse(row.webhookOptions) : row.webhookOptions;
  const options = stored === null ? defaultWebhookOptions : readWebhookOptions(stored);
  const target = { id, workspaceId, mode: row.webhookMode as WebhookMode, options };
  if (publishedVersion === null) return { ...target, published: null };
  const key = `${id}@${publishedVersion}`;
  let document = publishedDocuments.get(key);
  if (!document) {
    const stored = connection
      ? JSON.parse(queryRow<{ document: string }>(connection, versionSql, [id, publishedVersion])?.document ?? "null")
      : (await prisma.flowVersion.findUnique({ where: { flowId_version: { flowId: id, version: publishedVersion } } }))
          ?.document;
    if (!stored) return { ...target, published: null };
    document = stored as FlowDocument;
    if (publishedDocuments.size >= DOCUMENTS_KEPT) publishedDocuments.delete(publishedDocuments.keys().next().value!);
    publishedDocuments.set(key, document);
  }
  return { ...target, published: { version: publishedVersion, document } };
}

const webhookFlowSql = `SELECT "id", "workspaceId", "webhookMode", "webhookOptions", "publishedVersion" FROM "Flow" WHERE "webhookToken" = ?`;
const versionSql = `SELECT "document" FROM "FlowVersion" WHERE "flowId" = ? AND "version" = ?`;

interface WebhookRow {
  id: string;
  workspaceId: string;
  webhookMode: string;
  webhookOptions: unknown;
  publishedVersion: number | null;
}
