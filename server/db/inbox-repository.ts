import { type AssigneeIdentity, isAssignee } from "../../lib/run/assignees";
import type { Assignees } from "../../lib/run/events";
import type {
  InboxTab,
  InboxTask,
  TaskDecision,
  TaskEscalation,
  TaskFormField,
  TaskToolCall,
} from "../../lib/run/inbox";
import type { Prisma } from "./client";
import { NotFound } from "./errors";

/** A person looking at the inbox: who they are, their role and groups in this workspace. */
export interface InboxViewer extends AssigneeIdentity {
  groups: string[];
}

/** Open tasks are read whole and filtered by assignment here (assignees are JSON); more is unusual. */
const OPEN_LIMIT = 2_000;
/** A member's history is looked for among the workspace's most recently closed tasks (filtered here too). */
const CLOSED_LIMIT = 2_000;

const taskInclude = {
  run: { select: { flowId: true, flow: { select: { name: true } } } },
  decisions: { orderBy: { at: "asc" as const } },
};

/** An approval task by the step it belongs to, and its status. */
export interface TaskRef {
  id: string;
  runId: string;
  nodeId: string;
  path: number[];
  /** An agent's tool call ("" for an approval node). */
  callId: string;
  status: string;
}
const taskRef = { id: true, runId: true, nodeId: true, path: true, callId: true, status: true } as const;
const toPath = (path: string) => (path === "" ? [] : path.split(".").map(Number));
const toTaskRef = (row: Omit<TaskRef, "path"> & { path: string }): TaskRef => ({ ...row, path: toPath(row.path) });

type TaskRow = Awaited<ReturnType<Prisma["approvalTask"]["findFirstOrThrow"]>> & {
  run: { flowId: string; flow: { name: string } };
  decisions: {
    userId: string;
    userName: string;
    decision: string;
    comment: string;
    form: unknown;
    at: Date;
  }[];
};

/** Approval tasks of one workspace, as the inbox shows them. Written only by approval-tasks.ts. */
export function inboxRepository(prisma: Prisma, workspaceId: string) {
  const names = async (ids: (string | null)[]) => {
    const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
    if (wanted.length === 0) return new Map<string, string>();
    const users = await prisma.user.findMany({ where: { id: { in: wanted } }, select: { id: true, name: true } });
    return new Map(users.map((u) => [u.id, u.name]));
  };

  const toTasks = async (rows: TaskRow[], viewer: InboxViewer): Promise<InboxTask[]> => {
    const requesters = await names(
      rows.flatMap((r) => [r.requestedById, ...((r.assignees as Assignees | null)?.users ?? [])]),
    );
    return rows.map((row) => toTask(row, viewer, requesters));
  };

  /** Open tasks whose assignees include the viewer and that still wait for the viewer's decision. */
  const mine = (rows: TaskRow[], viewer: InboxViewer) =>
    rows.filter(
      (r) =>
        viewer.role !== "viewer" &&
        isAssignee(r.assignees as Assignees, viewer) &&
        !r.decisions.some((d) => d.userId === viewer.id),
    );

  const openRows = () =>
    prisma.approvalTask.findMany({
      where: { workspaceId, status: "open" },
      include: taskInclude,
      orderBy: [{ dueAt: { sort: "asc", nulls: "last" } }, { createdAt: "asc" }],
      take: OPEN_LIMIT,
    }) as Promise<TaskRow[]>;

  return {
    /** Names of the groups a member is in. */
    async groupsOf(userId: string): Promise<string[]> {
      const rows = await prisma.groupMember.findMany({
        where: { userId, group: { workspaceId } },
        select: { group: { select: { name: true } } },
      });
      return rows.map((r) => r.group.name);
    },

    async list(tab: InboxTab, viewer: InboxViewer, page = 0, pageSize = 50): Promise<InboxTask[]> {
      if (tab === "decided") {
        const closed = (take: number, skip = 0) =>
          prisma.approvalTask.findMany({
            where: { workspaceId, status: { not: "open" } },
            include: taskInclude,
            orderBy: [{ closedAt: "desc" }, { id: "desc" }],
            skip,
            take,
          }) as Promise<TaskRow[]>;
        // Owners see the whole history; others what they decided or were asked to.
        if (viewer.role === "owner") return toTasks(await closed(pageSize, page * pageSize), viewer);
        const theirs = (await closed(CLOSED_LIMIT)).filter(
          (r) =>
            r.decisions.some((d) => d.userId === viewer.id) ||
            (viewer.role !== "viewer" && isAssignee(r.assignees as Assignees, viewer)),
        );
        return toTasks(theirs.slice(page * pageSize, (page + 1) * pageSize), viewer);
      }
      const open = await openRows();
      const rows = tab === "mine" ? mine(open, viewer) : open;
      return toTasks(rows.slice(page * pageSize, (page + 1) * pageSize), viewer);
    },

    /** How many open tasks wait for the viewer, and (for owners) in the whole workspace. */
    async counts(viewer: InboxViewer): Promise<{ mine: number; all: number | null }> {
      const open = await openRows();
      return { mine: mine(open, viewer).length, all: viewer.role === "owner" ? open.length : null };
    },

    async get(taskId: string, viewer: InboxViewer): Promise<InboxTask> {
      const row = (await prisma.approvalTask.findFirst({
        where: { id: taskId, workspaceId },
        include: taskInclude,
      })) as TaskRow | null;
      if (!row) throw new NotFound("approval task");
      const [task] = await toTasks([row], viewer);
      return task!;
    },

    /** The open tasks of one run (the run view shows them), as the viewer sees them. */
    async openOfRun(runId: string, viewer: InboxViewer): Promise<InboxTask[]> {
      const rows = (await prisma.approvalTask.findMany({
        where: { workspaceId, runId, status: "open" },
        include: taskInclude,
        orderBy: { createdAt: "asc" },
      })) as TaskRow[];
      return toTasks(rows, viewer);
    },

    /** The task of an approval node instance of a run of this workspace, if it asked for one. */
    async idOf(runId: string, nodeId: string, path: readonly number[]): Promise<string | null> {
      return (await this.find({ runId, nodeId, path }))?.id ?? null;
    },

    /** Which approval step a task of this workspace belongs to and how it stands, by id or by that step. */
    async find(
      where: { id: string } | { runId: string; nodeId: string; path: readonly number[]; callId?: string },
    ): Promise<TaskRef | null> {
      const row = await prisma.approvalTask.findFirst({
        where:
          "id" in where
            ? { id: where.id, workspaceId }
            : { ...where, workspaceId, path: where.path.join("."), callId: where.callId ?? "" },
        select: taskRef,
      });
      return row && toTaskRef(row);
    },

    /** The decision a request with this idempotency key took, if it was taken, with its task. */
    async decisionByRequest(requestId: string) {
      const row = await prisma.approvalDecision.findUnique({
        where: { requestId },
        include: { task: { select: taskRef } },
      });
      return row && row.workspaceId === workspaceId ? { decision: row.decision, task: toTaskRef(row.task) } : null;
    },
  };
}

