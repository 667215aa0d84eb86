import { describe, expect, it } from "vitest";
import { type CallTarget, calledFlowIds, subflowProblems } from "./subflow-checks";

const targets = (list: CallTarget[]) => new Map(list.map((t) => [t.id, t]));

describe("sub-flow checks", () => {
  const node = (id: string, type: string, data: Record<string, unknown> = {}) => ({
    id,
    type,
    position: { x: 0, y: 0 },
    data: { label: id, ...data },
  });
  const caller = (data: Record<string, unknown>) => ({
    nodes: [node("start", "start"), node("call", "subflow", data), node("end", "end")],
  });

  it("finds nothing wrong with a call to a published flow", () => {
    const known = targets([{ id: "b", name: "B", publishedVersion: 2, calls: [] }]);
    expect(subflowProblems("a", caller({ flowId: "b" }), known)).toEqual([]);
    expect(subflowProblems("a", caller({ flowId: "b", version: 2 }), known)).toEqual([]);
  });

  it("makes a missing flow, one never published and a version it lacks errors, at the node's field", () => {
    const known = targets([{ id: "b", name: "B", publishedVersion: null, calls: [] }]);
    expect(subflowProblems("a", caller({ flowId: "gone" }), known)).toEqual([
      {
        severity: "error",
        nodeId: "call",
        path: ["nodes", 1, "data", "flowId"],
        message: "the flow it calls does not exist in this workspace",
      },
    ]);
    expect(subflowProblems("a", caller({ flowId: "b" }), known)[0]!.message).toBe(
      '"B" has never been published: publish it, or pick a version',
    );
    expect(subflowProblems("a", caller({ flowId: "b", version: 3 }), known)[0]).toMatchObject({
      severity: "error",
      path: ["nodes", 1, "data", "version"],
      message: '"B" has no version 3',
    });
  });

  it("warns of a chain of calls that comes back, naming it", () => {
    const known = targets([
      { id: "a", name: "A", publishedVersion: 1, calls: ["b"] },
      { id: "b", name: "B", publishedVersion: 1, calls: ["c"] },
      { id: "c", name: "C", publishedVersion: 1, calls: ["a"] },
    ]);
    const [problem] = subflowProblems("a", caller({ flowId: "b" }), known);
    expect(problem).toMatchObject({ severity: "warning", nodeId: "call" });
    expect(problem!.message).toContain("calls itself through B → C → A");
    expect(subflowProblems("a", caller({ flowId: "a" }), known)[0]!.message).toContain("calls itself through A");
  });

  it("checks an agent's sub-flow tools like sub-flow nodes, at the tool's field", () => {
    const known = targets([{ id: "b", name: "B", publishedVersion: null, calls: [] }]);
    const agent = {
      nodes: [
        node("ask", "agent", {
          tools: [
            { name: "web", use: { kind: "http", url: "https://example.com" } },
            { name: "greet", use: { kind: "subflow", flowId: "b" } },
          ],
        }),
      ],
    };
    expect(calledFlowIds(agent)).toEqual(["b"]);
    expect(subflowProblems("a", agent, known)).toEqual([
      {
        severity: "error",
        nodeId: "ask",
        path: ["nodes", 0, "data", "tools", 1, "use", "flowId"],
        message: '"B" has never been published: publish it, or pick a version',
      },
    ]);
  });
});
