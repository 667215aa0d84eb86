import { describe, expect, it } from "vitest";
import { connectionProblem, newEdgeId } from "./connect";
import { newFlowDocument } from "./document";

const doc = newFlowDocument("t");
const link = (source: string, target: string, sourceHandle = "out", targetHandle = "in") => ({
  source,
  target,
  sourceHandle,
  targetHandle,
});

describe("connectionProblem", () => {
  it("refuses a connection that already exists", () => {
    expect(connectionProblem(doc, link("start", "end"))).toBe("these handles are already connected");
  });
  it("accepts the edge again once it was removed", () => {
    expect(connectionProblem({ ...doc, edges: [] }, link("start", "end"))).toBeNull();
  });
  it("refuses handles the kinds do not have", () => {
    expect(connectionProblem({ ...doc, edges: [] }, link("start", "end", "yes"))).toBe('start has no output "yes"');
    expect(connectionProblem({ ...doc, edges: [] }, link("end", "start"))).toBe('end has no output "out"');
  });
  it("refuses self-loops and cycles", () => {
    const two = { ...doc, nodes: [...doc.nodes, { ...doc.nodes[1]!, id: "end2" }] };
    expect(connectionProblem(two, link("end", "end"))).toBe("a node cannot connect to itself");
  });
});

describe("newEdgeId", () => {
  it("never reuses an id", () => {
    expect(newEdgeId({ edges: [] }, link("start", "end"))).toBe("e_start_end");
    expect(newEdgeId(doc, link("start", "end"))).toBe("e_start_end_2");
  });
});
