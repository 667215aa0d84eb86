"use client";
import { Bot, User, Wrench } from "lucide-react";
import type { TaskToolCall } from "@/lib/run/inbox";
import { ReviewData } from "./review-data";

interface Message {
  role: string;
  content: string | null;
  tool_calls?: { function?: { name?: string } }[];
}

/** A tool call waiting for a decision: the tool, the arguments the agent chose, and the conversation that led to it. */
export function ToolCallReview({ tool, show }: { tool: TaskToolCall; show: unknown }) {
  const conversation = ((show as { conversation?: Message[] } | null)?.conversation ?? []).filter(
    (m) => m.role !== "system",
  );
  return (
    <>
      <section data-testid="tool-call">
        <h3 className="mb-1.5 flex items-center gap-1.5 text-sm font-semibold text-slate-900">
          <Wrench size={14} className="text-violet-600" /> The agent wants to call{" "}
          <code className="rounded bg-violet-50 px-1.5 py-0.5 font-mono text-violet-800">{tool.name}</code>
        </h3>
        <ReviewData value={tool.args} />
        {tool.editableArgs && (
          <p className="mt-1.5 text-xs text-slate-500">You may change the arguments below before you approve.</p>
        )}
      </section>
      {conversation.length > 0 && (
        <section>
          <h3 className="mb-1.5 text-sm font-semibold text-slate-900">The conversation so far</h3>
          <ol className="flex flex-col gap-2" data-testid="conversation">
            {conversation.map((m, i) => (
              <li key={i} className={`flex gap-2 ${m.role === "user" ? "" : "pl-6"}`}>
                <span
                  className={`mt-0.5 flex h-6 w-6 shrink-0 items-center justify-center rounded-full ${m.role === "user" ? "bg-slate-200 text-slate-700" : m.role === "tool" ? "bg-violet-100 text-violet-700" : "bg-sky-100 text-sky-700"}`}
                  aria-hidden="true"
                >
                  {m.role === "user" ? (
                    <User size={13} />
                  ) : m.role === "tool" ? (
                    <Wrench size={13} />
                  ) : (
                    <Bot size={13} />
                  )}
                </span>
                <div className="min-w-0 flex-1 rounded-lg bg-slate-50 px-3 py-2 text-sm ring-1 ring-slate-200">
                  <p className="text-[11px] font-medium text-slate-500">
                    {m.role === "user" ? "Prompt" : m.role === "tool" ? "Tool result" : "Agent"}
                  </p>
                  {m.content && <p className="break-words whitespace-pre-wrap text-slate-800">{m.content}</p>}
                  {m.tool_calls && m.tool_calls.length > 0 && (
                    <p className="text-xs text-slate-600">
                      Calls {m.tool_calls.map((c) => c.function?.name ?? "a tool").join(", ")}
                    </p>
                  )}
                </div>
              </li>
            ))}
          </ol>
        </section>
      )}
    </>
  );
}
