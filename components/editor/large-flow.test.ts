import { describe, expect, it } from "vitest";
import { newFlowDocument } from "@/lib/flow/document";
import { createEditorStore } from "./editor-store";
import { sameDocument } from "./use-flow-check";

// React Flow re-renders a node when its object changes: on a large canvas, selecting one node
// must not hand every node a new object.
describe("editor store on a large canvas", () => {
  const open = () => createEditorStore({ id: "f1", version: 1, document: newFlowDocument("Test") });

  it("selecting a node changes only the nodes whose selection changes", () => {
    const store = open();
    const s = () => store.getState();
    s().addNode("agent", { x: 0, y: 0 });
    const before = s().nodes;
    const edges = s().edges;
    s().select("start");
    const after = s().nodes;
    expect(after.filter((n) => n.selected).map((n) => n.id)).toEqual(["start"]);
    expect(after.find((n) => n.id === "end")).toBe(before.find((n) => n.id === "end"));
    expect(after.find((n) => n.id === "agent_1")).not.toBe(before.find((n) => n.id === "agent_1"));
    expect(s().edges).toHaveLength(edges.length);
    expect(s().edges.every((e, i) => e === edges[i])).toBe(true);
  });

  it("adding a node leaves unselected nodes as they were", () => {
    const store = open();
    const s = () => store.getState();
    const end = s().nodes.find((n) => n.id === "end");
    s().addNode("agent", { x: 0, y: 0 });
    expect(s().nodes.find((n) => n.id === "end")).toBe(end);
    expect(
      s()
        .nodes.filter((n) => n.selected)
        .map((n) => n.id),
    ).toEqual(["agent_1"]);
  });

  it("undo keeps the current selection and the nodes it does not change", async () => {
    const store = open();
    const s = () => store.getState();
    s().addNode("agent", { x: 0, y: 0 });
    await Promise.resolve();
    s().select("end");
    const end = s().nodes.find((n) => n.id === "end");
    s().updateNodeData("agent_1", { ...s().nodes.find((n) => n.id === "agent_1")!.data, label: "Writer" });
    s().undo();
    expect(s().nodes.find((n) => n.id === "agent_1")!.data.label).toBe("Agent");
    expect(
      s()
        .nodes.filter((n) => n.selected)
        .map((n) => n.id),
    ).toEqual(["end"]);
    expect(s().nodes.find((n) => n.id === "end")).toBe(end);
  });
});

describe("re-checking the flow", () => {
  const canvas = () => createEditorStore({ id: "f1", version: 1, document: newFlowDocument("Test") }).getState();

  it("skips what checks do not read: selection, measuring, sub-pixel drag frames", () => {
    const a = canvas();
    const moved = {
      nodes: a.nodes.map((n) => ({
        ...n,
        selected: true,
        measured: { width: 240, height: 80 },
        position: { ...n.position, x: n.position.x + 0.2 },
      })),
      edges: a.edges.map((e) => ({ ...e, selected: true })),
    };
    expect(sameDocument(a, moved)).toBe(true);
  });

  it("re-checks for a move, new config, a new container or other edges", () => {
    const a = canvas();
    const node = a.nodes[0]!;
    const withNode = (change: object) => ({ nodes: [{ ...node, ...change }, ...a.nodes.slice(1)], edges: a.edges });
    expect(sameDocument(a, withNode({ position: { x: node.position.x + 10, y: node.position.y } }))).toBe(false);
    expect(sameDocument(a, withNode({ data: { ...node.data } }))).toBe(false);
    expect(sameDocument(a, withNode({ parentId: "loop_1" }))).toBe(false);
    expect(sameDocument(a, { nodes: a.nodes, edges: [] })).toBe(false);
    expect(sameDocument(a, { nodes: a.nodes, edges: a.edges.map((e) => ({ ...e, targetHandle: "other" })) })).toBe(
      false,
    );
  });
});
