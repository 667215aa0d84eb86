import { describe, expect, it } from "vitest";
import { cronProblem, nextFires, readCron } from "./cron";

describe("cron", () => {
  const from = new Date("2026-12-01T12:00:00Z"); // a Tuesday

  it("words a cron and lists its next five fires in its time zone", () => {
    const reading = readCron("0 9 * * 1-5", "Europe/Berlin", from);
    expect(reading).toEqual({
      description: "At 09:00, Monday through Friday",
      next: [
        "2026-12-02T08:00:00.000Z",
        "2026-12-03T08:00:00.000Z",
        "2026-12-04T08:00:00.000Z",
        "2026-12-07T08:00:00.000Z",
        "2026-12-08T08:00:00.000Z",
      ],
    });
  });

  it("takes a sixth field for seconds, first", () => {
    expect(nextFires("*/20 * * * * *", "UTC", from, 3).map((d) => d.toISOString())).toEqual([
      "2026-12-01T12:00:20.000Z",
      "2026-12-01T12:00:40.000Z",
      "2026-12-01T12:01:00.000Z",
    ]);
  });

  it("names what is wrong with a cron or a zone", () => {
    expect(cronProblem("61 * * * *")).toContain("Invalid value for minute: 61");
    expect(cronProblem("* * *")).toBe("a cron has 5 fields (or 6 with seconds first); this one has 3");
    expect(cronProblem("0 9 * * *", "Mars/Olympus")).toContain('"Mars/Olympus" is not a time zone');
    expect(cronProblem("0 0 30 2 *")).toBe("this cron never fires");
    expect(cronProblem("0 9 * * 1-5", "America/New_York")).toBeNull();
  });
});
