import type { AuditActor, AuditRecord } from "../db/audit-repository";

type Described = Omit<AuditRecord, "actor">;
// Inputs and results as the procedures take and give them; read loosely here, by name.
type Loose = Record<string, unknown>;
const str = (v: unknown) => (typeof v === "string" ? v : String(v ?? ""));
/** How a webhook answers and whether it checks signatures (never the secret: a credential id). */
const webhookDetails = (options: unknown) => {
  const o = (options ?? {}) as { answer?: unknown; signature?: { header?: unknown } | null };
  return { answer: o.answer ?? "envelope", signed: o.signature ? str(o.signature.header).toLowerCase() : null };
};

/**
 * Every mutation that changes what a workspace is or does, and how the audit log says it: one
 * entry each, after the mutation succeeded. Secrets (a credential's value, a token's secret,
 * a webhook's address) are never in `details`. A mutation not listed here is not audited
 * (saving a draft, starting a run: the runs list and history keep those).
 */
const audited: Record<string, (input: Loose, result: Loose) => Described> = {
  "flows.publish": (i, r) => ({
    action: "flow.published",
    target: { type: "flow", id: str(i.id) },
    details: { version: r.version, message: i.message ?? "" },
  }),
  "flows.restore": (i) => ({
    action: "flow.restored",
    target: { type: "flow", id: str(i.id) },
    details: { version: i.version },
  }),
  "flows.rename": (i) => ({
    action: "flow.renamed",
    target: { type: "flow", id: str(i.id) },
    details: { name: i.name },
  }),
  "flows.remove": (i) => ({ action: "flow.deleted", target: { type: "flow", id: str(i.id) }, details: {} }),
  "flows.setWebhook": (i) => ({
    action: i.enabled ? "flow.webhook_on" : "flow.webhook_off",
    target: { type: "flow", id: str(i.id) },
    details: i.enabled ? { mode: i.mode ?? "async", ...webhookDetails(i.options) } : {},
  }),
  "flows.setWebhookOptions": (i) => ({
    action: "flow.webhook_changed",
    target: { type: "flow", id: str(i.id) },
    details: { mode: i.mode, ...webhookDetails(i.options) },
  }),
  "schedules.create": (i, r) => ({
    action: "schedule.created",
    target: { type: "flow", id: str(i.flowId) },
    details: { schedule: r.id, cron: i.cron, timezone: i.timezone ?? "UTC", enabled: i.enabled ?? true },
  }),
  "schedules.setEnabled": (i) => ({
    action: i.enabled ? "schedule.enabled" : "schedule.disabled",
    target: { type: "schedule", id: str(i.id) },
    details: {},
  }),
  "schedules.remove": (i) => ({ action: "schedule.deleted", target: { type: "schedule", id: str(i.id) }, details: {} }),
  "credentials.create": (i, r) => ({
    action: "credential.created",
    target: { type: "credential", id: str(r.id) },
    details: { name: i.name },
  }),
  "credentials.remove": (i) => ({
    action: "credential.deleted",
    target: { type: "credential", id: str(i.id) },
    details: {},
  }),
  "team.createInvite": (i, r) => ({
    action: "member.invited",
    target: { type: "invite", id: str(r.id) },
    details: { role: i.role },
  }),
  "team.revokeInvite": (i) => ({ action: "invite.revoked", target: { type: "invite", id: str(i.id) }, details: {} }),
  "team.setRole": (i) => ({
    action: "member.role_changed",
    target: { type: "user", id: str(i.userId) },
    details: { role: i.role },
  }),
  "team.removeMember": (i) => ({ action: "member.removed", target: { type: "user", id: str(i.userId) }, details: {} }),
  "team.createGroup": (i, r) => ({
    action: "group.created",
    target: { type: "group", id: str(r.id) },
    details: { name: i.name },
  }),
  "team.removeGroup": (i) => ({ action: "group.removed", target: { type: "group", id: str(i.id) }, details: {} }),
  "team.setGroupMembers": (i) => ({
    action: "group.members_set",
    target: { type: "group", id: str(i.id) },
    details: { members: i.userIds },
  }),
  "settings.setOutboundAllow": (i) => ({
    action: "network.allowlist_set",
    target: { type: "workspace", id: "" },
    details: { entries: i.entries },
  }),
  "health.resetBreaker": (i) => ({
    action: "breaker.reset",
    target: { type: "breaker", id: str(i.key) },
    details: {},
  }),
  "settings.setModelPrices": (i) => ({
    action: "models.prices_set",
    target: { type: "workspace", id: "" },
    details: { prices: i.prices },
  }),
  "settings.setRunRetention": (i) => ({
    action: "runs.retention_set",
    target: { type: "workspace", id: "" },
    details: { days: i.days ?? null },
  }),
  "tokens.create": (i, r) => ({
    action: "token.created",
    target: { type: "token", id: str(r.id) },
    details: { name: i.name, role: i.role ?? null, expiresInDays: i.expiresInDays ?? null },
  }),
  "tokens.revoke": (i) => ({ action: "token.revoked", target: { type: "token", id: str(i.id) }, details: {} }),
  "inbox.decide": (i) => ({
    action: "approval.decided",
    target: { type: "task", id: str(i.taskId) },
    details: {
      decision: i.decision,
      comment: i.comment ?? "",
      ...(i.args !== undefined && { args: i.args }),
    },
  }),
  "runs.decide": (i) => ({
    action: "approval.decided",
    target: { type: "run", id: str(i.runId) },
    details: { nodeId: i.nodeId, decision: i.decision, comment: i.comment ?? "" },
  }),
  "runs.cancel": (i) => ({ action: "run.cancelled", target: { type: "run", id: str(i.id) }, details: {} }),
  "runs.retryMany": (i) => ({
    action: "runs.retried",
    target: { type: "run", id: "" },
    details: { ids: i.ids, version: i.version ?? "same" },
  }),
  "runs.dismiss": (i) => ({ action: "runs.dismissed", target: { type: "run", id: "" }, details: { ids: i.ids } }),
  "runs.pause": (i) => ({ action: "run.paused", target: { type: "run", id: str(i.id) }, details: {} }),
  "runs.resume": (i) => ({ action: "run.resumed", target: { type: "run", id: str(i.id) }, details: {} }),
  "runs.retry": (i, r) => ({
    action: "run.retried",
    target: { type: "run", id: str(i.id) },
    details: { newRunId: r.runId, version: i.version ?? "same" },
  }),
};

/** Whether a mutation at `path` goes into the audit log. */
export const isAudited = (path: string) => path in audited;

/** What the audit log says about a successful mutation at `path`, or undefined when it is not audited. */
export function auditRecord(path: string, input: unknown, result: unknown, actor: AuditActor): AuditRecord | undefined {
  const says = audited[path];
  if (!says) return undefined;
  return { actor, ...says((input ?? {}) as Loose, (result ?? {}) as Loose) };
}
