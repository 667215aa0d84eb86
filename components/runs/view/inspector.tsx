"use client";
import { X } from "lucide-react";
import Link from "next/link";
import { type ReactNode, useMemo } from "react";
import { type NodeType, nodeKind } from "@/lib/flow/kinds";
import { addUsage } from "@/lib/run/cost";
import type { Parked } from "@/lib/run/state";
import { nodeKey } from "@/lib/run/state";
import { runHistory } from "@/lib/run/timeline";
import { kindLooks } from "../../canvas/kind-looks";
import { NodeRunBadge } from "../../canvas/nodes/node-run-badge";
import { useEditor, useEditorStoreApi } from "../../editor/editor-context";
import { CopyButton } from "../../ui/copy-button";
import { formatDuration, formatWhen } from "../../ui/format";
import { Cost, useModelPrices } from "../cost";
import { useRun } from "../run-context";
import { shownPath } from "../run-store";
import { AgentTranscript } from "./agent-transcript";
import { JsonView } from "./json-view";

/** Everything about the selected node in this run: what it got, sent, streamed, answered, and each attempt. */
export function Inspector() {
  const editor = useEditorStoreApi();
  const node = useEditor((s) => s.nodes.find((n) => n.selected));
  const edges = useEditor((s) => s.edges);
  // A string: a selector must not return a new array on every call.
  const pathText = useRun((s) => (node ? shownPath(s, node.id).join(".") : ""));
  const path = useMemo(() => (pathText === "" ? [] : pathText.split(".").map(Number)), [pathText]);
  const key = node ? nodeKey(node.id, path) : "";
  const instance = useRun((s) => s.run.nodes[key]);
  const nodes = useRun((s) => s.run.nodes);
  const events = useRun((s) => s.events);
  const history = useMemo(() => runHistory(events).find((h) => h.key === key), [events, key]);
  const prices = useModelPrices();
  if (!node?.type) return null;
  const type = node.type as NodeType;
  const look = kindLooks[type];
  const Icon = look.icon;
  const label = typeof node.data.label === "string" ? node.data.label : node.id;
  const received = Object.fromEntries(
    edges
      .filter((e) => e.target === node.id)
      .map((e) => [e.source, nodes[nodeKey(e.source, path)]] as const)
      .filter(([, source]) => source?.status === "succeeded")
      .map(([id, source]) => [id, source!.output ?? null]),
  );
  const sent = instance?.input as Record<string, unknown> | undefined;

  return (
    <aside
      aria-label="Inspector"
      data-testid="inspector"
      className="flex w-96 shrink-0 flex-col overflow-y-auto border-l border-slate-200 bg-white"
    >
      <div className="flex items-center gap-3 border-b border-slate-100 px-4 py-3">
        <span className={`flex h-9 w-9 items-center justify-center rounded-lg ${look.tone}`}>
          <Icon size={18} strokeWidth={1.8} />
        </span>
        <div className="min-w-0 flex-1">
          <p className="truncate text-sm font-semibold text-slate-900">{label}</p>
          <p className="truncate text-xs text-slate-500">
            {nodeKind(type).title} · <span className="font-mono">{node.id}</span>
            {path.length > 0 && ` · iteration ${path.map((i) => i + 1).join(".")}`}
          </p>
        </div>
        <NodeRunBadge nodeId={node.id} />
        <button
          type="button"
          aria-label="Close inspector"
          onClick={() => editor.getState().select(null)}
          className="rounded p-1 text-slate-400 hover:bg-slate-100"
        >
          <X size={16} />
        </button>
      </div>

      {!instance && <p className="px-4 py-6 text-sm text-slate-500">This step has not run (yet).</p>}
      {instance?.status === "skipped" && (
        <p className="px-4 py-6 text-sm text-slate-500">Skipped: no path that reached it was taken.</p>
      )}

      {instance?.error && (
        <Section title="Error">
          <div role="alert" className="rounded-lg bg-red-50 p-3 text-sm text-red-800 ring-1 ring-red-200">
            <p className="break-words">{instance.error.message}</p>
            <p className="mt-1 text-xs text-red-600">
              From <span className="font-mono">{instance.error.nodeId ?? node.id}</span>
              {instance.error.retryable ? " · a retry may pass" : " · retrying will not help"}
            </p>
          </div>
        </Section>
      )}

      {history && (
        <Section title={`Attempts (${history.attempts.length})`}>
          <ol className="flex flex-col gap-1 text-xs" data-testid="attempts">
            {history.attempts.map((a) => (
              <li key={a.attempt} className="flex items-baseline gap-2">
                <span className="w-6 shrink-0 font-medium text-slate-700">#{a.attempt}</span>
                <span className="text-slate-500 tabular-nums">{formatWhen(new Date(a.startedAt))}</span>
                <span className="text-slate-500 tabular-nums">
                  {a.endedAt
                    ? formatDuration(new Date(a.endedAt).getTime() - new Date(a.startedAt).getTime())
                    : "so far"}
                </span>
                <span
                  className={`min-w-0 flex-1 truncate ${a.outcome === "failed" ? "text-red-600" : a.outcome === "succeeded" ? "text-emerald-700" : "text-slate-600"}`}
                  title={a.error}
                >
                  {a.outcome}
                  {a.error && `: ${a.error}`}
                </span>
              </li>
            ))}
          </ol>
          {history.waits.some((w) => w.kind === "approval") && (
            <p className="text-xs text-slate-500">
              Waited for people {history.waits[0]?.to ? "until they decided" : "— still waiting"}.
            </p>
          )}
        </Section>
      )}

      {type === "agent" && (
        <Section title="Model">
          <p className="text-xs text-slate-600">
            {node.data.provider === "openai"
              ? `${String(node.data.model)} at ${String(node.data.baseUrl)}`
              : "Mock provider (built in)"}
          </p>
          {history?.usage && (
            <p className="text-xs text-slate-600" data-testid="usage">
              {history.usage.promptTokens} prompt + {history.usage.completionTokens} completion ={" "}
              <span className="font-medium">{history.usage.totalTokens} tokens</span> ·{" "}
              <Cost usage={addUsage(undefined, history.usage)} prices={prices} testId="node-cost" />
            </p>
          )}
        </Section>
      )}

      {sent && type === "agent" && Array.isArray(sent.messages) && (
        <Section title="Prompt sent">
          {(sent.messages as { role: string; content: string }[]).map((m, i) => (
            <Pre key={i} label={m.role === "system" ? "System" : "Prompt"}>
              {m.content}
            </Pre>
          ))}
        </Section>
      )}
      {sent && type === "agent" && !Array.isArray(sent.messages) && (
        <Section title="Prompt sent">
          {typeof sent.system === "string" && <Pre label="System">{sent.system}</Pre>}
          <Pre label="Prompt">{String(sent.prompt ?? "")}</Pre>
        </Section>
      )}
      {instance?.agent && (
        <Section
          title={`Transcript (${instance.agent.turns.length} turn${instance.agent.turns.length === 1 ? "" : "s"})`}
        >
          <AgentTranscript
            agent={instance.agent}
            streamed={instance.streamed}
            running={instance.status === "running"}
          />
        </Section>
      )}
      {sent && type !== "agent" && (
        <Section title="Request sent">
          <JsonView value={sent} label="request" />
        </Section>
      )}

      {instance?.streamed && instance.status === "running" && !instance.agent && (
        <Section title="Answer so far">
          <Pre label="Streaming" live>
            {instance.streamed}
          </Pre>
        </Section>
      )}

      {instance?.parked && <ParkedOn parked={instance.parked} status={instance.status} />}
      {instance?.throttled && (
        <Section title={instance.throttled.passed ? "Was throttled" : "Throttled"}>
          <p className="text-xs text-slate-600" data-testid="throttled">
            Rate limit <span className="font-mono">{instance.throttled.key}</span>:{" "}
            {instance.throttled.passed ? "waited" : "waits"} for its turn until{" "}
            {new Date(instance.throttled.until).toLocaleTimeString()}.
          </p>
        </Section>
      )}

      {instance?.status === "succeeded" && (
        <Section title="Output">
          <JsonView value={instance.output ?? null} label="output" />
        </Section>
      )}

      {Object.keys(received).length > 0 && (
        <Section title="Input (from the steps before)">
          <JsonView value={Object.keys(received).length === 1 ? Object.values(received)[0] : received} label="input" />
        </Section>
      )}

      {instance?.approval && instance.approval.decisions.length > 0 && (
        <Section title="Decisions">
          <ul className="flex flex-col gap-1 text-xs">
            {instance.approval.decisions.map((d) => (
              <li key={`${d.by.id}-${d.at}`}>
                <span className={d.decision === "approve" ? "text-emerald-700" : "text-red-700"}>
                  {d.decision === "approve" ? "Approved" : "Rejected"}
                </span>{" "}
                by {d.by.name} at {formatWhen(new Date(d.at))}
                {d.comment && <span className="text-slate-500"> — “{d.comment}”</span>}
              </li>
            ))}
          </ul>
        </Section>
      )}
    </aside>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="flex flex-col gap-2 border-b border-slate-100 px-4 py-3">
      <h4 className="text-[11px] font-semibold tracking-wide text-slate-400 uppercase">{title}</h4>
      {children}
    </section>
  );
}

