"use client";
import type { NodeProps, NodeTypes } from "@xyflow/react";
import type { ReactNode } from "react";
import { type NodeType, nodeKind, outputHandles } from "@/lib/flow/kinds";
import { useEditor } from "../../editor/editor-context";
import { formatDuration } from "../../ui/format";
import type { CanvasNode } from "../canvas-document";
import { kindLooks } from "../kind-looks";
import { LoopIterationPicker } from "./loop-iteration-picker";
import { NodeCard } from "./node-card";
import { SubflowSummary } from "./subflow-summary";

const text = (value: unknown, fallback = "") => (typeof value === "string" && value ? value : fallback);

/**
 * The config worth seeing on each kind's card. Handles are not here: the card draws the ones
 * the kind declares (lib/flow/kinds), so the canvas and the checks cannot disagree.
 */
const looks: {
  [K in NodeType]: {
    summary?: (data: Record<string, unknown>, nodeId: string) => ReactNode;
  };
} = {
  start: {
    summary: (d) =>
      Array.isArray(d.inputs) && d.inputs.length > 0
        ? `${d.inputs.length} input field${d.inputs.length === 1 ? "" : "s"}`
        : undefined,
  },
  agent: {
    summary: (d) => <span className="line-clamp-2 font-mono">{text(d.prompt, "no prompt")}</span>,
  },
  http: {
    summary: (d) => <span className="line-clamp-1 font-mono">{`${text(d.method, "GET")} ${text(d.url)}`}</span>,
  },
  transform: {
    summary: (d) => <span className="line-clamp-2 font-mono">{text(d.expression)}</span>,
  },
  branch: {
    summary: (d) => (d.mode === "all" ? "every matching case" : "first matching case"),
  },
  parallel: {
    summary: (d) =>
      typeof d.maxConcurrency === "number" ? `at most ${d.maxConcurrency} paths at once` : "all paths at once",
  },
  join: {
    summary: (d) =>
      d.mode === "any"
        ? "first to arrive"
        : d.mode === "count"
          ? `first ${String(d.count)} to arrive`
          : "waits for all",
  },
  loop: {
    summary: (d) =>
      d.mode === "repeat"
        ? `repeat until ${text(d.until, "…")} · at most ${String(d.maxIterations ?? "?")}`
        : `for each of ${text(d.items, "…")}${Number(d.concurrency) > 1 ? ` · ${String(d.concurrency)} at once` : ""} · at most ${String(d.maxIterations ?? "?")}`,
  },
  approval: {
    summary: (d) => approvalSummary(d),
  },
  subflow: {
    summary: (d, id) => <SubflowSummary data={d} nodeId={id} />,
  },
  delay: {
    summary: (d) => <span className="line-clamp-1">{delaySummary(d)}</span>,
  },
  wait: {
    summary: (d) =>
      `${d.notify ? "notifies, then waits" : "waits for a callback"}${typeof d.timeoutMs === "number" ? ` · gives up after ${formatDuration(d.timeoutMs)}` : ""}`,
  },
  end: {},
};

/** "for 1 h 0 min" when `ms` is a plain number, else the expression as written. */
function delaySummary(d: Record<string, unknown>): string {
  if (d.until) return `until ${text(d.until)}`;
  const ms = text(d.ms, "…");
  return /^\d+$/.test(ms.trim()) ? `for ${formatDuration(Number(ms))}` : `for ${ms} ms`;
}

function approvalSummary(d: Record<string, unknown>): string {
  const assignees = d.assignees as { users?: string[]; roles?: string[]; groups?: string[] } | undefined;
  const who = [
    ...(assignees?.roles ?? []),
    ...(assignees?.groups ?? []),
    ...(assignees?.users?.length ? [`${assignees.users.length} people`] : []),
  ];
  const needed =
    typeof d.requiredApprovals === "number" && d.requiredApprovals > 1
      ? `${d.requiredApprovals} approvals`
      : "1 approval";
  const timeout = d.timeout as { afterMs?: number; action?: string; escalate?: { groups?: string[] }[] } | undefined;
  const hours = (ms: number) => `${Math.round(ms / 3_600_000) || "<1"} h`;
  const escalations = (timeout?.escalate ?? [])
    .map((level) => `, then ${(level.groups ?? []).join("/") || "?"}`)
    .join("");
  const deadline = timeout?.afterMs ? ` · ${hours(timeout.afterMs)}${escalations}, then ${timeout.action}` : "";
  return `${needed} from ${who.length ? who.join(", ") : "any approver"}${deadline}`;
}

/** Every kind renders through this one component; `looks` says how each differs. */
function KindNode({ id, type, data, selected }: NodeProps<CanvasNode>) {
  const look = looks[type as NodeType];
  const kind = nodeKind(type as NodeType);
  const card = (
    <NodeCard
      id={id}
      label={text(data.label, kind.title)}
      kindTitle={kind.title}
      icon={kindLooks[type as NodeType].icon}
      tone={kindLooks[type as NodeType].tone}
      inputs={kind.inputs}
      outputs={outputHandles(kind, data)}
      selected={selected}
      summary={look.summary?.(data, id)}
      maxAttempts={(data.retry as { maxAttempts?: number } | undefined)?.maxAttempts}
    />
  );
  if (type !== "loop") return card;
  return <LoopContainer id={id}>{card}</LoopContainer>;
}

/** A loop is a container: its body's nodes sit below its card, and it grows to hold them. */
function LoopContainer({ id, children }: { id: string; children: React.ReactNode }) {
  const size = useEditor((s) => {
    let width = 560;
    let height = 260;
    for (const n of s.nodes) {
      // A child being dragged does not stretch its loop, so it can be dragged out of it.
      if (n.parentId !== id || n.dragging) continue;
      width = Math.max(width, n.position.x + (n.measured?.width ?? 240) + 40);
      height = Math.max(height, n.position.y + (n.measured?.height ?? 110) + 30);
    }
    return `${width}x${height}`;
  });
  const [width, height] = size.split("x").map(Number);
  return (
    <div
      className="relative rounded-2xl border-2 border-dashed border-orange-200 bg-orange-50/30 p-2"
      style={{ width, height }}
    >
      {children}
      <LoopIterationPicker loopId={id} />
    </div>
  );
}

export const nodeTypes: NodeTypes = Object.fromEntries(Object.keys(looks).map((type) => [type, KindNode]));
