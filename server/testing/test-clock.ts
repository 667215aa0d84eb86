import { readFileSync, renameSync, watch, writeFileSync } from "node:fs";
import path from "node:path";
import type { Clock } from "../engine/runtime/ports";

/**
 * A clock that tests move, for the server and worker processes they start (ServerProcess,
 * WorkerProcess), so a test about a retry back-off or an approval deadline moves time instead
 * of sleeping through it.
 *
 * The time is the real time plus an offset in milliseconds kept in a file, named by
 * SWITCHYARD_TEST_CLOCK_FILE. The file outlives a process: time moved while a server was down
 * is still moved when it starts again (a deadline that fell due meanwhile fires at boot), and
 * processes given the same file share one time. A process watches the file; when the offset
 * changes, the engine's timer loop looks for due timers again (`Clock.onJump`). Only the
 * engine's "now" moves (timers, deadlines, event times); an attempt's `timeoutMs` and a mock
 * agent's `latencyMs` stay real time.
 *
 * It cannot be switched on in production by accident: the variable is honoured only with
 * NODE_ENV=test, and a process that finds it set otherwise refuses to start (`npm start`,
 * the e2e server and the process helpers' defaults all run with NODE_ENV=production).
 *
 * In a test: `const clock = new TestClock(dir)`, start processes with `env: clock.env()`,
 * then `clock.advance(ms)` and wait for the state the timer leads to (`waitFor`).
 */
export const TEST_CLOCK_FILE = "SWITCHYARD_TEST_CLOCK_FILE";

/** The clock SWITCHYARD_TEST_CLOCK_FILE asks for, or undefined (the system clock) when unset. */
export function testClockFromEnv(env: Record<string, string | undefined> = process.env): Clock | undefined {
  const file = env[TEST_CLOCK_FILE];
  if (!file) return undefined;
  if (env.NODE_ENV !== "test") {
    throw new Error(`${TEST_CLOCK_FILE} moves the server's clock and is for tests only: it needs NODE_ENV=test`);
  }
  return fileClock(file);
}

function readOffset(file: string): number {
  const offset = Number(readFileSync(file, "utf8"));
  if (!Number.isFinite(offset)) throw new Error(`${file}: not an offset in milliseconds`);
  return offset;
}

/** Real time plus the offset in `file`, followed as the file changes. */
function fileClock(file: string): Clock {
  let offset = readOffset(file);
  const listeners = new Set<() => void>();
  // The folder is watched, not the file: the test replaces the file (rename), so no read sees half of one.
  // Not persistent: the watch never keeps a process alive.
  watch(path.dirname(file), { persistent: false }, () => {
    let next: number;
    try {
      next = readOffset(file);
    } catch {
      return; // the folder is going away with the test
    }
    if (next === offset) return;
    offset = next;
    for (const listener of listeners) listener();
  });
  return {
    now: () => new Date(Date.now() + offset),
    onJump(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The test's side: creates the clock file (offset 0) in `dir` and moves it. */
export class TestClock {
  readonly file: string;
  private offset = 0;

  constructor(dir: string) {
    this.file = path.join(dir, "test-clock");
    this.write();
  }

  /** Environment for a process that should run on this clock. */
  env(): Record<string, string> {
    return { NODE_ENV: "test", [TEST_CLOCK_FILE]: this.file };
  }

  /** Moves every process on this clock `ms` forward, running or not. */
  advance(ms: number): void {
    this.offset += ms;
    this.write();
  }

  private write() {
    const next = `${this.file}.next`;
    writeFileSync(next, String(this.offset));
    renameSync(next, this.file);
  }
}
