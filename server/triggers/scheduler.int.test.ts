// Schedules on the real app and SQLite: created through tRPC, fired by the scheduler.
import { afterAll, beforeAll, expect, it } from "vitest";
import { flowsRepository } from "../db/flows-repository";
import { prismaRunStore } from "../db/run-store";
import { scheduleStore } from "../db/schedules-repository";
import { flow } from "../engine/core/testing";
import { startScheduledRun } from "../runs/scheduled-runs";
import { rejection } from "../testing/rejection";
import { startTestServer, type TestServer } from "../testing/test-server";
import { waitFor } from "../testing/wait-for";
import { Scheduler } from "./scheduler";

let t: TestServer;
let api: ReturnType<TestServer["trpc"]>;
let flowId: string;

beforeAll(async () => {
  t = await startTestServer();
  api = t.trpc(await t.signUp("scheduler@example.com"));
  const created = await api.flows.create.mutate({ name: "Nightly" });
  const doc = flow({ start: ["start"], end: ["end", { output: "input" }] }, ["start -> end"]);
  const saved = await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });
  await api.flows.publish.mutate({ id: created.id, expectedVersion: saved.version, message: "" });
  flowId = created.id;
});
afterAll(() => t.close());

const scheduledRuns = async () =>
  (await api.runs.list.query({ flowId, page: 0, pageSize: 100 })).items.filter((r) => r.trigger === "schedule");

it("fires a schedule's published version with its input, shows Schedule as the trigger, and stops when disabled", async () => {
  await t.app.services.scheduler.start();
  const created = await api.schedules.create.mutate({ flowId, cron: "* * * * * *", input: { report: "daily" } });
  expect(created.upcoming).toHaveLength(5);
  const runs = await waitFor("the schedule to fire", scheduledRuns, (r) => r.length >= 1);
  const run = await waitFor(
    "its run to succeed",
    () => api.runs.get.query({ id: runs[0]!.id }),
    (r) => r.status === "succeeded",
  );
  expect(run).toMatchObject({ trigger: "schedule", flowVersion: 1, output: { report: "daily" }, startedBy: null });
  await api.schedules.setEnabled.mutate({ id: created.id, enabled: false });
  const [listed] = await api.schedules.list.query({ flowId });
  expect(listed).toMatchObject({ enabled: false, nextAt: null });
  await t.app.services.scheduler.poke();
  const count = (await scheduledRuns()).length;
  await api.schedules.remove.mutate({ id: created.id });
  expect(await api.schedules.list.query({ flowId })).toEqual([]);
  expect((await scheduledRuns()).length).toBe(count);
  const { entries } = await api.audit.list.query({ pageSize: 50 });
  expect(entries.map((e) => e.action)).toEqual(
    expect.arrayContaining(["schedule.created", "schedule.disabled", "schedule.deleted"]),
  ); // The tests below drive schedulers of their own, on clocks of their own.
  await t.app.services.scheduler.stop();
});

it("refuses a cron, a zone or a flow never published, naming why", async () => {
  const refused = async (promise: Promise<unknown>, code: string, says: string) => {
    const error = await rejection(promise);
    expect(error.data.code).toBe(code);
    expect(error.message).toContain(says);
  };
  await refused(api.schedules.create.mutate({ flowId, cron: "61 * * * *" }), "BAD_REQUEST", "minute: 61");
  await refused(
    api.schedules.create.mutate({ flowId, cron: "0 9 * * *", timezone: "Mars/Olympus" }),
    "BAD_REQUEST",
    "not a time zone",
  );
  await refused(api.schedules.create.mutate({ flowId, cron: "* *" }), "BAD_REQUEST", "5 fields");
  const draft = await api.flows.create.mutate({ name: "Never published" });
  await refused(api.schedules.create.mutate({ flowId: draft.id, cron: "0 9 * * *" }), "CONFLICT", "publish it first");
  expect(await api.schedules.list.query({ flowId })).toEqual([]); // nothing was stored
});

