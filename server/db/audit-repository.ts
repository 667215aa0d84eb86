import { createHash } from "node:crypto";
import type { Prisma } from "./client";
import { toJson } from "./json";

/** Who did it: a person in the browser, or a token acting as its person. */
export interface AuditActor {
  type: "user" | "token";
  id: string;
  name: string;
}

export interface AuditRecord {
  actor: AuditActor;
  action: string;
  target: { type: string; id: string };
  details: Record<string, unknown>;
}

export interface AuditEntryView {
  seq: number;
  at: Date;
  actorType: string;
  actorId: string;
  actorName: string;
  action: string;
  targetType: string;
  targetId: string;
  details: unknown;
  hash: string;
}

/** JSON with every object's keys sorted: the same text for the same value, whatever order a database keeps keys in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The entry's hash: sha256 over the canonical form of everything it says and the hash before it. */
export function auditHash(entry: Omit<AuditEntryView, "hash"> & { workspaceId: string; prevHash: string }): string {
  const { workspaceId, seq, at, actorType, actorId, actorName, action, targetType, targetId, details, prevHash } =
    entry;
  const form = {
    workspaceId,
    seq,
    at: at.toISOString(),
    actorType,
    actorId,
    actorName,
    action,
    targetType,
    targetId,
    details,
    prevHash,
  };
  return createHash("sha256").update(canonicalJson(form)).digest("hex");
}

const GENESIS = "0".repeat(64);

/** A workspace's audit log: append-only, each entry chained to the one before. */
export function auditRepository(prisma: Prisma, workspaceId: string) {
  return {
    /** Appends one entry after the newest; two at once never take the same number (the key), the loser tries again. */
    async append(record: AuditRecord, at = new Date()): Promise<void> {
      for (let tries = 0; ; tries++) {
        try {
          await prisma.$transaction(async (tx) => {
            const last = await tx.auditEntry.findFirst({
              where: { workspaceId },
              orderBy: { seq: "desc" },
              select: { seq: true, hash: true },
            });
            const seq = (last?.seq ?? 0) + 1;
            const prevHash = last?.hash ?? GENESIS;
            const details = JSON.parse(JSON.stringify(record.details)) as Record<string, unknown>;
            const fields = {
              workspaceId,
              seq,
              at,
              actorType: record.actor.type,
              actorId: record.actor.id,
              actorName: record.actor.name,
              action: record.action,
              targetType: record.target.type,
              targetId: record.target.id,
              details,
              prevHash,
            };
            await tx.auditEntry.create({ data: { ...fields, details: toJson(details), hash: auditHash(fields) } });
          });
          return;
        } catch (error) {
          if ((error as { code?: string }).code !== "P2002" || tries >= 5) throw error;
        }
      }
    },

    /** Newest first, a page at a time, optionally of one action. */
    async list(filter: { action?: string; page: number; pageSize: number }) {
      const where = { workspaceId, ...(filter.action && { action: filter.action }) };
      const [total, entries] = await Promise.all([
        prisma.auditEntry.count({ where }),
        prisma.auditEntry.findMany({
          where,
          orderBy: { seq: "desc" },
          skip: filter.page * filter.pageSize,
          take: filter.pageSize,
          select: {
            seq: true,
            at: true,
            actorType: true,
            actorId: true,
            actorName: true,
            action: true,
            targetType: true,
            targetId: true,
            details: true,
            hash: true,
          },
        }),
      ]);
      return { total, entries: entries as AuditEntryView[] };
    },

    /** The actions that occur in this workspace's log, for the filter. */
    async actions(): Promise<string[]> {
      const rows = await prisma.auditEntry.findMany({
        where: { workspaceId },
        distinct: ["action"],
        select: { action: true },
      });
      return rows.map((r) => r.action).sort();
    },
  };
}

/**
 * Recomputes every workspace's chain: each entry's hash from its content and the hash before
 * it, numbers 1, 2, 3… with none missing. The first entry that does not hold is named.
 */
export async function verifyAuditLog(
  prisma: Prisma,
): Promise<
  { ok: true; entries: number } | { ok: false; entries: number; workspaceId: string; seq: number; reason: string }
> {
  let count = 0;
  const workspaces = await prisma.auditEntry.findMany({ distinct: ["workspaceId"], select: { workspaceId: true } });
  for (const { workspaceId } of workspaces) {
    let prevHash = GENESIS;
    let expected = 1;
    for (let after = 0; ; ) {
      const page = await prisma.auditEntry.findMany({
        where: { workspaceId, seq: { gt: after } },
        orderBy: { seq: "asc" },
        take: 1_000,
      });
      if (page.length === 0) break;
      for (const entry of page) {
        count++;
        if (entry.seq !== expected)
          return { ok: false, entries: count, workspaceId, seq: expected, reason: `entry ${expected} is missing` };
        if (entry.prevHash !== prevHash)
          return {
            ok: false,
            entries: count,
            workspaceId,
            seq: entry.seq,
            reason: "it does not follow the entry before it",
          };
        const hash = auditHash({ ...entry, details: entry.details as Record<string, unknown> });
        if (hash !== entry.hash)
          return {
            ok: false,
            entries: count,
            workspaceId,
            seq: entry.seq,
            reason: "its content was changed after it was written",
          };
        prevHash = entry.hash;
        expected++;
      }
      after = page.at(-1)!.seq;
    }
  }
  return { ok: true, entries: count };
}
