"use client";
import type { ReactNode } from "react";
import type { NodeType } from "@/lib/flow/kinds";
import { AssigneesField, GroupChips } from "./assignees-field";
import { CredentialField } from "./credential-field";
import { getAt } from "./fields";
import { ListEditor } from "./list-editor";
import { type NodeForm, Section } from "./node-form";
import { ResponseHeadersField } from "./response-headers-field";
import { SubflowField } from "./subflow-field";
import { ToolsField } from "./tools-field";

type Form = (f: NodeForm, data: Record<string, unknown>) => ReactNode;

const onErrorOptions = [
  { value: "fail", label: "Fail the run" },
  { value: "continue", label: "Continue with null output" },
  { value: "route", label: "Follow the error output" },
] as const;

/** Agent and HTTP steps: reuse the answer to an identical rendered request for a while. */
const cacheSettings: Form = (f, data) => (
  <Section title="Cache">
    {f.toggle(["cache"], "Reuse the answer to an identical request")}
    {data.cache !== undefined &&
      f.number(
        ["cache", "ttlMs"],
        "For (ms)",
        "3600000 is an hour. Shared by the workspace's runs; errors are never kept.",
        1000,
      )}
  </Section>
);

/** Timeout, retries and error handling: the settings every work step shares. */
const stepSettings: Form = (f, data) => (
  <Section title="When it fails">
    {f.number(["timeoutMs"], "Timeout (ms)", "Abort an attempt that runs longer. Empty: no limit.", 1)}
    {f.number(["retry", "maxAttempts"], "Attempts", "1 means no retry. Retries wait longer each time.", 1)}
    {data.retry !== undefined && f.number(["retry", "initialDelayMs"], "First retry after (ms)")}
    {f.select(["onError"], "After the last attempt", onErrorOptions)}
    {f.toggle(["rateLimit"], "Limit how often it runs (rate limit)")}
    {data.rateLimit !== undefined && (
      <>
        {f.text(["rateLimit", "key"], "Limit name", "Steps (of any flow) with one name share one limit.")}
        {f.number(["rateLimit", "perMinute"], "At most per minute", "Attempts over it wait their turn.", 1)}
        {f.number(["rateLimit", "burst"], "Burst", "How many may go at once. Empty: one second's worth.", 1)}
      </>
    )}
    {f.toggle(["breaker"], "Stop calling a service that keeps failing (circuit breaker)")}
    {data.breaker !== undefined && (
      <>
        {f.number(["breaker", "failures"], "Open after this many failures", undefined, 1)}
        {f.number(["breaker", "windowMs"], "Within (ms)", undefined, 1000)}
        {f.number(
          ["breaker", "openMs"],
          "Then refuse for (ms)",
          "After that one attempt probes; its result closes or reopens it.",
          1000,
        )}
        {f.text(
          ["breaker", "key"],
          "Breaker key",
          "Empty: the host the step calls. Steps with one key share one breaker.",
        )}
      </>
    )}
  </Section>
);

