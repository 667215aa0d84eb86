import { describe, expect, it } from "vitest";
import type { EngineEvent, RunEvent } from "../../../lib/run/events";
import { initialRunState, type RunState } from "../../../lib/run/state";
import { compileFlow } from "../core/graph";
import { flow } from "../core/testing";
import { SeqConflict } from "./ports";
import { RunActor, type Runtime } from "./run-actor";
import type { RunEngineDeps } from "./run-engine";

/**
 * A run of `start → end` on a store that refuses the first `conflicts` appends as if another
 * process had appended first (it appended nothing the copy could catch up with).
 */
function actorOn(conflicts: number) {
  const appended: EngineEvent[][] = [];
  let tries = 0;
  const store = {
    async append(runId: string, expected: number, events: EngineEvent[], _at: Date, _state: RunState) {
      tries++;
      if (tries <= conflicts) throw new SeqConflict(runId, expected);
      appended.push(events);
      return events.map((e, i) => ({ ...e, runId, seq: expected + 1 + i, at: "" }) as RunEvent);
    },
    async events() {
      return [];
    },
  };
  const deps = {
    store,
    bus: { publish() {} },
    clock: { now: () => new Date("2026-12-01T10:00:00Z") },
  } as unknown as RunEngineDeps;
  const runtime: Runtime = {
    deps,
    commitRetry: { tries: 1, firstPauseMs: 0, maxPauseMs: 0 },
    timerLoop: undefined as never,
    lifetime: new AbortController().signal,
    stopping: false,
    track() {},
    load: () => Promise.reject(new Error("not in this test")),
    held: () => undefined,
    forgetIfIdle() {},
    childEnded: () => Promise.resolve(),
    runEnded: () => Promise.resolve(),
    cancel: () => Promise.resolve(),
  };
  const graph = compileFlow(flow({ start: ["start"], end: ["end"] }, ["start -> end"]));
  const actor = new RunActor(runtime, {
    id: "r1",
    workspaceId: "w1",
    input: {},
    startedBy: null,
    flowVersion: null,
    parent: null,
    graph,
    state: initialRunState(),
  });
  return { actor, appended, tries: () => tries };
}

const cancelled: EngineEvent = { type: "run.cancelled", data: { reason: "test" } };

describe("RunActor.act: the one way onto a run's queue", () => {
  it("runs work one at a time, in order, and hands each result or error to its caller", async () => {
    const { actor } = actorOn(0);
    const order: string[] = [];
    const slow = actor.act(async () => {
      await new Promise((r) => setTimeout(r, 20));
      order.push("slow");
      return 1;
    });
    const failing = actor.act(async () => {
      order.push("failing");
      throw new Error("boom");
    });
    const after = actor.act(async () => {
      order.push("after");
      return 3;
    });
    await expect(slow).resolves.toBe(1);
    await expect(failing).rejects.toThrow("boom");
    await expect(after).resolves.toBe(3);
    expect(order).toEqual(["slow", "failing", "after"]);
  });
});

describe("RunActor.record: the one fenced write", () => {
  it("after another process appended first, asks `stillCounts` again and records once it is through", async () => {
    const { actor, appended, tries } = actorOn(2);
    let asked = 0;
    await actor.record(cancelled, { stillCounts: () => ++asked > 0 });
    expect(asked).toBe(3);
    expect(tries()).toBe(3);
    expect(appended.map((batch) => batch[0]?.type)).toEqual(["run.cancelled"]);
    expect(actor.state.status).toBe("cancelled");
  });

  it("records nothing once `stillCounts` says the event no longer counts", async () => {
    const { actor, appended } = actorOn(1);
    let asked = 0;
    await actor.record(cancelled, { stillCounts: () => ++asked === 1 });
    expect(asked).toBe(2);
    expect(appended).toEqual([]);
  });

  it("gives up after ten lost races, and does not try again without `stillCounts`", async () => {
    const losing = actorOn(100);
    await expect(losing.actor.record(cancelled, { stillCounts: () => true })).rejects.toBeInstanceOf(SeqConflict);
    expect(losing.tries()).toBe(10);
    const unchecked = actorOn(100);
    await expect(unchecked.actor.record(cancelled)).rejects.toBeInstanceOf(SeqConflict);
    expect(unchecked.tries()).toBe(1);
  });

  it("a refusal from `stillCounts` reaches the caller, and the queue goes on", async () => {
    const { actor, appended } = actorOn(0);
    const refused = actor.record(cancelled, {
      stillCounts: () => {
        throw new Error("refused");
      },
    });
    await expect(refused).rejects.toThrow("refused");
    await actor.record(cancelled);
    expect(appended).toHaveLength(1);
  });
});

describe("RunActor.runs: the one 'still this attempt' check", () => {
  it("holds only while the node instance runs that attempt", () => {
    const { actor } = actorOn(0);
    const command = { nodeId: "end", path: [], attempt: 1 };
    expect(actor.runs(command)).toBe(false);
    actor.state = {
      ...actor.state,
      nodes: { end: { nodeId: "end", path: [], status: "running", attempt: 1 } },
    } as RunState;
    expect(actor.runs(command)).toBe(true);
    expect(actor.runs({ ...command, attempt: 2 })).toBe(false);
  });
});
