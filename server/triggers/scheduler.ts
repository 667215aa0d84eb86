import { nextFires } from "../../lib/schedule/cron";
import type { DueSchedule, ScheduleStore } from "../db/schedules-repository";
import type { Clock, RunStore } from "../engine/runtime/ports";
import { fireKey } from "../runs/scheduled-runs";

export interface SchedulerDeps {
  store: ScheduleStore;
  /** Whether a fire's run exists already (its key is unique). */
  runs: Pick<RunStore, "childOf">;
  clock: Clock;
  /** Starts the run of one fire; resolves with its id. */
  start: (schedule: DueSchedule, dueAt: Date) => Promise<string>;
  log?: (message: string) => void;
  /** Look at least this often: other processes add schedules too (scale-out). */
  pollMs?: number;
}

/** A fire this late was missed while no process ran; it runs once, and the log says so. */
const LATE_MS = 60_000;

/**
 * Fires schedules. A due fire is claimed by moving the schedule on to its next time from now
 * (so a schedule that missed several fires while the server was down catches up once), and
 * its run carries the fire's key, so the run starts once even when processes race or one dies
 * between the claim and the start (the next process to look starts it).
 */
export class Scheduler {
  private handle: NodeJS.Timeout | undefined;
  private stopped = true;
  private running: Promise<void> = Promise.resolve();
  private readonly log: (message: string) => void;

  constructor(private readonly deps: SchedulerDeps) {
    this.log = deps.log ?? ((m) => console.log(m));
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.finishClaimed().catch((e) => this.log(`schedules: ${String(e)}`));
    return this.poke();
  }

  /** Looks now (a schedule was added or changed). */
  poke(): Promise<void> {
    clearTimeout(this.handle);
    this.running = this.running.then(() => this.tick()).catch((e) => this.log(`schedules: ${String(e)}`));
    return this.running;
  }

  stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.handle);
    return this.running;
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const now = this.deps.clock.now();
    for (const schedule of await this.deps.store.due(now, 100)) await this.fire(schedule, now);
    this.arm(await this.deps.store.nextAt());
  }

  private async fire(schedule: DueSchedule, now: Date) {
    const dueAt = schedule.nextAt!;
    const next = nextFires(schedule.cron, schedule.timezone, now, 1)[0] ?? null;
    if (!(await this.deps.store.claim(schedule.id, dueAt, next))) return; // another process has it
    if (now.getTime() - dueAt.getTime() > LATE_MS)
      this.log(
        `schedule ${schedule.id}: the fire due at ${dueAt.toISOString()} was missed while no server ran; it runs once now`,
      );
    if (schedule.overlap === "skip" && schedule.lastRunId && (await this.deps.store.unfinished(schedule.lastRunId))) {
      this.log(
        `schedule ${schedule.id}: skipped the fire due at ${dueAt.toISOString()}: run ${schedule.lastRunId} is unfinished`,
      );
      await this.deps.store.fired(schedule.id, schedule.lastRunId); // the latest run is still that one
      return;
    }
    await this.startOnce(schedule, dueAt);
  }

  /**
   * At boot: a fire claimed by a process that stopped before starting its run (or whose start
   * failed) is started now, once.
   */
  private async finishClaimed() {
    for (const schedule of await this.deps.store.claimedWithoutRun()) {
      if (await this.deps.runs.childOf(fireKey(schedule.id, schedule.lastFiredAt!))) continue;
      await this.startOnce(schedule, schedule.lastFiredAt!);
    }
  }

  private async startOnce(schedule: DueSchedule, dueAt: Date) {
    try {
      const runId = await this.deps.start(schedule, dueAt);
      await this.deps.store.fired(schedule.id, runId);
    } catch (error) {
      const started = await this.deps.runs.childOf(fireKey(schedule.id, dueAt)).catch(() => null);
      if (started)
        await this.deps.store.fired(schedule.id, started.id); // another process started it
      else
        this.log(
          `schedule ${schedule.id}: the fire due at ${dueAt.toISOString()} did not start: ${(error as Error).message}`,
        );
    }
  }

  private arm(nextAt: Date | null) {
    if (this.stopped) return;
    const poll = this.deps.pollMs ?? 60_000;
    const wait = nextAt ? Math.max(0, nextAt.getTime() - this.deps.clock.now().getTime()) : poll;
    this.handle = setTimeout(() => void this.poke(), Math.min(wait, poll, 2 ** 31 - 1));
    this.handle.unref?.();
  }
}