/** The fields of each kind, beyond the label. The mapped type flags a kind without a form. */
export const kindForms: { [K in NodeType]: Form } = {
  start: (f, data) => (
    <Section title="Run input">
      <ListEditor
        f={f}
        data={data}
        path={["inputs"]}
        addLabel="Add input field"
        blank={() => ({
          name: `field_${((data.inputs as unknown[]) ?? []).length + 1}`,
          type: "string",
          required: false,
          description: "",
        })}
        row={(i) => (
          <>
            {f.text(["inputs", i, "name"], "Name")}
            {f.select(
              ["inputs", i, "type"],
              "Type",
              ["string", "number", "boolean", "object", "array"].map((v) => ({ value: v, label: v })),
            )}
            {f.toggle(["inputs", i, "required"], "Required")}
          </>
        )}
      />
    </Section>
  ),
  agent: (f, data) => (
    <>
      <Section title="Model">
        {f.select(["provider"], "Provider", [
          { value: "mock", label: "Mock (built in, no key needed)" },
          { value: "openai", label: "OpenAI-compatible API" },
        ])}
        {data.provider === "openai" && (
          <>
            {f.text(["baseUrl"], "Base URL", "e.g. https://api.openai.com/v1 or http://localhost:11434/v1")}
            {f.text(["model"], "Model")}
            <CredentialField f={f} data={data} help="The API key, kept encrypted on the server." />
          </>
        )}
      </Section>
      <Section title="Prompt">
        {f.code(["system"], "System message", "template", "Optional. May use {{ expressions }}.", 2)}
        {f.code(["prompt"], "Prompt", "template", "Use {{ input.x }}, {{ prev }} or {{ nodes.id.output }}.")}
        {f.select(["responseFormat"], "Answer as", [
          { value: "text", label: "Text" },
          { value: "json", label: "JSON" },
        ])}
      </Section>
      {data.provider !== "openai" && (
        <Section title="Mock answer">
          {f.code(
            ["response"],
            "Response",
            "template",
            "What the mock provider answers. May use {{ tools.<name> }}.",
            3,
          )}
          {f.number(["latencyMs"], "Latency (ms)")}
          {f.number(["failTimes"], "Fail the first attempts", "To try out retries.")}
          {f.json(
            ["script"],
            "Script (one entry per turn)",
            'e.g. [{ "toolCalls": [{ "name": "search", "args": { "q": "…" } }] }, { "response": "…" }]. Empty: answer at once.',
            3,
          )}
        </Section>
      )}
      <Section title="Tools">
        <ToolsField f={f} data={data} />
      </Section>
      {cacheSettings(f, data)}
      {stepSettings(f, data)}
    </>
  ),
  http: (f, data) => (
    <>
      <Section title="Request">
        {f.select(
          ["method"],
          "Method",
          ["GET", "POST", "PUT", "PATCH", "DELETE"].map((m) => ({ value: m, label: m })),
        )}
        {f.code(["url"], "URL", "template", "May use {{ expressions }}. Private addresses need OUTBOUND_ALLOW.", 2)}
        {data.method !== "GET" &&
          f.code(["body"], "Body", "template", "Sent as JSON unless a content-type header says otherwise.", 4)}
        <CredentialField f={f} data={data} help="Sent as Authorization: Bearer …" />
      </Section>
      {cacheSettings(f, data)}
      {stepSettings(f, data)}
    </>
  ),
  transform: (f, data) => (
    <>
      <Section title="Transform">
        {f.code(["expression"], "Expression", "expression", "JSONata; its value is the output.", 4)}
      </Section>
      {stepSettings(f, data)}
    </>
  ),
  branch: (f, data) => (
    <Section title="Cases">
      {f.select(["mode"], "Take", [
        { value: "first", label: "The first case that holds" },
        { value: "all", label: "Every case that holds" },
      ])}
      <ListEditor
        f={f}
        data={data}
        path={["cases"]}
        addLabel="Add case"
        blank={() => ({ id: `case_${((data.cases as unknown[]) ?? []).length + 1}`, label: "", condition: "true" })}
        row={(i) => (
          <>
            {f.text(["cases", i, "label"], "Label")}
            {f.text(["cases", i, "id"], "Output id", "Edges leave from this handle.")}
            {f.code(["cases", i, "condition"], "Condition", "expression")}
          </>
        )}
      />
      <p className="text-xs text-slate-500">When no case holds, the path leaves through “else”.</p>
    </Section>
  ),
  parallel: (f) => (
    <Section title="Parallel">
      <p className="text-sm text-slate-600">
        Every path leaving this node starts at the same time. Bring them together with a Join.
      </p>
      {f.number(
        ["maxConcurrency"],
        "At most at once",
        "Empty: every path at once. Otherwise the next path starts when one finishes.",
        1,
      )}
    </Section>
  ),
  join: (f, data) => (
    <Section title="Join">
      {f.select(["mode"], "Continue when", [
        { value: "all", label: "All active paths arrived" },
        { value: "any", label: "The first path arrived" },
        { value: "count", label: "A number of paths arrived" },
      ])}
      {data.mode === "count" && f.number(["count"], "How many paths", undefined, 1)}
      {f.toggle(["cancelRemaining"], "Cancel the paths still running once it continues")}
    </Section>
  ),
  loop: (f, data) => (
    <Section title="Loop">
      {f.select(["mode"], "Run the inside", [
        { value: "forEach", label: "Once per item of a list" },
        { value: "repeat", label: "Again until a condition holds" },
      ])}
      {data.mode === "repeat"
        ? f.code(
            ["until"],
            "Until",
            "expression",
            "Checked after each pass: prev is the pass's output, iteration its index.",
          )
        : f.code(["items"], "Items", "expression", "The list. Inside the loop, item and index name the current one.")}
      {data.mode !== "repeat" && f.number(["concurrency"], "At once", "How many items run at the same time.", 1)}
      {f.number(["maxIterations"], "At most", "The safety cap: a longer list fails, a repeat stops here.", 1)}
      <p className="text-xs text-slate-500">
        Nodes placed inside the loop run each time; its output lists what the last ones produced.
      </p>
    </Section>
  ),
  subflow: (f, data) => (
    <>
      <Section title="Call">
        <SubflowField f={f} data={data} />
      </Section>
      {stepSettings(f, data)}
    </>
  ),
  delay: (f, data) => (
    <Section title="Delay">
      {data.until !== undefined
        ? f.code(
            ["until"],
            "Until",
            "expression",
            'An ISO time, e.g. "2026-12-24T09:00:00Z" or $fromMillis($millis() + 3600000).',
            1,
          )
        : f.code(
            ["ms"],
            "For (ms)",
            "expression",
            "Milliseconds; an expression, e.g. 60000 or prev.retryAfter * 1000.",
            1,
          )}
      <button
        type="button"
        className="self-start text-xs text-accent-700 hover:underline"
        onClick={() => {
          const next = { ...data };
          if (data.until !== undefined) {
            delete next.until;
            next.ms = "60000";
          } else {
            delete next.ms;
            next.until = "$now()";
          }
          f.set([], next);
        }}
      >
        {data.until !== undefined ? "Wait for a while instead" : "Wait until a time instead"}
      </button>
      <p className="text-xs text-slate-500">
        The wait is a durable timer: nothing is held in memory, and a restart keeps it.
      </p>
    </Section>
  ),
  wait: (f, data) => (
    <>
      <Section title="Wait for a callback">
        <p className="text-sm text-slate-600">
          The path parks until an outside system POSTs JSON to this step&apos;s resume URL; the body becomes the output.
          The URL works once.
        </p>
        {f.number(
          ["timeoutMs"],
          "Give up after (ms)",
          "Then the timed-out output is followed. Empty: wait as long as it takes.",
          1000,
        )}
      </Section>
      <Section title="Notify">
        {f.toggle(["notify"], "Send a request when it starts waiting")}
        {data.notify !== undefined && (
          <>
            {f.select(
              ["notify", "method"],
              "Method",
              ["POST", "PUT", "PATCH", "GET"].map((m) => ({ value: m, label: m })),
            )}
            {f.code(["notify", "url"], "URL", "template", "May use {{ resumeUrl }} and other expressions.", 2)}
            {f.code(["notify", "body"], "Body", "template", 'e.g. { "callback": "{{ resumeUrl }}" }', 3)}
          </>
        )}
      </Section>
    </>
  ),
  approval: (f, data) => (
    <>
      <Section title="Request">
        {f.code(["title"], "Title", "template", undefined, 1)}
        {f.code(["instructions"], "Instructions", "template", undefined, 3)}
        {f.code(["show"], "Show the approver", "expression", "What they review, e.g. prev or input.document.")}
      </Section>
      <Section title="Who decides">
        <AssigneesField f={f} data={data} />
        {f.number(["requiredApprovals"], "Approvals needed", "Distinct people. One rejection always ends it.", 1)}
        {f.toggle(["allowRequesterToApprove"], "The person who started the run may approve")}
      </Section>
      <Section title="Form">
        <ListEditor
          f={f}
          data={data}
          path={["form"]}
          addLabel="Add form field"
          blank={() => ({
            name: `field_${((data.form as unknown[]) ?? []).length + 1}`,
            label: "",
            type: "string",
            required: false,
          })}
          row={(i) => (
            <>
              {f.text(["form", i, "name"], "Name", "Read later as nodes.<id>.output.form.<name>.")}
              {f.text(["form", i, "label"], "Label")}
              {f.select(
                ["form", i, "type"],
                "Type",
                ["string", "number", "boolean"].map((v) => ({ value: v, label: v })),
              )}
              {f.toggle(["form", i, "required"], "Required")}
            </>
          )}
        />
      </Section>
      <Section title="Deadline">
        {f.toggle(["timeout"], "Decide before a deadline")}
        {getAt(data, ["timeout"]) !== undefined && (
          <>
            {f.number(["timeout", "afterMs"], "Decide within (ms)", "86400000 is one day.", 1000)}
            {f.select(["timeout", "action"], "Then", [
              { value: "reject", label: "Reject" },
              { value: "approve", label: "Approve" },
              { value: "route", label: "Follow the “timed out” output" },
              { value: "fail", label: "Fail the run" },
            ])}
            <p className="text-xs text-slate-500">
              Before that, escalate: each level hands the task to other groups with a new deadline.
            </p>
            <ListEditor
              f={f}
              data={data}
              path={["timeout", "escalate"]}
              addLabel="Add escalation level"
              blank={() => ({ groups: [], afterMs: 86_400_000 })}
              row={(i) => (
                <>
                  <GroupChips
                    f={f}
                    data={data}
                    path={["timeout", "escalate", i, "groups"]}
                    label={`Level ${i + 1}: hand to`}
                  />
                  {f.number(["timeout", "escalate", i, "afterMs"], "They decide within (ms)", undefined, 1000)}
                </>
              )}
            />
          </>
        )}
      </Section>
    </>
  ),
  end: (f, data) => (
    <>
      <Section title="Output">
        {f.code(["output"], "Run output", "expression", "JSONata. Empty: the output of the node before.")}
        {f.toggle(
          ["compensate"],
          "Undo the steps that succeeded before the run ends here",
          "Their compensation handlers (what each step's undo output leads to) run, latest first.",
        )}
      </Section>
      <Section title="Webhook answer">
        <p className="text-xs text-slate-500">
          For a webhook set to answer with the bare output: what it sends when the run ends here.
        </p>
        {f.number(["response", "status"], "Status", "Empty: 200.", 200)}
        <ResponseHeadersField f={f} data={data} />
      </Section>
    </>
  ),
};