it("a fire that fell due while no server ran runs once, and the schedule moves on to its next time", async () => {
  const created = await api.schedules.create.mutate({ flowId, cron: "0 9 * * *", input: { late: true } });
  const prisma = t.app.services.prisma;
  const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000);
  await prisma.schedule.update({ where: { id: created.id }, data: { nextAt: threeDaysAgo } });
  const logged: string[] = [];
  const scheduler = new Scheduler({
    store: scheduleStore(prisma),
    runs: prismaRunStore(prisma),
    clock: { now: () => new Date() },
    start: (s, dueAt) => startScheduledRun((ws) => flowsRepository(prisma, ws), t.app.services.engine, s, dueAt),
    log: (m) => logged.push(m),
  });
  await scheduler.start();
  await scheduler.stop();
  const late = (await scheduledRuns()).filter((r) => r.createdAt > new Date(Date.now() - 60_000));
  const runs = await Promise.all(late.map((r) => api.runs.get.query({ id: r.id })));
  expect(runs.filter((r) => (r.input as { late?: boolean }).late)).toHaveLength(1);
  expect(logged.some((m) => m.includes("was missed while no server ran; it runs once now"))).toBe(true);
  const [after] = (await api.schedules.list.query({ flowId })).filter((s) => s.id === created.id);
  expect(after!.nextAt!.getTime()).toBeGreaterThan(Date.now());
  await api.schedules.remove.mutate({ id: created.id });
});

it("three schedulers watching one database start each due fire once", async () => {
  const created = await api.schedules.create.mutate({ flowId, cron: "0 9 * * *", input: { raced: true } });
  const prisma = t.app.services.prisma;
  const due = new Date(Date.now() - 1_000);
  await prisma.schedule.update({ where: { id: created.id }, data: { nextAt: due } });
  const schedulers = [1, 2, 3].map(
    () =>
      new Scheduler({
        store: scheduleStore(prisma),
        runs: prismaRunStore(prisma),
        clock: { now: () => new Date() },
        start: (s, dueAt) => startScheduledRun((ws) => flowsRepository(prisma, ws), t.app.services.engine, s, dueAt),
        log: () => {},
      }),
  );
  await Promise.all(schedulers.map((s) => s.start()));
  await Promise.all(schedulers.map((s) => s.stop()));
  const runs = await Promise.all((await scheduledRuns()).map((r) => api.runs.get.query({ id: r.id })));
  expect(runs.filter((r) => (r.input as { raced?: boolean }).raced)).toHaveLength(1);
  await api.schedules.remove.mutate({ id: created.id });
});

it("overlap skip: a fire while the schedule's last run is unfinished is skipped (logged); allow starts another", async () => {
  const held = await api.flows.create.mutate({ name: "Never finishes" });
  const doc = flow({ start: ["start"], hold: ["wait", {}], end: ["end"] }, ["start -> hold", "hold -> end"]);
  const saved = await api.flows.save.mutate({ id: held.id, expectedVersion: 1, document: doc });
  await api.flows.publish.mutate({ id: held.id, expectedVersion: saved.version, message: "" });
  const prisma = t.app.services.prisma;
  let now = new Date("2027-01-01T09:00:00.500Z");
  const logged: string[] = [];
  const scheduler = new Scheduler({
    store: scheduleStore(prisma),
    runs: prismaRunStore(prisma),
    clock: { now: () => now },
    start: (s, dueAt) => startScheduledRun((ws) => flowsRepository(prisma, ws), t.app.services.engine, s, dueAt),
    log: (m) => logged.push(m),
  });
  const runsOf = async () => (await api.runs.list.query({ flowId: held.id, page: 0, pageSize: 20 })).total;
  for (const overlap of ["skip", "allow"] as const) {
    // Made off, then on in 2027: only this test's scheduler (on its clock) ever finds it due.
    const schedule = await api.schedules.create.mutate({
      flowId: held.id,
      cron: "* * * * * *",
      overlap,
      enabled: false,
    });
    const before = await runsOf();
    await prisma.schedule.update({
      where: { id: schedule.id },
      data: { enabled: true, nextAt: new Date("2027-01-01T09:00:00Z") },
    });
    await scheduler.start(); // the 09:00:00 fire: a run that waits
    now = new Date(now.getTime() + 1_000);
    await scheduler.poke(); // the 09:00:01 fire, while that run waits
    expect(await runsOf()).toBe(before + (overlap === "skip" ? 1 : 2));
    await api.schedules.remove.mutate({ id: schedule.id });
    now = new Date("2027-01-01T09:00:00.500Z");
  }
  await scheduler.stop();
  expect(logged.filter((m) => m.includes("skipped the fire due at 2027-01-01T09:00:01.000Z"))).toHaveLength(1);
});
