import { describe, expect, it } from "vitest";
import { checkFlow, isRunnable } from "./check";
import { type FlowDocument, newFlowDocument } from "./document";
import { approvalDataSchema } from "./kinds/approval";
import { endDataSchema } from "./kinds/end";
import { nodeData } from "./kinds/parsed";
import { startDataSchema } from "./kinds/start";

const base = () => newFlowDocument("Test");
const withNodes = (doc: FlowDocument, nodes: unknown[]) => ({ ...doc, nodes }) as unknown;
const messages = (input: unknown) => checkFlow(input).problems.map((p) => `${p.path.join(".")}: ${p.message}`);

describe("checkFlow", () => {
  it("accepts a new flow and marks it runnable", () => {
    const check = checkFlow(base());
    expect(check.ok).toBe(true);
    expect(check.problems).toEqual([]);
    expect(isRunnable(check)).toBe(true);
  });

  it("accepts node data that leaves defaulted fields out: the document keeps what was written, the kind's defaults apply when it runs", () => {
    const { description: _, ...doc } = base();
    const written = {
      start: { label: "Begin" },
      sign: { label: "Sign", title: "Sign?" },
      end: { label: "Done" },
    };
    const check = checkFlow({
      ...doc,
      nodes: [
        { ...doc.nodes[0], data: written.start },
        { id: "sign", type: "approval", position: { x: 160, y: 0 }, data: written.sign },
        { ...doc.nodes[1], data: written.end },
      ],
      edges: [
        { id: "a", source: "start", sourceHandle: "out", target: "sign", targetHandle: "in" },
        { id: "b", source: "sign", sourceHandle: "approved", target: "end", targetHandle: "in" },
      ],
    });
    expect(check.ok && check.problems).toEqual([]);
    if (!check.ok) return;
    expect(check.document.description).toBe(""); // the document's own default
    const [start, sign, end] = check.document.nodes.map((n) => n.data);
    expect([start, sign, end]).toEqual([written.start, written.sign, written.end]);
    expect(nodeData(startDataSchema, start)).toEqual({ label: "Begin", inputs: [] });
    expect(nodeData(endDataSchema, end)).toEqual({ label: "Done", output: "" }); // empty: prev
    // The contract's defaults (docs/flow-format.md): one approval, not by the requester.
    expect(nodeData(approvalDataSchema, sign)).toMatchObject({
      requiredApprovals: 1,
      allowRequesterToApprove: false,
      assignees: { users: [], roles: [], groups: [] },
      form: [],
    });
  });

  it("names an unknown node kind by path", () => {
    const doc = base();
    const input = withNodes(doc, [...doc.nodes, { id: "x", type: "teleport", position: { x: 0, y: 0 }, data: {} }]);
    expect(checkFlow(input)).toMatchObject({
      ok: false,
      problems: [{ path: ["nodes", 2, "type"], nodeId: "x", message: 'unknown node kind "teleport"' }],
    });
  });

  it("names a bad field of a node's config", () => {
    const doc = base();
    const input = withNodes(doc, [{ ...doc.nodes[0], data: { label: "" } }, doc.nodes[1]]);
    expect(messages(input)).toEqual(["nodes.0.data.label: a label is required"]);
  });

  it("rejects unknown fields, bad ids and non-finite positions", () => {
    const doc = base();
    expect(messages({ ...doc, colour: "red" })[0]).toMatch(/colour/);
    expect(messages(withNodes(doc, [{ ...doc.nodes[0], id: "1st" }, doc.nodes[1]]))[0]).toMatch(
      /^nodes\.0\.id: a node id starts/,
    );
    expect(messages(withNodes(doc, [{ ...doc.nodes[0], position: { x: Number.NaN, y: 0 } }, doc.nodes[1]]))[0]).toMatch(
      /^nodes\.0\.position\.x/,
    );
  });

  it("refuses a file from a newer version", () => {
    expect(messages({ ...base(), schemaVersion: 99 })[0]).toMatch(/^schemaVersion: .*newer Switchyard/);
  });

  it("reports edge problems that block a run, each with its place", () => {
    const doc = base();
    const check = checkFlow({
      ...doc,
      edges: [
        ...doc.edges,
        { id: "e_start_end", source: "start", sourceHandle: "out", target: "end", targetHandle: "in" },
        { id: "e2", source: "ghost", sourceHandle: "out", target: "end", targetHandle: "in" },
        { id: "e3", source: "start", sourceHandle: "yes", target: "end", targetHandle: "in" },
        { id: "e4", source: "start", sourceHandle: "out", target: "end", targetHandle: "side" },
      ],
    });
    expect(check.ok).toBe(true);
    expect(isRunnable(check)).toBe(false);
    expect(check.problems.map((p) => `${p.edgeId} ${p.path.join(".")}: ${p.message}`)).toEqual([
      'e_start_end edges.1.id: the edge id "e_start_end" is used twice',
      "e_start_end edges.1.id: this connection already exists",
      'e2 edges.2.source: the source node "ghost" does not exist',
      'e3 edges.3.sourceHandle: a start node has no output "yes"',
      'e4 edges.4.targetHandle: a end node has no input "side"',
    ]);
  });

  it("refuses duplicate node ids", () => {
    const doc = base();
    const check = checkFlow({ ...doc, nodes: [...doc.nodes, { ...doc.nodes[1]!, position: { x: 9, y: 9 } }] });
    expect(check.problems).toContainEqual(
      expect.objectContaining({ path: ["nodes", 2, "id"], nodeId: "end", message: 'the id "end" is used twice' }),
    );
  });

  it("requires one start and an end", () => {
    const doc = base();
    const messagesOf = (d: FlowDocument) => checkFlow(d).problems.map((p) => p.message);
    expect(messagesOf({ ...doc, nodes: [doc.nodes[1]!], edges: [] })).toContain("the flow needs a start node");
    expect(messagesOf({ ...doc, nodes: [doc.nodes[0]!], edges: [] })).toContain("the flow needs an end node");
    const twoStarts = { ...doc, nodes: [...doc.nodes, { ...doc.nodes[0]!, id: "again" }] };
    expect(messagesOf(twoStarts)).toContain("a flow has exactly one start node");
  });

  it("refuses a parent that is not a container", () => {
    const doc = base();
    const check = checkFlow({ ...doc, nodes: [doc.nodes[0]!, { ...doc.nodes[1]!, parentId: "start" }] });
    expect(check.problems).toContainEqual(
      expect.objectContaining({
        path: ["nodes", 1, "parentId"],
        message: '"start" is not a loop, so it cannot contain nodes',
      }),
    );
  });

  it("warns about a node nothing leads to", () => {
    const doc = { ...base(), edges: [] };
    expect(checkFlow(doc).problems).toEqual([expect.objectContaining({ severity: "warning", nodeId: "end" })]);
  });
});

