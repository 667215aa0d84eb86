import type { Clock, DueTimer, TimerStore } from "./ports";

/** How long a process holds a due timer it is delivering before others may take it (it died). */
const CLAIM_MS = 30_000;

/**
 * Fires durable timers: sleeps until the earliest due time, delivers every due timer, and
 * sleeps again. Timers that fell due while the process was down fire at start.
 */
export class TimerLoop {
  private handle: NodeJS.Timeout | undefined;
  private armedFor: number | undefined;
  private stopped = false;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: TimerStore,
    private readonly clock: Clock,
    /** Resolves false when the timer could not be delivered now (it is given back and tried again). */
    private readonly deliver: (timer: DueTimer) => Promise<boolean>,
    private readonly onError: (error: unknown) => void = console.error,
    /** Look again at least this often: other processes may arm timers (scale-out). */
    private readonly pollMs?: number,
  ) {}

  /** Checks now, then keeps watching. */
  start(): Promise<void> {
    this.stopped = false;
    return this.tick();
  }

  stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.handle);
    return this.running;
  }

  async schedule(timer: DueTimer): Promise<void> {
    await this.store.schedule(timer);
    this.arm(timer.dueAt.getTime());
  }

  private arm(at: number) {
    if (this.stopped || (this.armedFor !== undefined && this.armedFor <= at)) return;
    clearTimeout(this.handle);
    this.armedFor = at;
    const delay = Math.max(0, Math.min(at - this.clock.now().getTime(), 2 ** 31 - 1));
    this.handle = setTimeout(() => void this.tick(), delay);
    this.handle.unref?.();
  }

  private tick(): Promise<void> {
    this.armedFor = undefined;
    this.running = this.running.then(async () => {
      try {
        for (;;) {
          const due = await this.store.due(this.clock.now(), 100);
          for (const timer of due) {
            // Claimed first: with several processes (scale-out) one delivers it, the others skip it.
            const now = this.clock.now();
            if (!(await this.store.claim(timer.key, now, new Date(now.getTime() + CLAIM_MS)))) continue;
            let delivered = false;
            try {
              delivered = await this.deliver(timer);
            } finally {
              if (!delivered) await this.store.release(timer.key);
            }
          }
          if (due.length < 100) break;
        }
        const next = await this.store.nextDueAt();
        const poll = this.pollMs === undefined ? undefined : this.clock.now().getTime() + this.pollMs;
        const at = next ? Math.min(next.getTime(), poll ?? Number.POSITIVE_INFINITY) : poll;
        if (at !== undefined) this.arm(at);
      } catch (error) {
        this.onError(error);
        this.arm(this.clock.now().getTime() + 1_000);
      }
    });
    return this.running;
  }
}
