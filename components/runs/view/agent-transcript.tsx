"use client";
import { Bot, CircleCheck, CircleX, Clock, Hourglass, Wrench } from "lucide-react";
import Link from "next/link";
import { type AgentProgress, approvalVerdict, type ToolCallState } from "@/lib/run/agent-progress";
import { formatDuration } from "../../ui/format";
import { JsonView } from "./json-view";

/**
 * An agent's loop as it happens: each model turn (what it said, what it spent), each tool call
 * with its arguments, its approval, its result or error and how long it took, and the text the
 * model is writing now. Fed by the run's events, so it streams live.
 */
export function AgentTranscript({
  agent,
  streamed,
  running,
}: {
  agent: AgentProgress;
  streamed?: string;
  running: boolean;
}) {
  return (
    <ol className="flex flex-col gap-3" data-testid="transcript" aria-label="Transcript">
      {agent.turns.map((turn) => (
        <li key={turn.step} className="flex flex-col gap-1.5" data-testid={`turn-${turn.step}`}>
          <p className="flex items-center gap-1.5 text-[11px] font-medium text-slate-500">
            <Bot size={12} /> Turn {turn.step}
            {turn.usage && <span className="ml-auto font-normal tabular-nums">{turn.usage.totalTokens} tokens</span>}
          </p>
          {turn.content && (
            <p className="rounded-lg bg-slate-50 px-2.5 py-2 text-xs leading-5 whitespace-pre-wrap text-slate-800 ring-1 ring-slate-200">
              {turn.content}
            </p>
          )}
          {turn.toolCalls.map((c) => {
            const call = agent.calls[c.callId];
            return call ? <ToolCall key={c.callId} call={call} /> : <Pending key={c.callId} name={c.name} />;
          })}
        </li>
      ))}
      {running && (
        <li className="flex flex-col gap-1.5">
          <p className="flex items-center gap-1.5 text-[11px] font-medium text-slate-500">
            <Bot size={12} /> Turn {agent.turns.length + 1}
          </p>
          <p
            className="rounded-lg bg-sky-50 px-2.5 py-2 text-xs leading-5 whitespace-pre-wrap text-slate-800 ring-1 ring-sky-200"
            data-testid="streamed"
          >
            {streamed || "Thinking…"}
            <span className="ml-0.5 inline-block h-3 w-1.5 animate-pulse bg-sky-500 align-middle" />
          </p>
        </li>
      )}
    </ol>
  );
}

function Pending({ name }: { name: string }) {
  return (
    <div className="rounded-lg px-2.5 py-2 text-xs text-slate-500 ring-1 ring-slate-200">
      <Wrench size={12} className="mr-1 inline" /> {name}: about to be called
    </div>
  );
}

function ToolCall({ call }: { call: ToolCallState }) {
  const verdict = call.approval && approvalVerdict(call.approval);
  const decision = call.approval?.decisions.at(-1);
  const waiting = call.approval !== undefined && !verdict && !call.expired && !call.returned;
  const failed = call.returned?.error !== undefined;
  const tone = waiting
    ? "ring-amber-300 bg-amber-50/50"
    : failed
      ? "ring-red-200"
      : call.returned
        ? "ring-slate-200"
        : "ring-sky-300";
  return (
    <div
      className={`flex flex-col gap-1.5 rounded-lg p-2.5 text-xs ring-1 ${tone}`}
      data-testid={`tool-call-${call.callId}`}
    >
      <p className="flex items-center gap-1.5">
        <Wrench size={12} className="text-violet-600" />
        <span className="font-mono font-medium text-slate-900">{call.name}</span>
        <span className="ml-auto flex items-center gap-1 text-slate-500 tabular-nums">
          {call.returned?.durationMs !== undefined && formatDuration(call.returned.durationMs)}
          {!call.returned && !waiting && (
            <>
              <Clock size={11} /> running
            </>
          )}
        </span>
      </p>
      <JsonView value={call.args} label={`arguments of ${call.callId}`} />
      {waiting && (
        <p className="flex items-center gap-1.5 text-amber-800" data-testid="call-waiting">
          <Hourglass size={12} /> Waiting for approval in the{" "}
          <Link href="/inbox" className="font-medium underline">
            inbox
          </Link>
        </p>
      )}
      {call.expired && <p className="text-amber-800">Nobody decided before the deadline: {call.expired}.</p>}
      {decision && verdict && (
        <p className="flex items-center gap-1.5" data-testid="call-decision">
          {verdict === "approved" ? (
            <CircleCheck size={12} className="text-emerald-600" />
          ) : (
            <CircleX size={12} className="text-red-600" />
          )}
          <span>
            {verdict === "approved" ? "Approved" : "Rejected"} by <b>{decision.by.name}</b>
            {decision.args !== undefined && " with edited arguments"}
            {decision.comment && <span className="text-slate-500"> — “{decision.comment}”</span>}
          </span>
        </p>
      )}
      {decision?.args !== undefined && (
        <JsonView value={decision.args} label={`approved arguments of ${call.callId}`} />
      )}
      {call.runId && (
        <Link href={`/runs/${call.runId}`} className="text-accent-700 hover:underline">
          Open the called run →
        </Link>
      )}
      {call.returned &&
        (failed ? (
          <p className="rounded bg-red-50 px-2 py-1 text-red-800" role="status">
            {call.returned.error}
          </p>
        ) : (
          <>
            <p className="text-[11px] text-slate-500">Result{call.returned.truncated && " (cut to fit)"}</p>
            <JsonView value={call.returned.result ?? null} label={`result of ${call.callId}`} />
          </>
        ))}
    </div>
  );
}