function Pre({ label, children, live }: { label: string; children: ReactNode; live?: boolean }) {
  return (
    <div>
      <p className="mb-1 text-[11px] text-slate-500">{label}</p>
      <pre
        className="max-h-60 overflow-auto rounded-lg bg-slate-50 p-2.5 font-sans text-xs leading-5 whitespace-pre-wrap text-slate-800 ring-1 ring-slate-200"
        data-testid={live ? "streamed" : undefined}
      >
        {children}
        {live && <span className="ml-0.5 inline-block h-3 w-1.5 animate-pulse bg-sky-500 align-middle" />}
      </pre>
    </div>
  );
}

/** What a delay, wait or sub-flow step waits (or waited) for: its timer, its resume URL and deadline, its child run. */
function ParkedOn({ parked, status }: { parked: Parked; status: string }) {
  const waiting = status === "waiting";
  return (
    <Section title={parked.runId ? "Called run" : waiting ? "Waiting for" : "Waited for"}>
      <div className="flex flex-col gap-1 text-xs text-slate-600">
        {parked.runId && (
          <Link className="font-medium text-accent-700 hover:underline" href={`/runs/${parked.runId}`}>
            Open the called run →
          </Link>
        )}
        {parked.until && <span>A timer, until {new Date(parked.until).toLocaleString()}</span>}
        {parked.resumeUrl && (
          <>
            <span>A POST to its resume URL{waiting ? "" : " (used)"}:</span>
            <div className="flex items-start gap-1">
              <code className="min-w-0 flex-1 break-all rounded bg-slate-50 px-1.5 py-1 font-mono text-[11px]">
                {parked.resumeUrl}
              </code>
              {waiting && <CopyButton text={parked.resumeUrl} what="resume URL" />}
            </div>
          </>
        )}
        {parked.timeoutAt && <span>Gives up at {new Date(parked.timeoutAt).toLocaleString()}</span>}
      </div>
    </Section>
  );
}
