"use client";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../trpc";
import { AssigneesField, GroupChips } from "./assignees-field";
import { Field, getAt, Select } from "./fields";
import { ListEditor } from "./list-editor";
import type { NodeForm } from "./node-form";

const blankTool = (n: number) => ({
  name: `tool_${n}`,
  description: "",
  parameters: { type: "object", properties: { query: { type: "string" } }, required: ["query"] },
  use: {
    kind: "http",
    method: "GET",
    url: "https://example.com/search?q={{ $encodeUrlComponent(args.query) }}",
    headers: {},
    body: "",
  },
});

/**
 * An agent's tools: what each is called and told to the model, its arguments' JSON schema, what
 * a call does (an HTTP request whose templates see `args`, or a run of a flow), and whether each
 * call waits for people to approve it.
 */
export function ToolsField({ f, data }: { f: NodeForm; data: Record<string, unknown> }) {
  const trpc = useTRPC();
  const targets = useQuery(trpc.flows.callTargets.queryOptions());
  const tools = (getAt(data, ["tools"]) as unknown[] | undefined) ?? [];
  return (
    <>
      <p className="text-xs text-slate-500">
        The model may call these; it answers when it calls none. Each call and its result is recorded.
      </p>
      <ListEditor
        f={f}
        data={data}
        path={["tools"]}
        addLabel="Add tool"
        blank={() => blankTool(tools.length + 1)}
        row={(i) => {
          const use = (getAt(data, ["tools", i, "use"]) ?? {}) as { kind?: string };
          const at = (...rest: (string | number)[]) => ["tools", i, ...rest];
          return (
            <>
              {f.text(at("name"), "Name", "Letters, digits, _ or -: what the model calls.")}
              {f.text(at("description"), "Description", "Tells the model when to use it.")}
              {f.json(
                at("parameters"),
                "Arguments (JSON schema)",
                "Calls are checked against it; a bad call is returned to the model.",
                4,
              )}
              <Field label="A call">
                {(id) => (
                  <Select
                    id={id}
                    value={use.kind ?? "http"}
                    options={[
                      { value: "http", label: "Sends an HTTP request" },
                      { value: "subflow", label: "Runs a flow" },
                    ]}
                    onChange={(kind) =>
                      f.set(
                        at("use"),
                        kind === "subflow"
                          ? { kind, flowId: "", version: "published" }
                          : { kind, method: "GET", url: "https://example.com", headers: {}, body: "" },
                      )
                    }
                  />
                )}
              </Field>
              {use.kind === "subflow" ? (
                <Field
                  label="Flow"
                  error={f.error(at("use", "flowId"))}
                  help="Runs its published version with the arguments as input."
                >
                  {(id) => (
                    <Select
                      id={id}
                      value={getAt(data, at("use", "flowId")) ?? ""}
                      options={[
                        { value: "", label: "Pick a flow" },
                        ...(targets.data ?? []).map((t) => ({
                          value: t.id,
                          label: `${t.name}${t.publishedVersion ? ` (v${t.publishedVersion})` : " (not published)"}`,
                        })),
                      ]}
                      onChange={(flowId) => f.set(at("use", "flowId"), flowId)}
                    />
                  )}
                </Field>
              ) : (
                <>
                  {f.select(
                    at("use", "method"),
                    "Method",
                    ["GET", "POST", "PUT", "PATCH", "DELETE"].map((m) => ({ value: m, label: m })),
                  )}
                  {f.code(at("use", "url"), "URL", "template", "May use {{ args.x }}.", 2)}
                  {getAt(data, at("use", "method")) !== "GET" &&
                    f.code(at("use", "body"), "Body", "template", "e.g. {{ $string(args) }}", 2)}
                </>
              )}
              {f.toggle(at("approval"), "Each call waits for approval in the inbox")}
              {getAt(data, at("approval")) !== undefined && (
                <div className="flex flex-col gap-2 rounded-md bg-amber-50/60 p-2.5 ring-1 ring-amber-200">
                  {f.code(
                    at("approval", "title"),
                    "Task title",
                    "template",
                    "Default: Approve <tool>. May use {{ args.x }}.",
                    1,
                  )}
                  <AssigneesField f={f} data={data} base={at("approval")} />
                  {f.toggle(at("approval", "editableArgs"), "The approver may change the arguments")}
                  {f.toggle(at("approval", "allowRequesterToApprove"), "The person who started the run may approve")}
                  {f.toggle(at("approval", "timeout"), "Decide before a deadline")}
                  {getAt(data, at("approval", "timeout")) !== undefined && (
                    <>
                      {f.number(at("approval", "timeout", "afterMs"), "Decide within (ms)", undefined, 1000)}
                      <ListEditor
                        f={f}
                        data={data}
                        path={at("approval", "timeout", "escalate")}
                        addLabel="Add escalation level"
                        blank={() => ({ groups: [], afterMs: 86_400_000 })}
                        row={(level) => (
                          <>
                            <GroupChips
                              f={f}
                              data={data}
                              path={at("approval", "timeout", "escalate", level, "groups")}
                              label={`Level ${level + 1}: hand to`}
                            />
                            {f.number(
                              at("approval", "timeout", "escalate", level, "afterMs"),
                              "They decide within (ms)",
                              undefined,
                              1000,
                            )}
                          </>
                        )}
                      />
                      {f.select(at("approval", "timeout", "action"), "After the last deadline", [
                        { value: "reject", label: "Tell the model nobody approved" },
                        { value: "approve", label: "Make the call" },
                        { value: "fail", label: "Fail the step" },
                      ])}
                    </>
                  )}
                </div>
              )}
            </>
          );
        }}
      />
      {tools.length > 0 && (
        <>
          {f.number(
            ["maxSteps"],
            "Model turns at most",
            "The step fails if the model still calls tools after this many turns.",
            1,
          )}
          {f.number(["toolConcurrency"], "Calls at once", "Calls of one turn run side by side, up to this many.", 1)}
        </>
      )}
    </>
  );
}
