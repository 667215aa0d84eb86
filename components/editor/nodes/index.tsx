"use client";
import type { NodeProps, NodeTypes } from "@xyflow/react";
import { Flag, Play } from "lucide-react";
import type { NodeType } from "@/lib/flow/kinds";
import { nodeKinds } from "@/lib/flow/kinds";
import type { CanvasNode } from "../canvas-document";
import { NodeCard } from "./node-card";

const label = (data: Record<string, unknown>, fallback: string) =>
  typeof data.label === "string" && data.label ? data.label : fallback;

function StartNode({ id, data, selected }: NodeProps<CanvasNode>) {
  const inputs = Array.isArray(data.inputs) ? data.inputs.length : 0;
  return (
    <NodeCard
      id={id}
      label={label(data, "Start")}
      kindTitle={nodeKinds.start.title}
      icon={Play}
      tone="bg-emerald-50 text-emerald-600"
      inputs={nodeKinds.start.inputs}
      outputs={["out"]}
      selected={selected}
      summary={inputs > 0 ? `${inputs} input field${inputs === 1 ? "" : "s"}` : undefined}
    />
  );
}

function EndNode({ id, data, selected }: NodeProps<CanvasNode>) {
  return (
    <NodeCard
      id={id}
      label={label(data, "End")}
      kindTitle={nodeKinds.end.title}
      icon={Flag}
      tone="bg-slate-100 text-slate-600"
      inputs={nodeKinds.end.inputs}
      outputs={[]}
      selected={selected}
    />
  );
}

/** One card component per node kind; the mapped type flags a kind without one. */
const cards: { [K in NodeType]: (props: NodeProps<CanvasNode>) => React.ReactNode } = {
  start: StartNode,
  end: EndNode,
};

export const nodeTypes: NodeTypes = cards;
