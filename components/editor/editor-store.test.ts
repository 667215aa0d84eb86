import { describe, expect, it } from "vitest";
import { newFlowDocument } from "@/lib/flow/document";
import { createEditorStore, nextNodeId } from "./editor-store";

const open = () => createEditorStore({ id: "f1", version: 1, document: newFlowDocument("Test") });

describe("editor store", () => {
  it("restores a published version's graph as one undo step", async () => {
    const store = open();
    const published = store.getState().document();
    store.getState().addNode("agent", { x: 10, y: 20 });
    await Promise.resolve(); // edits in one tick are one step
    store.getState().addNode("transform", { x: 50, y: 20 });
    await Promise.resolve();
    const draft = store.getState().document();
    store.getState().replaceGraph(published);
    expect(
      store
        .getState()
        .document()
        .nodes.map((n) => n.id),
    ).toEqual(published.nodes.map((n) => n.id));
    store.getState().undo();
    expect(store.getState().document()).toEqual(draft);
  });

  it("adds a node with a readable id and its kind's defaults, and marks the flow unsaved", () => {
    const store = open();
    const id = store.getState().addNode("agent", { x: 10, y: 20 });
    expect(id).toBe("agent_1");
    const doc = store.getState().document();
    expect(doc.nodes.find((n) => n.id === "agent_1")).toMatchObject({
      type: "agent",
      position: { x: 10, y: 20 },
      data: { label: "Agent" },
    });
    expect(store.getState().saveState).toBe("unsaved");
    expect(nextNodeId("agent", doc.nodes)).toBe("agent_2");
  });

  it("undoes and redoes every kind of edit, back to the saved state", async () => {
    const store = open();
    const s = () => store.getState();
    const tick = () => Promise.resolve(); // each user action arrives in its own event
    s().addNode("agent", { x: 0, y: 0 });
    await tick();
    s().updateNodeData("agent_1", { ...s().document().nodes[2]!.data, label: "Writer" });
    await tick();
    s().onEdgesChange([{ type: "remove", id: "e_start_end" }]);
    await tick();
    expect(s().connect({ source: "start", sourceHandle: "out", target: "agent_1", targetHandle: "in" })).toBeNull();
    await tick();
    s().onNodesChange([{ type: "position", id: "end", position: { x: 500, y: 50 }, dragging: true }]);
    await tick();
    s().onNodesChange([{ type: "position", id: "end", position: { x: 600, y: 60 }, dragging: true }]);
    await tick();
    s().onNodesChange([{ type: "position", id: "end", dragging: false }]);
    await tick();

    const steps = () => s().past.length;
    expect(steps()).toBe(5); // add, edit, remove edge, connect, one drag
    s().undo(); // the drag
    expect(
      s()
        .document()
        .nodes.find((n) => n.id === "end")!.position,
    ).toEqual({ x: 320, y: 0 });
    s().undo(); // connect
    s().undo(); // remove edge
    expect(
      s()
        .document()
        .edges.map((e) => e.id),
    ).toEqual(["e_start_end"]);
    s().undo(); // config
    expect(
      s()
        .document()
        .nodes.find((n) => n.id === "agent_1")!.data.label,
    ).toBe("Agent");
    s().undo(); // add
    expect(s().document()).toEqual(newFlowDocument("Test"));
    expect(s().saveState).toBe("saved");
    s().undo(); // nothing left: no change
    expect(s().document()).toEqual(newFlowDocument("Test"));

    s().redo();
    s().redo();
    expect(
      s()
        .document()
        .nodes.find((n) => n.id === "agent_1")!.data.label,
    ).toBe("Writer");
    await tick();
    s().addNode("branch", { x: 0, y: 0 }); // a new edit clears what could be redone
    expect(s().future).toEqual([]);
  });

  it("refuses a connection that is not allowed, without an undo step", () => {
    const store = open();
    expect(store.getState().connect({ source: "start", sourceHandle: "out", target: "end", targetHandle: "in" })).toBe(
      "these handles are already connected",
    );
    expect(store.getState().past).toEqual([]);
  });
});

describe("deleting", () => {
  it("removes a node with its edges as one undo step, from the keyboard or the panel", async () => {
    const store = open();
    const s = () => store.getState();
    // React Flow reports a keyboard delete as two calls in one tick.
    s().onNodesChange([{ type: "remove", id: "end" }]);
    s().onEdgesChange([{ type: "remove", id: "e_start_end" }]);
    await Promise.resolve();
    expect(s().past).toHaveLength(1);
    s().undo();
    expect(s().document()).toEqual(newFlowDocument("Test"));

    s().removeNodes(["start"]);
    expect(s().document().edges).toEqual([]);
    expect(
      s()
        .document()
        .nodes.map((n) => n.id),
    ).toEqual(["end"]);
  });
});

describe("inserting on an edge", () => {
  it("puts the node between the edge's ends as one undo step, and refuses kinds that cannot sit there", () => {
    const store = open();
    expect(store.getState().insertOnEdge("e_start_end", "agent", { x: 160, y: 0 })).toBe(true);
    const doc = store.getState().document();
    expect(doc.edges.map((e) => `${e.source}.${e.sourceHandle}->${e.target}`)).toEqual([
      "start.out->agent_1",
      "agent_1.out->end",
    ]);
    expect(store.getState().past).toHaveLength(1);
    store.getState().undo();
    expect(store.getState().document()).toEqual(newFlowDocument("Test"));
    expect(store.getState().insertOnEdge("e_start_end", "end", { x: 0, y: 0 })).toBe(false);
    expect(store.getState().insertOnEdge("e_start_end", "branch", { x: 0, y: 0 })).toBe(false); // no "out" handle
  });
});

describe("dragging nodes into and out of a loop", () => {
  it("moves a node into a loop's body and back out, dropping edges that would cross the border, in the drag's undo step", async () => {
    const store = open();
    const s = () => store.getState();
    const tick = () => Promise.resolve();
    s().insertOnEdge("e_start_end", "agent", { x: 300, y: 0 }); // start → agent_1 → end
    await tick();
    s().addNode("loop", { x: 600, y: 200 });
    await tick();
    const before = s().document();
    // The drag: React Flow's position changes, then the drop puts agent_1 inside the loop.
    s().onNodesChange([{ type: "position", id: "agent_1", position: { x: 640, y: 260 }, dragging: true }]);
    s().onNodesChange([{ type: "position", id: "agent_1", dragging: false }]);
    expect(s().reparent([{ id: "agent_1", parentId: "loop_1", position: { x: 40, y: 60 } }])).toBe(2);
    const inside = s().document();
    expect(inside.nodes.find((n) => n.id === "agent_1")).toMatchObject({
      parentId: "loop_1",
      position: { x: 40, y: 60 },
    });
    // React Flow needs the container before its children.
    const ids = inside.nodes.map((n) => n.id);
    expect(ids.indexOf("loop_1")).toBeLessThan(ids.indexOf("agent_1"));
    expect(inside.edges).toEqual([]);
    s().undo();
    expect(s().document()).toEqual(before);
    s().redo();
    expect(s().reparent([{ id: "agent_1", position: { x: 640, y: 260 } }])).toBe(0);
    expect(
      s()
        .document()
        .nodes.find((n) => n.id === "agent_1"),
    ).not.toHaveProperty("parentId");
  });
});
