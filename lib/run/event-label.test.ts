import { describe, expect, it } from "vitest";
import { eventSummary } from "./event-label";

describe("eventSummary", () => {
  it("says who decided what, with the comment and form values", () => {
    const summary = eventSummary({
      type: "approval.decided",
      nodeId: "review",
      iteration: 0,
      data: {
        decision: "approve",
        by: { id: "u1", name: "Bob" },
        comment: "Within budget",
        form: { costCenter: "CC-42" },
        at: "2026-11-30T10:00:00.000Z",
      },
    });
    expect(summary).toBe("Bob approved “Within budget” · costCenter: CC-42");
  });

  it("names the groups an approval escalated to", () => {
    const summary = eventSummary({
      type: "approval.escalated",
      nodeId: "review",
      iteration: 0,
      data: {
        level: 1,
        assignees: { users: [], roles: [], groups: ["finance"] },
        timeoutAt: "2026-12-01T10:00:00.000Z",
      },
    });
    expect(summary).toBe("escalated to finance until 2026-12-01T10:00:00.000Z");
  });
});
