import type { FlowDocument } from "../document";
import { template } from "./build";

/**
 * The gallery shown when creating a flow. Every template runs with the built-in mock agent;
 * one that calls out (a wait's notify) names the address in its input.
 */
export interface FlowTemplate {
  id: string;
  title: string;
  summary: string;
  /** An input that makes a good first run. */
  sampleInput: Record<string, unknown>;
  document: () => FlowDocument;
  /**
   * Flows the template's sub-flow nodes call, created (and published) with it. A node names one
   * as `flowId: "@<key>"`; the placeholder becomes the created flow's id.
   */
  companions?: { key: string; name: string; document: () => FlowDocument }[];
}

/** The flow ids a template's documents call by placeholder, replaced with the ids they were created under. */
export function withCompanionIds(document: FlowDocument, ids: ReadonlyMap<string, string>): FlowDocument {
  const created = (id: unknown) => (typeof id === "string" && id.startsWith("@") ? ids.get(id.slice(1)) : undefined);
  return {
    ...document,
    nodes: document.nodes.map((n) => {
      if (n.type === "subflow" && created(n.data.flowId))
        return { ...n, data: { ...n.data, flowId: created(n.data.flowId) } };
      if (n.type !== "agent" || !Array.isArray(n.data.tools)) return n;
      // An agent's sub-flow tools name companions the same way.
      const tools = (n.data.tools as { use?: { kind?: string; flowId?: unknown } }[]).map((t) =>
        t.use?.kind === "subflow" && created(t.use.flowId)
          ? { ...t, use: { ...t.use, flowId: created(t.use.flowId) } }
          : t,
      );
      return { ...n, data: { ...n.data, tools } };
    }),
  };
}

const mock = (response: string, extra: Record<string, unknown> = {}) => ({
  provider: "mock",
  latencyMs: 300,
  response,
  ...extra,
});