describe("expressions in a flow", () => {
  it("refuses a run while an expression does not parse, naming node and field", () => {
    const doc = base();
    doc.nodes.push({
      id: "route",
      type: "branch",
      position: { x: 0, y: 0 },
      data: { label: "Route", mode: "first", cases: [{ id: "big", label: "", condition: "input.size >" }] },
    });
    doc.nodes.push({
      id: "say",
      type: "agent",
      position: { x: 0, y: 0 },
      data: { label: "Say", prompt: "Hi {{ input. }}" },
    });
    const check = checkFlow(doc);
    expect(isRunnable(check)).toBe(false);
    const located = check.problems.filter((p) => p.severity === "error").map((p) => `${p.nodeId} ${p.path.join(".")}`);
    expect(located).toEqual(["route nodes.2.data.cases.0.condition", "say nodes.3.data.prompt"]);
    expect(check.problems[0]?.message).toMatch(/^the expression "input.size >" does not parse/);
  });

  it("checks a branch's case ids", () => {
    const doc = base();
    const bad = (cases: unknown) => ({
      ...doc,
      nodes: [...doc.nodes, { id: "b", type: "branch", position: { x: 0, y: 0 }, data: { label: "B", cases } }],
    });
    expect(messages(bad([{ id: "else", condition: "true" }]))).toContain(
      'nodes.2.data.cases.0.id: "else" is the default path; pick another case id',
    );
    expect(
      messages(
        bad([
          { id: "a", condition: "true" },
          { id: "a", condition: "false" },
        ]),
      ),
    ).toContain('nodes.2.data.cases.1.id: the case id "a" is used twice');
    expect(messages(bad([]))).toContain("nodes.2.data.cases: a branch needs at least one case");
  });

  it("requires a count for a join in count mode", () => {
    const doc = base();
    doc.nodes.push({ id: "j", type: "join", position: { x: 0, y: 0 }, data: { label: "J", mode: "count" } });
    expect(messages(doc)).toContain("nodes.2.data.count: mode count needs a count");
  });
});

describe("checkFlow: node data that could be saved but not read back", () => {
  const agentNode = (data: string) => ({
    id: "ag",
    type: "agent",
    position: { x: 0, y: 0 },
    data: JSON.parse(`{"label":"Agent",${data}}`),
  });

  it("names a jsonSchema nested 10,000 deep by its field", () => {
    const deep = `${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`;
    const doc = base();
    expect(checkFlow(withNodes(doc, [...doc.nodes, agentNode(`"jsonSchema":${deep}`)]))).toMatchObject({
      ok: false,
      problems: [{ path: ["nodes", 2, "data", "jsonSchema"], nodeId: "ag", message: "nests deeper than 64 levels" }],
    });
  });

  it("names a key superjson refuses, by its path", () => {
    const doc = base();
    const input = withNodes(doc, [...doc.nodes, agentNode(`"jsonSchema":{"properties":{"constructor":{}}}`)]);
    expect(messages(input)).toEqual(["nodes.2.data.jsonSchema.properties.constructor: key not allowed"]);
  });

  it("accepts a step's compensate handler, and refuses a handler the forward flow also reaches", () => {
    const n = (id: string, type: string, data: Record<string, unknown> = {}) => ({
      id,
      type,
      position: { x: 0, y: 0 },
      data: { label: id, ...data },
    });
    const e = (id: string, source: string, target: string, sourceHandle = "out") => ({
      id,
      source,
      sourceHandle,
      target,
      targetHandle: "in",
    });
    const nodes = [
      n("start", "start"),
      n("charge", "http", { url: "https://pay.example.com" }),
      n("refund", "http", { url: "https://pay.example.com/refund" }),
      n("end", "end"),
    ];
    const ok = {
      ...base(),
      nodes,
      edges: [e("e1", "start", "charge"), e("e2", "charge", "end"), e("e3", "charge", "refund", "compensate")],
    };
    expect(checkFlow(ok).problems).toEqual([]);
    const crossed = { ...ok, edges: [...ok.edges, e("e4", "start", "refund")] };
    expect(messages(crossed)).toContain(
      'edges.3.target: "refund" undoes a step (it is reached from a compensate output), so the forward flow cannot lead to it',
    );
  });
});
