import { describe, expect, it } from "vitest";
import type { FlowDocument } from "./document";
import { scopeAt } from "./scope";

const node = (id: string, type: string, data: Record<string, unknown> = {}, parentId?: string) => ({
  id,
  type,
  position: { x: 0, y: 0 },
  data: { label: id.toUpperCase(), ...data },
  ...(parentId && { parentId }),
});
const edge = (source: string, target: string) => ({
  id: `${source}-${target}`,
  source,
  sourceHandle: "out",
  target,
  targetHandle: "in",
});

// start → classify → docs(forEach: summarize → check) → report → end, and a side node nobody feeds.
const doc: FlowDocument = {
  schemaVersion: 1,
  name: "Scope",
  description: "",
  nodes: [
    node("start", "start", { inputs: [{ name: "topic", type: "string" }] }),
    node("classify", "agent"),
    node("docs", "loop", { mode: "forEach", items: "input.docs", maxIterations: 10 }),
    node("summarize", "agent", {}, "docs"),
    node("check", "transform", {}, "docs"),
    node("report", "agent"),
    node("side", "transform"),
    node("end", "end"),
  ],
  edges: [
    edge("start", "classify"),
    edge("classify", "docs"),
    edge("summarize", "check"),
    edge("docs", "report"),
    edge("report", "end"),
  ],
};
const expressions = (nodeId: string) => scopeAt(doc, nodeId).map((e) => e.expression);

describe("scopeAt", () => {
  it("offers the run input with its declared fields, prev and run everywhere", () => {
    expect(expressions("classify")).toEqual([
      "input",
      "input.topic",
      "prev",
      "run.id",
      "run.startedAt",
      "run.startedBy",
    ]);
  });

  it("offers the outputs of upstream nodes only, never downstream or unconnected ones", () => {
    const scope = expressions("report");
    expect(scope).toContain("nodes.classify.output");
    expect(scope).toContain("nodes.docs.output");
    expect(scope).not.toContain("nodes.side.output");
    expect(scope).not.toContain("nodes.end.output");
    // A loop's body is not visible from outside it: its outputs belong to iterations.
    expect(scope).not.toContain("nodes.summarize.output");
    expect(scope).not.toContain("item");
  });

  it("inside a forEach body: the body's upstream, the loop's upstream, item and index", () => {
    const scope = expressions("check");
    expect(scope).toEqual(expect.arrayContaining(["nodes.summarize.output", "nodes.classify.output", "item", "index"]));
    expect(scope).not.toContain("nodes.docs.output");
    expect(scope).not.toContain("iteration");
    expect(scopeAt(doc, "check").find((e) => e.expression === "nodes.summarize.output")?.label).toBe("SUMMARIZE");
  });

  it("inside a repeat body and on the loop itself: iteration", () => {
    const repeat = {
      ...doc,
      nodes: doc.nodes.map((n) => (n.id === "docs" ? { ...n, data: { ...n.data, mode: "repeat", until: "true" } } : n)),
    };
    const inBody = scopeAt(repeat, "summarize").map((e) => e.expression);
    expect(inBody).toContain("iteration");
    expect(inBody).not.toContain("item");
    expect(scopeAt(repeat, "docs").map((e) => e.expression)).toContain("iteration");
  });

  it("is empty for a node that is not in the flow", () => {
    expect(scopeAt(doc, "ghost")).toEqual([]);
  });
});
