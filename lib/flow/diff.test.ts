import { describe, expect, it } from "vitest";
import { diffFlows, isEmptyDiff } from "./diff";
import type { FlowDocument } from "./document";

/** A document of these nodes (kind and data), wired by "a -> b" edges, laid out left to right. */
function flow(nodes: Record<string, [string, Record<string, unknown>?]>, edges: string[]): FlowDocument {
  return {
    schemaVersion: 1,
    name: "Diffed",
    description: "",
    nodes: Object.entries(nodes).map(([id, [type, data = {}]], i) => ({
      id,
      type,
      position: { x: i * 200, y: 0 },
      data: { label: id, ...data },
    })),
    edges: edges.map((e) => {
      const [source, target] = e.split(" -> ") as [string, string];
      return { id: `e_${source}_${target}`, source, sourceHandle: "out", target, targetHandle: "in" };
    }),
  };
}

//  start ─▶ ask ─▶ end
const before = flow(
  {
    start: ["start"],
    ask: ["agent", { prompt: "Summarise {{ input.text }}", retry: { maxAttempts: 2 } }],
    end: ["end"],
  },
  ["start -> ask", "ask -> end"],
);

describe("diffFlows", () => {
  it("finds nothing between a document and itself", () => {
    expect(isEmptyDiff(diffFlows(before, structuredClone(before)))).toBe(true);
  });

  it("names added and removed nodes and edges, and the fields of changed nodes", () => {
    //  start ─▶ ask ─▶ check ─▶ end      (ask's prompt and retries changed, ask moved)
    const after = flow(
      {
        start: ["start"],
        ask: ["agent", { prompt: "Summarise briefly {{ input.text }}", retry: { maxAttempts: 3 } }],
        check: ["transform", { expression: "prev" }],
        end: ["end"],
      },
      ["start -> ask", "ask -> check", "check -> end"],
    );
    after.nodes.find((n) => n.id === "ask")!.position = { x: 999, y: 0 };
    after.nodes.find((n) => n.id === "end")!.position = before.nodes.find((n) => n.id === "end")!.position;
    const diff = diffFlows(before, after);
    expect(diff.nodes.added).toEqual(["check"]);
    expect(diff.nodes.removed).toEqual([]);
    expect(diff.nodes.changed).toEqual([{ id: "ask", fields: ["position", "data.prompt", "data.retry.maxAttempts"] }]);
    const removedEdge = before.edges.find((e) => e.target === "end")!.id;
    expect(diff.edges.removed).toEqual([removedEdge]);
    expect(diff.edges.added).toHaveLength(2);
    // The other way round, what was added is removed.
    expect(diffFlows(after, before).nodes).toMatchObject({ added: [], removed: ["check"] });
  });

  it("treats a rewired edge with the same id as another connection", () => {
    const after = structuredClone(before);
    after.edges[1]!.target = "start";
    const diff = diffFlows(before, after);
    expect(diff.edges).toEqual({ added: [after.edges[1]!.id], removed: [before.edges[1]!.id] });
  });
});
