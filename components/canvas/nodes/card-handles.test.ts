// The card draws the output handles its kind declares, for every kind and a range of configs:
// an edge the checks accept always has a handle on the canvas to leave from, and no card offers
// a handle the checks would refuse.
import { ReactFlowProvider } from "@xyflow/react";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { newFlowDocument } from "@/lib/flow/document";
import { nodeTypes as kindTypes, type NodeType, nodeKind, outputHandleIds, outputHandles } from "@/lib/flow/kinds";
import { EditorStoreProvider } from "../../editor/editor-context";
import { RunStoreProvider } from "../../runs/run-context";
import { nodeTypes } from ".";

/** Configs per kind beyond its defaults, chosen to change its handles where they can. */
const samples: { [K in NodeType]: Record<string, unknown>[] } = {
  start: [{}],
  agent: [{}, { onError: "continue" }, { onError: "route" }],
  transform: [{ onError: "route" }, { onError: "fail" }],
  http: [{ onError: "route" }],
  branch: [
    { cases: [{ id: "big", label: "Big", condition: "prev > 10" }] },
    {
      cases: [
        { id: "a", label: "", condition: "true" },
        { id: "b", label: "Bee", condition: "false" },
      ],
      mode: "all",
    },
    { cases: [] },
    { cases: "not a list" },
  ],
  parallel: [{}, { maxConcurrency: 2 }],
  join: [{ mode: "any" }, { mode: "count", count: 2 }],
  loop: [{ mode: "repeat", until: "true" }],
  approval: [{}, { timeout: { afterMs: 60_000, action: "reject" } }, { timeout: { afterMs: 60_000, action: "route" } }],
  subflow: [{ onError: "route" }, { flowId: "f1", wait: false }],
  delay: [{ ms: "1000" }, { until: "$now()" }],
  wait: [{}, { timeoutMs: 60_000 }],
  end: [{}],
};

type Providers = {
  flow: Parameters<typeof ReactFlowProvider>[0];
  editor: Parameters<typeof EditorStoreProvider>[0];
  run: Parameters<typeof RunStoreProvider>[0];
};

/** The card as the canvas renders it, and the source handles in its markup (id, and whether muted). */
function renderedOutputs(type: NodeType, data: Record<string, unknown>) {
  const card = createElement(nodeTypes[type]!, {
    id: "n1",
    type,
    data,
    selected: false,
    dragging: false,
    zIndex: 0,
    isConnectable: true,
    positionAbsoluteX: 0,
    positionAbsoluteY: 0,
    draggable: true,
    selectable: true,
    deletable: true,
  } as never);
  const flow = { id: "f1", version: 1, document: newFlowDocument("Cards") };
  // Children go as arguments (React's way); the providers' prop types list them as required.
  const canvas = createElement(ReactFlowProvider, {} as Providers["flow"], card);
  const html = renderToStaticMarkup(
    createElement(
      EditorStoreProvider,
      { flow } as Providers["editor"],
      createElement(RunStoreProvider, {} as Providers["run"], canvas),
    ),
  );
  const handles = [...html.matchAll(/<div[^>]*data-handleid="([^"]+)"[^>]*>/g)].filter(([tag]) =>
    tag.includes(" source"),
  );
  return handles.map(([, id]) => id);
}

describe("node cards draw the handles their kind declares", () => {
  for (const type of kindTypes) {
    for (const extra of samples[type]) {
      const data = { ...(nodeKind(type).defaultData() as Record<string, unknown>), ...extra };
      it(`${type} ${JSON.stringify(extra)}`, () => {
        expect(renderedOutputs(type, data)).toEqual(outputHandleIds(nodeKind(type), data));
      });
    }
  }

  it("covers every kind", () => {
    expect(Object.keys(nodeTypes).sort()).toEqual([...kindTypes].sort());
  });
});

describe("what the kinds declare", () => {
  const handles = (type: NodeType, extra: Record<string, unknown> = {}) =>
    outputHandles(nodeKind(type), { ...(nodeKind(type).defaultData() as Record<string, unknown>), ...extra });

  it("gives work steps an error handle that only onError route follows", () => {
    for (const type of ["agent", "transform", "http"] as const) {
      expect(handles(type).map((h) => h.id)).toEqual(["out", "error", "compensate"]);
      expect(handles(type).find((h) => h.id === "compensate")).toMatchObject({ compensation: true });
      expect(handles(type).find((h) => h.id === "error")).toMatchObject({ error: true, idle: expect.any(String) });
      expect(handles(type, { onError: "route" }).find((h) => h.id === "error")?.idle).toBeUndefined();
    }
  });

  it("gives approvals a timeout handle that only the route action follows", () => {
    expect(handles("approval").map((h) => h.id)).toEqual(["approved", "rejected", "timeout"]);
    expect(handles("approval").find((h) => h.id === "timeout")?.idle).toEqual(expect.any(String));
    const routed = handles("approval", { timeout: { afterMs: 60_000, action: "route" } });
    expect(routed.find((h) => h.id === "timeout")?.idle).toBeUndefined();
  });

  it("gives a branch one handle per case, labelled, and else", () => {
    const cases = [
      { id: "big", label: "Big", condition: "true" },
      { id: "small", label: "", condition: "true" },
    ];
    expect(handles("branch", { cases })).toEqual([
      { id: "big", label: "Big" },
      { id: "small", label: "small" },
      { id: "else", label: "else" },
    ]);
  });
});