function toTask(row: TaskRow, viewer: InboxViewer, requesters: Map<string, string>): InboxTask {
  const assignees = row.assignees as Assignees;
  const decisions: TaskDecision[] = row.decisions.map((d) => ({
    by: { id: d.userId, name: d.userName },
    decision: d.decision as TaskDecision["decision"],
    comment: d.comment,
    form: (d.form ?? {}) as Record<string, unknown>,
    at: d.at.toISOString(),
  }));
  const decidedByViewer = decisions.some((d) => d.by.id === viewer.id);
  return {
    id: row.id,
    runId: row.runId,
    nodeId: row.nodeId,
    path: toPath(row.path),
    flowId: row.run.flowId,
    flowName: row.run.flow.name,
    status: row.status as InboxTask["status"],
    title: row.title,
    instructions: row.instructions,
    show: row.show,
    tool: row.callId ? { callId: row.callId, ...(row.tool as Omit<TaskToolCall, "callId">) } : null,
    assignees: { users: assignees.users, roles: assignees.roles, groups: assignees.groups ?? [] },
    people: Object.fromEntries(assignees.users.map((id) => [id, requesters.get(id) ?? "a former member"])),
    requiredApprovals: row.requiredApprovals,
    allowRequesterToApprove: row.allowRequesterToApprove,
    form: (row.form ?? []) as unknown as TaskFormField[],
    approvals: decisions.filter((d) => d.decision === "approve").length,
    requestedBy: row.requestedById
      ? { id: row.requestedById, name: requesters.get(row.requestedById) ?? "a former member" }
      : null,
    createdAt: row.createdAt.toISOString(),
    dueAt: row.dueAt?.toISOString() ?? null,
    closedAt: row.closedAt?.toISOString() ?? null,
    escalations: (row.escalations ?? []) as unknown as TaskEscalation[],
    decisions,
    assignedToViewer: isAssignee(assignees, viewer),
    canDecide: row.status === "open" && viewer.role !== "viewer" && isAssignee(assignees, viewer) && !decidedByViewer,
  };
}
