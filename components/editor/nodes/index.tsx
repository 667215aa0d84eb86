"use client";
import type { NodeProps, NodeTypes } from "@xyflow/react";
import { Bot, Flag, GitBranch, GitMerge, type LucideIcon, Play, Split, UserCheck, Wand2 } from "lucide-react";
import type { ReactNode } from "react";
import { type NodeType, nodeKinds } from "@/lib/flow/kinds";
import type { CanvasNode } from "../canvas-document";
import { NodeCard, type OutputHandle } from "./node-card";

const text = (value: unknown, fallback = "") => (typeof value === "string" && value ? value : fallback);
const errorOutputs = (data: Record<string, unknown>): OutputHandle[] =>
  data.onError === "route"
    ? [
        { id: "out", label: "out" },
        { id: "error", label: "on error", danger: true },
      ]
    : [{ id: "out", label: "out" }];

/** How each kind looks: icon, colour, outputs and the config worth seeing on the card. */
const looks: {
  [K in NodeType]: {
    icon: LucideIcon;
    tone: string;
    outputs: (data: Record<string, unknown>) => OutputHandle[];
    summary?: (data: Record<string, unknown>) => ReactNode;
  };
} = {
  start: {
    icon: Play,
    tone: "bg-emerald-50 text-emerald-600",
    outputs: () => [{ id: "out", label: "out" }],
    summary: (d) =>
      Array.isArray(d.inputs) && d.inputs.length > 0
        ? `${d.inputs.length} input field${d.inputs.length === 1 ? "" : "s"}`
        : undefined,
  },
  agent: {
    icon: Bot,
    tone: "bg-violet-50 text-violet-600",
    outputs: errorOutputs,
    summary: (d) => <span className="line-clamp-2 font-mono">{text(d.prompt, "no prompt")}</span>,
  },
  transform: {
    icon: Wand2,
    tone: "bg-sky-50 text-sky-600",
    outputs: errorOutputs,
    summary: (d) => <span className="line-clamp-2 font-mono">{text(d.expression)}</span>,
  },
  branch: {
    icon: GitBranch,
    tone: "bg-amber-50 text-amber-600",
    outputs: (d) => [
      ...(Array.isArray(d.cases)
        ? (d.cases as { id: string; label?: string }[]).map((c) => ({ id: c.id, label: c.label || c.id }))
        : []),
      { id: "else", label: "else" },
    ],
    summary: (d) => (d.mode === "all" ? "every matching case" : "first matching case"),
  },
  parallel: {
    icon: Split,
    tone: "bg-teal-50 text-teal-600",
    outputs: () => [{ id: "out", label: "out" }],
    summary: () => "all paths at once",
  },
  join: {
    icon: GitMerge,
    tone: "bg-teal-50 text-teal-600",
    outputs: () => [{ id: "out", label: "out" }],
    summary: (d) =>
      d.mode === "any"
        ? "first to arrive"
        : d.mode === "count"
          ? `first ${String(d.count)} to arrive`
          : "waits for all",
  },
  approval: {
    icon: UserCheck,
    tone: "bg-rose-50 text-rose-600",
    outputs: (d) => [
      { id: "approved", label: "approved" },
      { id: "rejected", label: "rejected" },
      ...((d.timeout as { action?: string } | undefined)?.action === "route"
        ? [{ id: "timeout", label: "timed out" }]
        : []),
    ],
    summary: (d) => approvalSummary(d),
  },
  end: { icon: Flag, tone: "bg-slate-100 text-slate-600", outputs: () => [] },
};

function approvalSummary(d: Record<string, unknown>): string {
  const assignees = d.assignees as { users?: string[]; roles?: string[] } | undefined;
  const who = [...(assignees?.roles ?? []), ...(assignees?.users?.length ? [`${assignees.users.length} people`] : [])];
  const needed =
    typeof d.requiredApprovals === "number" && d.requiredApprovals > 1
      ? `${d.requiredApprovals} approvals`
      : "1 approval";
  const timeout = d.timeout as { afterMs?: number; action?: string } | undefined;
  const deadline = timeout?.afterMs
    ? ` · ${Math.round(timeout.afterMs / 3_600_000) || "<1"} h, then ${timeout.action}`
    : "";
  return `${needed} from ${who.length ? who.join(", ") : "any approver"}${deadline}`;
}

/** Every kind renders through this one component; `looks` says how each differs. */
function KindNode({ id, type, data, selected }: NodeProps<CanvasNode>) {
  const look = looks[type as NodeType];
  const kind = nodeKinds[type as NodeType];
  return (
    <NodeCard
      id={id}
      label={text(data.label, kind.title)}
      kindTitle={kind.title}
      icon={look.icon}
      tone={look.tone}
      inputs={kind.inputs}
      outputs={look.outputs(data)}
      selected={selected}
      summary={look.summary?.(data)}
    />
  );
}

export const nodeTypes: NodeTypes = Object.fromEntries(Object.keys(looks).map((type) => [type, KindNode]));
