import { z } from "zod";
import { type ApiRoute, route } from "./route";
import { anyJson, idParams, when } from "./schemas";

const taskSchema = z
  .object({
    id: z.string(),
    runId: z.string(),
    nodeId: z.string(),
    path: z.array(z.number().int()),
    flowId: z.string(),
    flowName: z.string(),
    status: z.string(),
    title: z.string(),
    instructions: z.string(),
    show: anyJson,
    tool: anyJson.describe(
      "an agent's tool call waiting for approval: { callId, name, args, editableArgs, parameters }; null for an approval node",
    ),
    requiredApprovals: z.number().int(),
    approvals: z.number().int(),
    createdAt: when,
    dueAt: when.nullable(),
    closedAt: when.nullable(),
    canDecide: z.boolean(),
    decisions: z.array(anyJson).describe("who decided what, when, with which comment and form values"),
  })
  .catchall(z.unknown());

export const approvalRoutes: ApiRoute[] = [
  route({
    method: "GET",
    path: "/tasks",
    tag: "Approvals",
    summary: "The caller's tasks, as the inbox shows them: open ones waiting for them, or ones they decided",
    query: z.strictObject({ state: z.enum(["open", "decided"]).optional() }),
    response: z.object({ tasks: z.array(taskSchema) }),
    async handle(call, { query }) {
      const tasks = await call.inbox.list({ tab: query.state === "decided" ? "decided" : "mine", pageSize: 100 });
      return { tasks: tasks.map((task) => ({ ...task })) };
    },
  }),
  route({
    method: "POST",
    path: "/tasks/{id}/decision",
    tag: "Approvals",
    summary: "Approve or reject a task; 409 when it was already decided, naming who decided",
    params: idParams,
    body: z.strictObject({
      decision: z.enum(["approve", "reject"]),
      comment: z.string().max(5_000).optional(),
      form: z.record(z.string(), z.unknown()).optional(),
      requestId: z.string().min(8).max(100).optional().describe("send the same one again to repeat safely"),
      args: anyJson
        .optional()
        .describe("a tool call's task: the arguments to run it with, when its tool lets them be edited"),
    }),
    response: z.object({ task: taskSchema }),
    async handle(call, { params, body }) {
      await call.inbox.decide({
        taskId: params.id,
        decision: body.decision,
        comment: body.comment ?? "",
        form: body.form ?? {},
        requestId: body.requestId ?? crypto.randomUUID(),
        ...(body.args !== undefined && { args: body.args }),
      });
      return { task: { ...(await call.inbox.get({ id: params.id })) } };
    },
  }),
];
