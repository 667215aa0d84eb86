import { z } from "zod";
import { type ApiRoute, route } from "./route";
import { idParams, iso, when } from "./schemas";

const scheduleSchema = z.object({
  id: z.string(),
  cron: z.string(),
  timezone: z.string(),
  input: z.record(z.string(), z.unknown()),
  enabled: z.boolean(),
  overlap: z.enum(["skip", "allow"]),
  nextAt: when.nullable().describe("the next fire; null when disabled"),
});

export const scheduleRoutes: ApiRoute[] = [
  route({
    method: "GET",
    path: "/flows/{id}/schedules",
    tag: "Schedules",
    summary: "The flow's schedules",
    params: idParams,
    response: z.object({ schedules: z.array(scheduleSchema) }),
    async handle(call, { params }) {
      const schedules = await call.schedules.list({ flowId: params.id });
      return {
        schedules: schedules.map((s) => ({
          id: s.id,
          cron: s.cron,
          timezone: s.timezone,
          input: s.input,
          enabled: s.enabled,
          overlap: s.overlap,
          nextAt: iso(s.nextAt),
        })),
      };
    },
  }),
  route({
    method: "POST",
    path: "/flows/{id}/schedules",
    tag: "Schedules",
    summary: "Start the flow's published version on a cron (5 fields, or 6 with seconds first)",
    status: 201,
    params: idParams,
    body: z.strictObject({
      cron: z.string(),
      timezone: z.string().optional().describe("an IANA zone; UTC unless given"),
      input: z.record(z.string(), z.unknown()).optional(),
      enabled: z.boolean().optional(),
      overlap: z.enum(["skip", "allow"]).optional(),
    }),
    response: z.object({ id: z.string(), nextAt: z.array(when).describe("the next five fires") }),
    async handle(call, { params, body }) {
      const created = await call.schedules.create({ flowId: params.id, ...body });
      return { id: created.id, nextAt: created.upcoming.map((d) => d.toISOString()) };
    },
  }),
  route({
    method: "DELETE",
    path: "/schedules/{id}",
    tag: "Schedules",
    summary: "Delete a schedule",
    status: 204,
    params: idParams,
    response: z.null(),
    async handle(call, { params }) {
      await call.schedules.remove({ id: params.id });
      return null;
    },
  }),
];
