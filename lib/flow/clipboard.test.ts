import { describe, expect, it } from "vitest";
import { checkFlow } from "./check";
import { copyNodes, pasteNodes, readClipboard } from "./clipboard";
import type { FlowDocument } from "./document";

const doc: FlowDocument = {
  schemaVersion: 1,
  name: "t",
  description: "",
  nodes: [
    { id: "start", type: "start", position: { x: 0, y: 0 }, data: { label: "Start" } },
    { id: "agent_1", type: "agent", position: { x: 100, y: 0 }, data: { label: "Writer" } },
    { id: "loop_1", type: "loop", position: { x: 300, y: 0 }, data: { label: "Each", items: "x", maxIterations: 3 } },
    {
      id: "transform_1",
      type: "transform",
      parentId: "loop_1",
      position: { x: 20, y: 100 },
      data: { label: "T", expression: "item" },
    },
    { id: "end", type: "end", position: { x: 600, y: 0 }, data: { label: "End" } },
  ],
  edges: [
    { id: "e1", source: "start", sourceHandle: "out", target: "agent_1", targetHandle: "in" },
    { id: "e2", source: "agent_1", sourceHandle: "out", target: "loop_1", targetHandle: "in" },
    { id: "e3", source: "loop_1", sourceHandle: "out", target: "end", targetHandle: "in" },
  ],
};

describe("clipboard", () => {
  it("copies the selection with the inside of selected loops and the edges among them", () => {
    const copied = copyNodes(doc, ["agent_1", "loop_1"]);
    expect(copied.nodes.map((n) => n.id)).toEqual(["agent_1", "loop_1", "transform_1"]);
    expect(copied.edges.map((e) => e.id)).toEqual(["e2"]);
  });

  it("pastes with fresh ids, shifted, with edges and loop membership remapped, into a still valid flow", () => {
    const copied = copyNodes(doc, ["agent_1", "loop_1"]);
    const pasted = pasteNodes(doc, copied, { x: 40, y: 40 });
    expect(pasted.nodes.map((n) => [n.id, n.parentId ?? null, n.position])).toEqual([
      ["agent_2", null, { x: 140, y: 40 }],
      ["loop_2", null, { x: 340, y: 40 }],
      ["transform_2", "loop_2", { x: 20, y: 100 }],
    ]);
    expect(pasted.edges).toEqual([
      { id: "e_agent_2_loop_2", source: "agent_2", sourceHandle: "out", target: "loop_2", targetHandle: "in" },
    ]);
    const merged = { ...doc, nodes: [...doc.nodes, ...pasted.nodes], edges: [...doc.edges, ...pasted.edges] };
    expect(checkFlow(merged).problems.filter((p) => p.severity === "error")).toEqual([]);
  });

  it("lifts a node out of a loop that was not copied", () => {
    const pasted = pasteNodes(doc, copyNodes(doc, ["transform_1"]), { x: 10, y: 10 });
    expect(pasted.nodes[0]).toMatchObject({ id: "transform_2", position: { x: 30, y: 110 } });
    expect(pasted.nodes[0]).not.toHaveProperty("parentId");
  });

  it("reads only Switchyard copies", () => {
    expect(readClipboard(JSON.stringify(copyNodes(doc, ["end"])))?.nodes).toHaveLength(1);
    expect(readClipboard("hello")).toBeNull();
    expect(
      readClipboard(JSON.stringify({ switchyard: "nodes", version: 1, nodes: [{ id: "1bad" }], edges: [] })),
    ).toBeNull();
  });
});
