import { describe, expect, it } from "vitest";
import type { ApprovalRequest } from "../../../lib/run/events";
import { nodeStatus, type RunState } from "../../../lib/run/state";
import { decisionProblem } from "./approvals";
import { flow, simulate } from "./testing";

//  start ─▶ review ─ approved ─▶ publish
//                  ├ rejected ─▶ archive
//                  └ timeout  ─▶ escalate
const pipeline = (timeout?: { afterMs: number; action: string }) =>
  flow(
    {
      start: ["start"],
      review: ["approval", { title: "Publish?", requiredApprovals: 2, ...(timeout && { timeout }) }],
      publish: ["end"],
      archive: ["end"],
      escalate: ["end"],
    },
    ["start -> review", "review.approved -> publish", "review.rejected -> archive", "review.timeout -> escalate"],
  );
const ann = { id: "ann", name: "Ann" };
const bob = { id: "bob", name: "Bob" };
const statuses = (state: RunState, ids: string[]) => ids.map((id) => `${id}=${nodeStatus(state, id)}`);

describe("approval", () => {
  it("parks the path and the run waits, holding nothing but its state", () => {
    const sim = simulate(pipeline());
    expect(sim.trace.slice(-2)).toEqual(["approval.requested:review", "run.waiting"]);
    expect(sim.state.status).toBe("waiting");
    expect(statuses(sim.state, ["review", "publish"])).toEqual(["review=waiting", "publish=pending"]);
  });

  it("passes after requiredApprovals distinct approvals", () => {
    const one = simulate(pipeline(), { decisions: { review: [{ decision: "approve", by: ann, comment: "" }] } });
    expect(one.state.status).toBe("waiting");
    const two = simulate(pipeline(), {
      decisions: {
        review: [
          { decision: "approve", by: ann, comment: "" },
          { decision: "approve", by: bob, comment: "ok" },
        ],
      },
    });
    expect(statuses(two.state, ["review", "publish", "archive", "escalate"])).toEqual([
      "review=succeeded",
      "publish=succeeded",
      "archive=skipped",
      "escalate=skipped",
    ]);
    expect(two.state.nodes.review?.output).toMatchObject({
      decision: "approved",
      decidedBy: bob,
      decisions: [{ by: ann }, { by: bob }],
    });
    expect(two.state.status).toBe("succeeded");
  });

  it("ends on one rejection", () => {
    const sim = simulate(pipeline(), { decisions: { review: [{ decision: "reject", by: ann, comment: "not yet" }] } });
    expect(statuses(sim.state, ["publish", "archive"])).toEqual(["publish=skipped", "archive=succeeded"]);
    expect(sim.state.nodes.review?.output).toMatchObject({ decision: "rejected", decidedBy: ann });
  });

  it.each([
    ["reject", "archive"],
    ["approve", "publish"],
    ["route", "escalate"],
  ])("takes the timeout action %s", (action, reached) => {
    const sim = simulate(pipeline({ afterMs: 60_000, action }), {
      timeouts: ["review"],
      request: { timeoutAt: "2026-01-01T00:01:00.000Z" },
    });
    expect(nodeStatus(sim.state, reached)).toBe("succeeded");
    expect(sim.commands).toContainEqual(
      expect.objectContaining({ type: "schedule", key: "run1:review:0:1:approval-timeout" }),
    );
  });

  it("fails the run on the timeout action fail", () => {
    const sim = simulate(pipeline({ afterMs: 60_000, action: "fail" }), {
      timeouts: ["review"],
      request: { timeoutAt: "2026-01-01T00:01:00.000Z" },
    });
    expect(sim.state).toMatchObject({
      status: "failed",
      error: { message: "review failed: nobody decided before the deadline" },
    });
  });
});

describe("who may decide", () => {
  const request: ApprovalRequest = {
    title: "t",
    instructions: "",
    show: null,
    assignees: { users: [], roles: ["approver"], groups: [] },
    requiredApprovals: 2,
    allowRequesterToApprove: false,
    form: [{ name: "budget", label: "Budget", type: "number", required: true }],
  };
  const waiting = (
    decisions: { decision: "approve" | "reject"; by: { id: string; name: string } }[] = [],
  ): RunState => ({
    status: "waiting",
    startedBy: { id: "req", name: "Requester" },
    lastSeq: 5,
    nodes: {
      review: {
        nodeId: "review",
        path: [],
        status: "waiting",
        attempt: 1,
        approval: { request, decisions: decisions.map((d) => ({ ...d, comment: "", form: {}, at: "x" })) },
      },
    },
  });
  const approve = { decision: "approve" as const, comment: "", form: { budget: 5 } };

  it("accepts an assignee", () => {
    expect(decisionProblem(waiting(), "review", [], { id: "ann", name: "Ann", role: "approver" }, approve)).toBeNull();
  });
  it("refuses someone outside the assignees", () => {
    expect(decisionProblem(waiting(), "review", [], { id: "ed", name: "Ed", role: "editor" }, approve)?.kind).toBe(
      "forbidden",
    );
  });
  it("refuses a second decision by the same person", () => {
    expect(
      decisionProblem(waiting([{ decision: "approve", by: ann }]), "review", [], { ...ann, role: "approver" }, approve),
    ).toEqual({
      kind: "conflict",
      message: "You already decided on this approval.",
    });
  });
  it("refuses the requester's approval unless allowed", () => {
    expect(
      decisionProblem(waiting(), "review", [], { id: "req", name: "R", role: "approver" }, approve)?.message,
    ).toMatch(/someone else/);
  });
  it("tells a late decider who decided first, and one too early that the run has not got there", () => {
    const decided = waiting([{ decision: "reject", by: { id: "carl", name: "Carl" } }]);
    decided.nodes.review = { ...decided.nodes.review!, status: "succeeded" };
    const ann = { id: "ann", name: "Ann", role: "approver" };
    expect(decisionProblem(decided, "review", [], ann, approve)).toEqual({
      kind: "conflict",
      message: "Carl rejected this at x: your decision was not recorded.",
    });
    expect(decisionProblem(waiting(), "later", [], ann, approve)?.message).toBe(
      "This approval is not waiting for a decision yet: the run has not reached it.",
    );
  });

  it("requires a comment to reject and valid form values", () => {
    const who = { id: "ann", name: "Ann", role: "approver" };
    expect(decisionProblem(waiting(), "review", [], who, { decision: "reject", comment: " ", form: {} })?.kind).toBe(
      "invalid",
    );
    expect(decisionProblem(waiting(), "review", [], who, { ...approve, form: {} })?.message).toBe(
      "Budget is required to approve",
    );
    expect(decisionProblem(waiting(), "review", [], who, { ...approve, form: { budget: "5" } })?.message).toBe(
      "Budget must be a number",
    );
    // Rejecting needs no form values: the person may not know them.
    expect(decisionProblem(waiting(), "review", [], who, { decision: "reject", comment: "no", form: {} })).toBeNull();
  });
  it("refuses a decision when nothing waits", () => {
    expect(
      decisionProblem({ status: "running", nodes: {}, lastSeq: 1 }, "review", [], { ...ann, role: "owner" }, approve)
        ?.kind,
    ).toBe("conflict");
  });
});
