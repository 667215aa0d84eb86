import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newFlowDocument } from "../../lib/flow/document";
import { eventLabel } from "../../lib/run/event-label";
import { createEmbeddedEngine } from "../embedded-engine";
import { SeqConflict } from "../engine/runtime/ports";
import { type Database, openDatabase } from "./client";
import { type DbConfig, migrationsDir } from "./config";
import { NotFound, StaleVersion } from "./errors";
import { flowsRepository } from "./flows-repository";
import { applyMigrations } from "./migrate";
import { prismaRunStore } from "./run-store";
import { runsRepository } from "./runs-repository";
import { workspacesRepository } from "./workspaces-repository";

const PG_ADMIN = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

/** A database of its own for each provider, removed afterwards. */
const providers: { name: string; setup(): Promise<{ config: DbConfig; teardown(): Promise<void> }> }[] = [
  {
    name: "sqlite",
    async setup() {
      const dir = mkdtempSync(path.join(tmpdir(), "switchyard-db-"));
      return {
        config: { provider: "sqlite", url: path.join(dir, "t.db") },
        teardown: async () => rmSync(dir, { recursive: true }),
      };
    },
  },
  {
    name: "postgresql",
    async setup() {
      const name = `switchyard_test_${process.pid}_${Date.now()}`;
      const admin = new pg.Client({ connectionString: PG_ADMIN });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(PG_ADMIN);
      url.pathname = `/${name}`;
      return {
        config: { provider: "postgresql", url: url.toString() },
        async teardown() {
          const again = new pg.Client({ connectionString: PG_ADMIN });
          await again.connect();
          await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await again.end();
        },
      };
    },
  },
];

