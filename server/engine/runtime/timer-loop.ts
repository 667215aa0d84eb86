import type { Clock, DueTimer, TimerStore } from "./ports";

/**
 * How long a process holds a due timer it is delivering before others may take it. Short, and
 * renewed every CLAIM_RENEW_MS while the delivery lasts: a claim left by a process that died
 * runs out within seconds.
 */
export const CLAIM_MS = 3_000;
const CLAIM_RENEW_MS = 1_000;

/**
 * Fires durable timers: sleeps until the earliest due time (or until a claim another process
 * holds runs out), delivers every due timer, and sleeps again. Timers that fell due while the
 * process was down fire at start.
 */
export class TimerLoop {
  private handle: NodeJS.Timeout | undefined;
  private armedFor: number | undefined;
  private stopped = false;
  private running: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | undefined;

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
    // A clock that jumps (tests) may have made timers due that the armed wait would reach only later.
    this.unsubscribe ??= this.clock.onJump?.(() => void this.tick());
    return this.tick();
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearTimeout(this.handle);
    return this.running;
  }

  /** When the loop looks next (by its clock), if it is armed. */
  get nextLookAt(): Date | undefined {
    return this.armedFor === undefined ? undefined : new Date(this.armedFor);
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
            const until = new Date(now.getTime() + CLAIM_MS);
            if (!(await this.store.claim(timer.key, now, until))) continue;
            const held = this.hold(timer.key, until);
            let delivered = false;
            try {
              delivered = await this.deliver(timer);
            } finally {
              held.stop();
              if (!delivered) await this.store.release(timer.key);
            }
          }
          if (due.length < 100) break;
        }
        const next = await this.store.nextDueAt(this.clock.now());
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
  /** Renews the claim on `key` while its delivery lasts; a renewal after the end changes nothing. */
  private hold(key: string, until: Date): { stop(): void } {
    let held = until;
    let renewing: Promise<void> = Promise.resolve();
    const timer = setInterval(() => {
      renewing = renewing
        .then(async () => {
          const next = new Date(this.clock.now().getTime() + CLAIM_MS);
          if (await this.store.renew(key, held, next)) held = next;
        })
        .catch(this.onError);
    }, CLAIM_RENEW_MS);
    timer.unref?.();
    return { stop: () => clearInterval(timer) };
  }
}
