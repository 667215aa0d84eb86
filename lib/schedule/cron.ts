import { Cron } from "croner";
import cronstrue from "cronstrue";

/** A schedule's cron as people and the scheduler read it (croner parses and steps it; cronstrue words it). */
export interface CronReading {
  /** "At 09:00, Monday through Friday". */
  description: string;
  /** The next fires after `from`, in ISO time. */
  next: string[];
}

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Five fields (minute first), or six with seconds first, as api.md "Schedules" says. */
function fieldCountProblem(cron: string): string | null {
  const fields = cron.trim().split(/\s+/).length;
  return fields === 5 || fields === 6 ? null : `a cron has 5 fields (or 6 with seconds first); this one has ${fields}`;
}

/** Why `cron` in `timezone` cannot be a schedule, or null. */
export function cronProblem(cron: string, timezone = "UTC"): string | null {
  if (cron.length > 200) return "the cron is too long";
  const fields = fieldCountProblem(cron);
  if (fields) return fields;
  if (!isTimeZone(timezone)) return `"${timezone}" is not a time zone (use an IANA name, e.g. Europe/Berlin)`;
  try {
    const job = new Cron(cron, { timezone, paused: true });
    if (!job.nextRun()) return "this cron never fires";
    return null;
  } catch (error) {
    return `the cron does not parse: ${(error as Error).message.replace(/^CronPattern: /, "")}`;
  }
}

/** The next `count` fires of `cron` in `timezone` strictly after `from`. Assumes cronProblem is null. */
export function nextFires(cron: string, timezone: string, from: Date, count: number): Date[] {
  return new Cron(cron, { timezone, paused: true }).nextRuns(count, from);
}

/** The description and the next five fires, or the problem. */
export function readCron(cron: string, timezone: string, from: Date): CronReading | { problem: string } {
  const problem = cronProblem(cron, timezone);
  if (problem) return { problem };
  let description: string;
  try {
    description = cronstrue.toString(cron, { use24HourTimeFormat: true, verbose: false });
  } catch {
    description = cron;
  }
  return { description, next: nextFires(cron, timezone, from, 5).map((d) => d.toISOString()) };
}