export const flowTemplates: FlowTemplate[] = [
  {
    id: "document-approval",
    title: "Document approval pipeline",
    summary: "An agent analyzes a document, another reviews the analysis, then a person approves it.",
    sampleInput: { document: "Q3 supplier contract, 12 pages" },
    document: () =>
      template(
        "Document approval pipeline",
        "Analyze → review → approve.",
        {
          start: {
            type: "start",
            at: [0, 1],
            data: { inputs: [{ name: "document", type: "string", required: true, description: "" }] },
          },
          analyze: {
            type: "agent",
            at: [1, 1],
            data: {
              label: "Analyze",
              prompt: "Analyze {{ input.document }}",
              ...mock("Analysis of {{ input.document }}: 3 risks found."),
            },
          },
          review: {
            type: "agent",
            at: [2, 1],
            data: { label: "Review", prompt: "Review: {{ prev }}", ...mock("Reviewed. {{ prev }}") },
          },
          approve: {
            type: "approval",
            at: [3, 1],
            data: {
              label: "Approve",
              title: "Approve the analysis of {{ input.document }}?",
              show: "prev",
              allowRequesterToApprove: true,
            },
          },
          published: {
            type: "end",
            at: [4, 0],
            data: { label: "Approved", output: '{ "status": "approved", "analysis": nodes.review.output }' },
          },
          returned: {
            type: "end",
            at: [4, 2],
            data: { label: "Rejected", output: '{ "status": "rejected", "comment": prev.decisions[0].comment }' },
          },
        },
        [
          "start -> analyze",
          "analyze -> review",
          "review -> approve",
          "approve.approved -> published",
          "approve.rejected -> returned",
        ],
      ),
  },
  {
    id: "parallel-research",
    title: "Parallel research synthesis",
    summary: "Three analysts research a question at once; a join waits for all, then a synthesis.",
    sampleInput: { question: "Should we expand to Lisbon?" },
    document: () =>
      template(
        "Parallel research synthesis",
        "Three analysts → join → synthesis.",
        {
          start: {
            type: "start",
            at: [0, 1],
            data: { inputs: [{ name: "question", type: "string", required: true, description: "" }] },
          },
          split: { type: "parallel", at: [1, 1], data: { label: "Ask all three" } },
          market: {
            type: "agent",
            at: [2, 0],
            data: {
              label: "Market analyst",
              ...mock("Market view on {{ input.question }}: promising.", { latencyMs: 900 }),
            },
          },
          finance: {
            type: "agent",
            at: [2, 1],
            data: { label: "Finance analyst", ...mock("Finance view: costs are 12% lower.", { latencyMs: 600 }) },
          },
          risk: {
            type: "agent",
            at: [2, 2],
            data: { label: "Risk analyst", ...mock("Risk view: currency exposure is low.", { latencyMs: 1200 }) },
          },
          join: { type: "join", at: [3, 1], data: { label: "All views in" } },
          synthesis: {
            type: "agent",
            at: [4, 1],
            data: {
              label: "Synthesis",
              prompt: "Combine {{ prev }}",
              ...mock("Synthesis: {{ prev.market }} {{ prev.finance }} {{ prev.risk }}"),
            },
          },
          end: { type: "end", at: [5, 1] },
        },
        [
          "start -> split",
          "split -> market",
          "split -> finance",
          "split -> risk",
          "market -> join",
          "finance -> join",
          "risk -> join",
          "join -> synthesis",
          "synthesis -> end",
        ],
      ),
  },
  {
    id: "customer-routing",
    title: "Customer-service routing",
    summary: "Classify a message, then route it to technical support, billing or escalation by default.",
    sampleInput: { message: "My invoice shows a double charge" },
    document: () =>
      template(
        "Customer-service routing",
        "Classify → technical / billing / escalation.",
        {
          start: {
            type: "start",
            at: [0, 1],
            data: { inputs: [{ name: "message", type: "string", required: true, description: "" }] },
          },
          classify: {
            type: "agent",
            at: [1, 1],
            data: {
              label: "Classify",
              responseFormat: "json",
              ...mock(
                "{ \"category\": \"{{ $contains($lowercase(input.message), 'invoice') ? 'billing' : $contains($lowercase(input.message), 'error') ? 'technical' : 'other' }}\" }",
              ),
            },
          },
          route: {
            type: "branch",
            at: [2, 1],
            data: {
              label: "Route",
              cases: [
                { id: "technical", label: "Technical", condition: 'prev.category = "technical"' },
                { id: "billing", label: "Billing", condition: 'prev.category = "billing"' },
              ],
            },
          },
          tech: {
            type: "agent",
            at: [3, 0],
            data: { label: "Technical support", ...mock("Tech: please restart the device.") },
          },
          billing: {
            type: "agent",
            at: [3, 1],
            data: { label: "Billing", ...mock("Billing: refund issued for {{ input.message }}.") },
          },
          escalate: {
            type: "agent",
            at: [3, 2],
            data: { label: "Escalation", ...mock("Escalated to a human agent.") },
          },
          end: { type: "end", at: [4, 1] },
        },
        [
          "start -> classify",
          "classify -> route",
          "route.technical -> tech",
          "route.billing -> billing",
          "route.else -> escalate",
          "tech -> end",
          "billing -> end",
          "escalate -> end",
        ],
      ),
  },
  {
    id: "iterative-refinement",
    title: "Iterative content refinement",
    summary: "Draft, then evaluate and refine until the score passes 0.85 or five passes are done.",
    sampleInput: { topic: "a product launch note" },
    document: () =>
      template(
        "Iterative content refinement",
        "Draft → evaluate → refine until score > 0.85 or 5 passes.",
        {
          start: {
            type: "start",
            at: [0, 1],
            data: { inputs: [{ name: "topic", type: "string", required: true, description: "" }] },
          },
          draft: { type: "agent", at: [1, 1], data: { label: "Draft", ...mock("First draft of {{ input.topic }}") } },
          refine: {
            type: "loop",
            at: [2, 0],
            data: { label: "Refine", mode: "repeat", until: "prev.score > 0.85", maxIterations: 5 },
          },
          evaluate: {
            type: "transform",
            parent: "refine",
            at: [0.1, 1],
            data: {
              label: "Evaluate",
              expression:
                '{ "score": 0.55 + iteration * 0.12, "text": nodes.draft.output & " (pass " & $string(iteration + 1) & ")" }',
            },
          },
          improve: {
            type: "agent",
            parent: "refine",
            at: [1, 1],
            data: {
              label: "Improve",
              responseFormat: "json",
              ...mock('{ "score": {{ prev.score }}, "text": "{{ prev.text }}" }'),
            },
          },
          end: { type: "end", at: [4, 1], data: { output: "prev.last" } },
        },
        ["start -> draft", "draft -> refine", "evaluate -> improve", "refine -> end"],
      ),
  },
  {
    id: "escalating-approval",
    title: "Multi-level approval with escalation",
    summary:
      "An approver signs off first (escalating to the finance group if nobody decides within a day), then an owner gives the final word.",
    sampleInput: { amount: 4800, purpose: "Team offsite" },
    document: () =>
      template(
        "Multi-level approval with escalation",
        "Approver (1 day, then finance for 1 day) → owner sign-off.",
        {
          start: {
            type: "start",
            at: [0, 1],
            data: {
              inputs: [
                { name: "amount", type: "number", required: true, description: "" },
                { name: "purpose", type: "string", required: true, description: "" },
              ],
            },
          },
          manager: {
            type: "approval",
            at: [1, 1],
            data: {
              label: "First approval",
              title: "Approve {{ input.purpose }} ({{ input.amount }} €)?",
              instructions: "Check the amount against the team budget. Give the cost center if you approve.",
              show: "input",
              assignees: { users: [], roles: ["approver"], groups: [] },
              form: [{ name: "costCenter", label: "Cost center", type: "string", required: false }],
              timeout: {
                afterMs: 86_400_000,
                action: "reject",
                escalate: [{ groups: ["finance"], afterMs: 86_400_000 }],
              },
            },
          },
          director: {
            type: "approval",
            at: [2, 0],
            data: {
              label: "Owner sign-off",
              title: "Final sign-off: {{ input.purpose }} ({{ input.amount }} €)",
              instructions: "Approved at the first level. Give the final word.",
              show: "{ 'purpose': input.purpose, 'amount': input.amount, 'approved by': prev.decidedBy.name, 'cost center': prev.form.costCenter, 'comment': prev.decisions[-1].comment }",
              assignees: { users: [], roles: ["owner"], groups: [] },
              timeout: { afterMs: 172_800_000, action: "reject" },
            },
          },
          approved: { type: "end", at: [3, 0], data: { label: "Approved", output: '"approved"' } },
          rejected: { type: "end", at: [3, 2], data: { label: "Rejected", output: '"rejected"' } },
        },
        [
          "start -> manager",
          "manager.approved -> director",
          "manager.rejected -> rejected",
          "director.approved -> approved",
          "director.rejected -> rejected",
        ],
      ),
  },
  {
    id: "map-documents",
    title: "Map over documents",
    summary: "Summarize every document of a list, at most three at a time, and collect the results.",
    sampleInput: { documents: [{ title: "Spec" }, { title: "Contract" }, { title: "Minutes" }, { title: "Budget" }] },
    document: () =>
      template(
        "Map over documents",
        "forEach document (3 at once) → summarize → collect.",
        {
          start: {
            type: "start",
            at: [0, 1],
            data: { inputs: [{ name: "documents", type: "array", required: true, description: "" }] },
          },
          each: {
            type: "loop",
            at: [1, 0],
            data: {
              label: "Each document",
              mode: "forEach",
              items: "input.documents",
              concurrency: 3,
              maxIterations: 100,
            },
          },
          summarize: {
            type: "agent",
            parent: "each",
            at: [0.1, 1],
            data: { label: "Summarize", ...mock("Summary of {{ item.title }}", { latencyMs: 500 }) },
          },
          end: { type: "end", at: [3, 1] },
        },
        ["start -> each", "each -> end"],
      ),
  },
  {
    id: "nightly-digest",
    title: "Nightly digest",
    summary:
      "Every night, summarize each open ticket with a sub-flow, then write one digest. Add a schedule under Triggers.",
    sampleInput: { tickets: ["Login fails on Safari", "Invoice PDF is blank", "Export times out"] },
    companions: [
      {
        key: "summarize",
        name: "Summarize a ticket",
        document: () =>
          template(
            "Summarize a ticket",
            "Called by the nightly digest, once per ticket.",
            {
              start: {
                type: "start",
                at: [0, 0],
                data: { inputs: [{ name: "ticket", type: "string", required: true, description: "" }] },
              },
              summarize: {
                type: "agent",
                at: [1, 0],
                data: {
                  label: "Summarize",
                  prompt: "Summarize {{ input.ticket }}",
                  ...mock("• {{ input.ticket }}: triaged"),
                },
              },
              end: { type: "end", at: [2, 0] },
            },
            ["start -> summarize", "summarize -> end"],
          ),
      },
    ],
    document: () =>
      template(
        "Nightly digest",
        "For each ticket, call “Summarize a ticket”; then one agent writes the digest.",
        {
          start: {
            type: "start",
            at: [0, 1],
            data: {
              inputs: [
                { name: "tickets", type: "array", required: false, default: ["No tickets today"], description: "" },
              ],
            },
          },
          each: {
            type: "loop",
            at: [1, 1],
            data: { label: "Each ticket", mode: "forEach", items: "input.tickets", concurrency: 3, maxIterations: 500 },
          },
          summarize: {
            type: "subflow",
            parent: "each",
            at: [0.1, 1],
            data: { label: "Summarize", flowId: "@summarize", input: { ticket: "item" } },
          },
          digest: {
            type: "agent",
            at: [3, 1],
            data: {
              label: "Write the digest",
              prompt: 'Digest of: {{ $join(prev, "; ") }}',
              ...mock('Digest ({{ $count(prev) }} tickets): {{ $join(prev, " ") }}'),
            },
          },
          end: { type: "end", at: [4, 1] },
        },
        ["start -> each", "each -> digest", "digest -> end"],
      ),
  },
  {
    id: "wait-for-signature",
    title: "Wait for a signature",
    summary: "Send a contract for e-signature, wait for the provider's callback, and chase it when a week passes.",
    // Point signingService at your e-signature provider (its host must be allowed to be reached).
    sampleInput: {
      contract: "MSA-2027-014",
      signer: "dana@example.com",
      signingService: "https://sign.example.com/envelopes",
    },
    document: () =>
      template(
        "Wait for a signature",
        "Notify the signing service with the resume URL; its callback resumes the run, or the timeout path follows up.",
        {
          start: {
            type: "start",
            at: [0, 1],
            data: {
              inputs: [
                { name: "contract", type: "string", required: true, description: "" },
                { name: "signer", type: "string", required: true, description: "" },
                {
                  name: "signingService",
                  type: "string",
                  required: true,
                  description: "Where the envelope is sent (the provider's API)",
                },
              ],
            },
          },
          sign: {
            type: "wait",
            at: [1, 1],
            data: {
              label: "Wait for the signature",
              timeoutMs: 7 * 86_400_000,
              notify: {
                method: "POST",
                url: "{{ input.signingService }}",
                headers: {},
                body: '{ "contract": "{{ input.contract }}", "signer": "{{ input.signer }}", "callback": "{{ resumeUrl }}" }',
              },
            },
          },
          signed: {
            type: "end",
            at: [2, 0],
            data: { label: "Signed", output: '{ "contract": input.contract, "signed": prev }' },
          },
          remind: {
            type: "agent",
            at: [2, 2],
            data: {
              label: "Draft a reminder",
              prompt: "Remind {{ input.signer }} to sign {{ input.contract }}",
              ...mock("Reminder to {{ input.signer }}: {{ input.contract }} is still unsigned."),
            },
          },
          chased: { type: "end", at: [3, 2], data: { label: "Chased" } },
        },
        ["start -> sign", "sign -> signed", "sign.timeout -> remind", "remind -> chased"],
      ),
  },
  {
    id: "research-agent",
    title: "Research agent with an approved email",
    summary:
      "An agent searches with a tool, writes up what it found, and emails it; the email waits in the inbox until someone approves it (and may fix the recipient).",
    // Point mailApi at your mail service's send endpoint (its host must be allowed to be reached).
    sampleInput: {
      topic: "heat pumps in cold climates",
      recipient: "team@example.com",
      mailApi: "https://mail.example.com/v1/send",
    },
    companions: [
      {
        key: "search",
        name: "Search the web (demo)",
        document: () =>
          template(
            "Search the web (demo)",
            "The research agent's search tool. Replace the agent with an HTTP step to your search API.",
            {
              start: {
                type: "start",
                at: [0, 0],
                data: { inputs: [{ name: "query", type: "string", required: true, description: "" }] },
              },
              search: {
                type: "agent",
                at: [1, 0],
                data: {
                  label: "Search",
                  prompt: "Search for {{ input.query }}",
                  ...mock("3 sources on {{ input.query }}: field trials, a buyer's guide, an efficiency study."),
                },
              },
              end: { type: "end", at: [2, 0] },
            },
            ["start -> search", "search -> end"],
          ),
      },
    ],
    document: () =>
      template(
        "Research agent with an approved email",
        "The agent calls search (a sub-flow), then send_email, which waits for approval in the inbox.",
        {
          start: {
            type: "start",
            at: [0, 0],
            data: {
              inputs: [
                { name: "topic", type: "string", required: true, description: "What to research" },
                { name: "recipient", type: "string", required: true, description: "Who gets the write-up" },
                {
                  name: "mailApi",
                  type: "string",
                  required: false,
                  default: "https://mail.example.com/v1/send",
                  description: "Your mail service's send endpoint",
                },
              ],
            },
          },
          research: {
            type: "agent",
            at: [1, 0],
            data: {
              label: "Research and report",
              system: "You research a topic with the search tool, then email a short write-up.",
              prompt: "Research {{ input.topic }} and email the findings to {{ input.recipient }}.",
              ...mock('Researched {{ input.topic }}. Email: {{ tools.send_email ? "sent" : "not sent" }}.', {
                script: [
                  { toolCalls: [{ name: "search", args: { query: "{{ input.topic }}" } }] },
                  {
                    toolCalls: [
                      {
                        name: "send_email",
                        args: {
                          to: "{{ input.recipient }}",
                          subject: "Research: {{ input.topic }}",
                          body: "{{ tools.search }}",
                        },
                      },
                    ],
                  },
                ],
              }),
              tools: [
                {
                  name: "search",
                  description: "Searches the web; returns the most relevant sources.",
                  parameters: {
                    type: "object",
                    properties: { query: { type: "string", minLength: 1 } },
                    required: ["query"],
                  },
                  use: { kind: "subflow", flowId: "@search", version: "published" },
                },
                {
                  name: "send_email",
                  description: "Sends an email. Every email waits for a person's approval.",
                  parameters: {
                    type: "object",
                    properties: {
                      to: { type: "string", pattern: "^[^@\\s]+@[^@\\s]+$" },
                      subject: { type: "string", minLength: 1 },
                      body: { type: "string" },
                    },
                    required: ["to", "subject", "body"],
                  },
                  use: {
                    kind: "http",
                    method: "POST",
                    url: "{{ input.mailApi }}",
                    headers: {},
                    body: "{{ $string(args) }}",
                  },
                  approval: {
                    title: "Send “{{ args.subject }}” to {{ args.to }}?",
                    instructions: "Check the recipient and the text before it goes out.",
                    assignees: { users: [], roles: ["approver", "owner"], groups: [] },
                    allowRequesterToApprove: true,
                    editableArgs: true,
                  },
                },
              ],
            },
          },
          end: { type: "end", at: [2, 0] },
        },
        ["start -> research", "research -> end"],
      ),
  },
  {
    id: "self-consistency",
    title: "Self-consistency vote",
    summary:
      "Three agents answer the same question on their own; a join waits for all three and the majority answer wins.",
    sampleInput: { question: "How many moons does Mars have?" },
    document: () =>
      template(
        "Self-consistency vote",
        "Ask three times in parallel, join, take the majority.",
        {
          start: {
            type: "start",
            at: [0, 1],
            data: { inputs: [{ name: "question", type: "string", required: true, description: "" }] },
          },
          fan: { type: "parallel", at: [1, 1], data: { label: "Ask three times" } },
          a1: { type: "agent", at: [2, 0], data: { label: "Answer 1", prompt: "{{ input.question }}", ...mock("2") } },
          a2: {
            type: "agent",
            at: [2, 1],
            data: { label: "Answer 2", prompt: "{{ input.question }}", ...mock("2", { latencyMs: 500 }) },
          },
          a3: {
            type: "agent",
            at: [2, 2],
            data: { label: "Answer 3", prompt: "{{ input.question }}", ...mock("3", { latencyMs: 400 }) },
          },
          join: { type: "join", at: [3, 1], data: { label: "All three" } },
          vote: {
            type: "transform",
            at: [4, 1],
            data: {
              label: "Majority vote",
              expression:
                '( $a := [nodes.a1.output, nodes.a2.output, nodes.a3.output]; $tally := $a{ $string($): $count($) }; $top := $max($each($tally, function($v){ $v })); { "answer": $keys($tally)[$lookup($tally, $) = $top][0], "votes": $top, "of": $count($a), "tally": $tally } )',
            },
          },
          end: { type: "end", at: [5, 1] },
        },
        [
          "start -> fan",
          "fan -> a1",
          "fan -> a2",
          "fan -> a3",
          "a1 -> join",
          "a2 -> join",
          "a3 -> join",
          "join -> vote",
          "vote -> end",
        ],
      ),
  },
  {
    id: "order-saga",
    title: "Order saga with compensations",
    summary:
      "Reserve stock, charge, ship; when shipping fails, the charge is refunded and the stock released, latest first.",
    sampleInput: { order: "A-1042", failShipping: true },
    document: () =>
      template(
        "Order saga with compensations",
        "Each step's undo output leads to the step that undoes it; they run only when the order fails.",
        {
          start: {
            type: "start",
            at: [0, 0],
            data: {
              inputs: [
                { name: "order", type: "string", required: true, description: "" },
                {
                  name: "failShipping",
                  type: "boolean",
                  required: false,
                  default: false,
                  description: "Try the rollback",
                },
              ],
            },
          },
          reserve: {
            type: "agent",
            at: [1, 0],
            data: { label: "Reserve stock", ...mock("reservation R-{{ input.order }}") },
          },
          charge: {
            type: "agent",
            at: [2, 0],
            data: { label: "Charge the card", ...mock("charge C-{{ input.order }}") },
          },
          ship: {
            type: "transform",
            at: [3, 0],
            data: {
              label: "Ship",
              expression: 'input.failShipping ? $error("no courier available") : { "tracking": "TRK-" & input.order }',
            },
          },
          end: { type: "end", at: [4, 0] },
          release: {
            type: "agent",
            at: [1, 1.6],
            data: { label: "Release the stock", ...mock("released {{ compensating.output }}") },
          },
          refund: {
            type: "agent",
            at: [2, 1.6],
            data: {
              label: "Refund the charge",
              ...mock("refunded {{ compensating.output }} ({{ compensating.reason }})"),
            },
          },
        },
        [
          "start -> reserve",
          "reserve -> charge",
          "charge -> ship",
          "ship -> end",
          "reserve.compensate -> release",
          "charge.compensate -> refund",
        ],
      ),
  },
  {
    id: "flaky-api-breaker",
    title: "Flaky API behind a circuit breaker",
    summary:
      "Call an API that sometimes fails; after repeated failures the breaker opens and a fallback answers at once until the API recovers.",
    // Point apiUrl at the service to guard (its host must be allowed to be reached).
    sampleInput: { apiUrl: "https://quotes.example.invalid/api" },
    document: () =>
      template(
        "Flaky API behind a circuit breaker",
        "The call's error output leads to a fallback; Settings → Health shows the breaker.",
        {
          start: {
            type: "start",
            at: [0, 0],
            data: {
              inputs: [
                {
                  name: "apiUrl",
                  type: "string",
                  required: false,
                  default: "https://quotes.example.invalid/api",
                  description: "",
                },
              ],
            },
          },
          call: {
            type: "http",
            at: [1, 0],
            data: {
              label: "Call the API",
              url: "{{ input.apiUrl }}",
              timeoutMs: 5_000,
              onError: "route",
              breaker: { failures: 3, windowMs: 60_000, openMs: 30_000 },
            },
          },
          fallback: {
            type: "transform",
            at: [2, 1],
            data: { label: "Fallback answer", expression: '{ "quote": "unavailable, try later", "from": "fallback" }' },
          },
          end: { type: "end", at: [3, 0], data: { output: "nodes.call.output.body ? nodes.call.output.body : prev" } },
        },
        ["start -> call", "call -> end", "call.error -> fallback", "fallback -> end"],
      ),
  },
];

export function findTemplate(id: string): FlowTemplate | undefined {
  return flowTemplates.find((t) => t.id === id);
}