describe.each(providers)("data layer on $name", (provider) => {
  let db: Database;
  let config: DbConfig;
  let teardown: () => Promise<void>;
  let workspaceA: string;
  let workspaceB: string;

  beforeAll(async () => {
    ({ config, teardown } = await provider.setup());
    db = await openDatabase(config);
    for (const id of ["user_a", "user_b"]) {
      await db.prisma.user.create({ data: { id, name: id, email: `${id}@example.com` } });
    }
    const workspaces = workspacesRepository(db.prisma);
    workspaceA = (await workspaces.createForNewUser("user_a", "Ann")).workspaceId;
    workspaceB = (await workspaces.createForNewUser("user_b", "Ben")).workspaceId;
  });
  afterAll(async () => {
    await db?.close();
    await teardown?.();
  });

  it("applies migrations once and knows they are applied", async () => {
    expect(await applyMigrations(config)).toEqual([]);
    const rows = await db.prisma.$queryRawUnsafe<{ migration_name: string }[]>(
      `SELECT migration_name FROM _prisma_migrations`,
    );
    const committed = readdirSync(migrationsDir(config.provider), { withFileTypes: true }).filter((e) =>
      e.isDirectory(),
    );
    expect(rows.map((r) => r.migration_name).sort()).toEqual(committed.map((e) => e.name).sort());
  });

  it("keeps each workspace's flows to itself", async () => {
    const flowsA = flowsRepository(db.prisma, workspaceA);
    const flowsB = flowsRepository(db.prisma, workspaceB);
    const flow = await flowsA.create(newFlowDocument("Only A's"), "user_a");
    expect((await flowsB.list()).map((f) => f.id)).not.toContain(flow.id);
    await expect(flowsB.get(flow.id)).rejects.toBeInstanceOf(NotFound);
    await expect(flowsB.save(flow.id, 1, newFlowDocument("B's"))).rejects.toBeInstanceOf(NotFound);
    await expect(flowsB.remove(flow.id)).rejects.toBeInstanceOf(NotFound);
    expect((await flowsA.get(flow.id)).name).toBe("Only A's");
  });

  it("saves with optimistic concurrency", async () => {
    const flows = flowsRepository(db.prisma, workspaceA);
    const flow = await flows.create(newFlowDocument("Versioned"), "user_a");
    expect((await flows.save(flow.id, 1, { ...flow.document, description: "one" })).version).toBe(2);
    await expect(flows.save(flow.id, 1, { ...flow.document, description: "stale" })).rejects.toEqual(
      new StaleVersion(2),
    );
    expect((await flows.get(flow.id)).document.description).toBe("one");
  });

  it("runs a flow through the engine and keeps a gap-free event log", async () => {
    const flow = await flowsRepository(db.prisma, workspaceA).create(newFlowDocument("Run"), "user_a");
    const runs = runsRepository(db.prisma, workspaceA);
    const { id } = await runs.create({
      flowId: flow.id,
      flowVersion: 1,
      definition: flow.document,
      runInput: { n: 1 },
      startedById: "user_a",
    });
    const engine = createEmbeddedEngine(db.prisma).engine;
    await engine.start(id);
    await engine.idle();
    const run = await runs.get(id);
    expect(run).toMatchObject({ status: "succeeded", output: { n: 1 }, lastSeq: 6 });
    expect(run.finishedAt).toBeInstanceOf(Date);
    expect((await runs.events(id)).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    await expect(runsRepository(db.prisma, workspaceB).events(id)).rejects.toBeInstanceOf(NotFound);
  });

  it("begins a run with its row and first events in one commit", async () => {
    const flow = await flowsRepository(db.prisma, workspaceA).create(newFlowDocument("Begun"), "user_a");
    const engine = createEmbeddedEngine(db.prisma).engine;
    const id = await engine.begin({
      workspaceId: workspaceA,
      flowId: flow.id,
      flowVersion: 1,
      definition: flow.document,
      input: { n: 2 },
      startedBy: { id: "user_a", name: "user_a" },
    });
    await engine.idle();
    const runs = runsRepository(db.prisma, workspaceA);
    expect(await runs.get(id)).toMatchObject({
      flowId: flow.id,
      flowName: "Begun",
      flowVersion: 1,
      definition: flow.document,
      input: { n: 2 },
      status: "succeeded",
      output: { n: 2 },
      error: null,
      lastSeq: 6,
      startedById: "user_a",
      startedBy: "user_a",
      retryOfId: null,
    });
    expect((await runs.get(id)).createdAt).toBeInstanceOf(Date);
    const events = await runs.events(id);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(events[0]!.data).toEqual({ input: { n: 2 }, startedBy: { id: "user_a", name: "user_a" }, flowVersion: 1 });
    expect((await runs.list({ page: 0, pageSize: 100 })).items.map((r) => r.id)).toContain(id);
  });

  it("appends after a transaction Prisma has open, never inside it", async () => {
    const flow = await flowsRepository(db.prisma, workspaceA).create(newFlowDocument("Queued"), "user_a");
    const { id } = await runsRepository(db.prisma, workspaceA).create({
      flowId: flow.id,
      flowVersion: 1,
      definition: flow.document,
      runInput: {},
      startedById: "user_a",
    });
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let opened = () => {};
    const open = new Promise<void>((resolve) => {
      opened = resolve;
    });
    const doomed = db.prisma
      .$transaction(async (tx) => {
        await tx.user.count();
        opened();
        await held;
        throw new Error("rolled back");
      })
      .catch(() => {});
    await open;
    const store = prismaRunStore(db.prisma);
    const state = { status: "running" as const, nodes: {}, lastSeq: 1 };
    const appended = store.append(id, 0, [{ type: "run.started", data: { input: {} } }], new Date(), state);
    release();
    await doomed;
    await appended;
    expect((await store.events(id)).map((e) => e.seq)).toEqual([1]);
  });

  it("fences a writer that holds an old seq", async () => {
    const flow = await flowsRepository(db.prisma, workspaceA).create(newFlowDocument("Fenced"), "user_a");
    const { id } = await runsRepository(db.prisma, workspaceA).create({
      flowId: flow.id,
      flowVersion: 1,
      definition: flow.document,
      runInput: {},
      startedById: "user_a",
    });
    const store = prismaRunStore(db.prisma);
    const state = { status: "running" as const, nodes: {}, lastSeq: 1 };
    await store.append(id, 0, [{ type: "run.started", data: { input: {} } }], new Date(), state);
    await expect(
      store.append(id, 0, [{ type: "run.started", data: { input: {} } }], new Date(), state),
    ).rejects.toBeInstanceOf(SeqConflict);
    expect((await store.events(id)).map((e) => e.seq)).toEqual([1]);
  });

  it("commits appends made together, each on its own: a stale one fails alone", async () => {
    const runs = runsRepository(db.prisma, workspaceA);
    const flow = await flowsRepository(db.prisma, workspaceA).create(newFlowDocument("Grouped"), "user_a");
    const create = () =>
      runs.create({ flowId: flow.id, flowVersion: 1, definition: flow.document, runInput: {}, startedById: "user_a" });
    const [a, b] = [(await create()).id, (await create()).id];
    const store = prismaRunStore(db.prisma);
    const started = [{ type: "run.started" as const, data: { input: {} } }];
    const state = { status: "running" as const, nodes: {}, lastSeq: 1 };
    await store.append(b, 0, started, new Date(), state);
    const results = await Promise.allSettled([
      store.append(a, 0, started, new Date(), state),
      store.append(b, 0, started, new Date(), state), // b is already at seq 1
    ]);
    expect(results[0].status).toBe("fulfilled");
    expect(results[1].status === "rejected" && results[1].reason).toBeInstanceOf(SeqConflict);
    expect((await store.events(a)).map((e) => e.seq)).toEqual([1]);
    expect((await store.events(b)).map((e) => e.seq)).toEqual([1]);
    expect((await runs.get(a)).lastSeq).toBe(1);
  });

  it("resumes a run that a crashed process left mid-node, without repeating finished nodes", async () => {
    const flow = await flowsRepository(db.prisma, workspaceA).create(newFlowDocument("Crash"), "user_a");
    const { id } = await runsRepository(db.prisma, workspaceA).create({
      flowId: flow.id,
      flowVersion: 1,
      definition: flow.document,
      runInput: { k: "v" },
      startedById: "user_a",
    });
    // What the previous process managed to record before it died: start done, end started.
    const store = prismaRunStore(db.prisma);
    const at = new Date();
    await store.append(
      id,
      0,
      [
        { type: "run.started", data: { input: { k: "v" } } },
        { type: "node.started", nodeId: "start", iteration: 0, data: { attempt: 1 } },
        {
          type: "node.succeeded",
          nodeId: "start",
          iteration: 0,
          data: { attempt: 1, output: { k: "v" }, handles: ["out"] },
        },
        { type: "node.started", nodeId: "end", iteration: 0, data: { attempt: 1 } },
      ],
      at,
      { status: "running", nodes: {}, lastSeq: 4 },
    );
    const { engine } = createEmbeddedEngine(db.prisma);
    expect(await engine.recover()).toBeGreaterThanOrEqual(1);
    await engine.idle();
    const events = await store.events(id);
    expect(events.map(eventLabel)).toEqual([
      "run.started",
      "node.started:start",
      "node.succeeded:start",
      "node.started:end",
      "node.succeeded:end",
      "run.succeeded",
    ]);
    expect((await runsRepository(db.prisma, workspaceA).get(id)).output).toEqual({ k: "v" });
  });
});
