import { describe, expect, it } from "vitest";
import { formatDayAndTime } from "./format";

describe("formatDayAndTime", () => {
  const now = new Date(2026, 11, 1, 18, 30);
  it("always names the day", () => {
    expect(formatDayAndTime(new Date(2026, 11, 1, 9, 5), now)).toBe("Today, 09:05");
    expect(formatDayAndTime(new Date(2026, 10, 30, 23, 59), now)).toBe("Yesterday, 23:59");
    expect(formatDayAndTime(new Date(2026, 10, 21, 14, 3), now)).toBe("Nov 21, 14:03");
    expect(formatDayAndTime(new Date(2025, 10, 21, 14, 3), now)).toBe("Nov 21, 2025, 14:03");
  });
});
