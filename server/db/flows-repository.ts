import type { FlowDocument } from "../../lib/flow/document";
import { type Prisma, sqliteConnection } from "./client";
import { NotFound, StaleVersion } from "./errors";
import { toJson } from "./json";
import { queryRow } from "./sqlite-connection";

export interface FlowSummary {
  id: string;
  name: string;
  description: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface FlowRecord extends FlowSummary {
  document: FlowDocument;
  webhook: { token: string; mode: WebhookMode } | null;
}

export type WebhookMode = "sync" | "async";

const summary = { id: true, name: true, description: true, version: true, createdAt: true, updatedAt: true } as const;

/** Stored definition = the document without name/description, which live in their own columns. */
function toDefinition(document: FlowDocument) {
  const { name: _name, description: _description, ...definition } = document;
  return toJson(definition);
}

function toRecord(
  row: FlowSummary & { definition: unknown; webhookToken: string | null; webhookMode: string },
): FlowRecord {
  const { definition, webhookToken, webhookMode, ...rest } = row;
  const document = { ...(definition as object), name: row.name, description: row.description } as FlowDocument;
  const webhook = webhookToken ? { token: webhookToken, mode: webhookMode as WebhookMode } : null;
  return { ...rest, document, webhook };
}

const full = { ...summary, definition: true, webhookToken: true, webhookMode: true } as const;

/** Flows of one workspace. Every query carries the workspace id; there is no other way in. */
export function flowsRepository(prisma: Prisma, workspaceId: string) {
  const scoped = (id: string) => ({ id, workspaceId });

  return {
    list: (): Promise<FlowSummary[]> =>
      prisma.flow.findMany({ where: { workspaceId }, select: summary, orderBy: { updatedAt: "desc" } }),

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
    async setWebhook(id: string, webhook: { token: string; mode: WebhookMode } | null): Promise<void> {
      const { count } = await prisma.flow.updateMany({
        where: scoped(id),
        data: webhook ? { webhookToken: webhook.token, webhookMode: webhook.mode } : { webhookToken: null },
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

/** Parsed definitions by flow id, for the saved state they were read at: webhooks run the same flow over and over. */
const definitions = new Map<string, { saved: string; definition: unknown }>();
const DEFINITIONS_KEPT = 100;

/**
 * The flow a webhook token opens, with its workspace: the token itself is the credential.
 * Every webhook call reads it, so the definition (the large part) is read and parsed only
 * when the flow changed since the last call; the same document object then comes back, and
 * what is derived from it (its check, its compiled graph) is reused too. On SQLite both
 * statements go straight to the shared connection.
 */
export async function flowByWebhookToken(
  prisma: Prisma,
  token: string,
): Promise<(FlowRecord & { workspaceId: string }) | null> {
  const connection = sqliteConnection(prisma);
  const header = connection
    ? sqliteTimes(queryRow<SqliteFlowHeader>(connection, webhookFlowSql, [token]))
    : await prisma.flow.findUnique({
        where: { webhookToken: token },
        select: { ...summary, workspaceId: true, webhookToken: true, webhookMode: true },
      });
  if (!header) return null;
  const saved = `${header.version}@${header.updatedAt.getTime()}`;
  let known = definitions.get(header.id);
  if (known?.saved !== saved) {
    const definition = connection
      ? JSON.parse(queryRow<{ definition: string }>(connection, definitionSql, [header.id])?.definition ?? "null")
      : (await prisma.flow.findUnique({ where: { id: header.id }, select: { definition: true } }))?.definition;
    if (!definition) return null; // deleted between the two reads
    known = { saved, definition };
    definitions.delete(header.id);
    if (definitions.size >= DEFINITIONS_KEPT) definitions.delete(definitions.keys().next().value!);
    definitions.set(header.id, known);
  }
  return { ...toRecord({ ...header, definition: known.definition }), workspaceId: header.workspaceId };
}

const webhookFlowSql = `SELECT "id", "workspaceId", "name", "description", "version", "createdAt", "updatedAt", "webhookToken", "webhookMode" FROM "Flow" WHERE "webhookToken" = ?`;
const definitionSql = `SELECT "definition" FROM "Flow" WHERE "id" = ?`;

type SqliteFlowHeader = Omit<FlowSummary, "createdAt" | "updatedAt"> & {
  workspaceId: string;
  createdAt: string;
  updatedAt: string;
  webhookToken: string | null;
  webhookMode: string;
};

/** A row as SQLite gives it: times as text (as Prisma writes them). */
function sqliteTimes<T extends { createdAt: string; updatedAt: string }>(row: T | undefined) {
  if (!row) return undefined;
  return { ...row, createdAt: new Date(row.createdAt), updatedAt: new Date(row.updatedAt) };
}
