import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { checkFlow, isRunnable } from "../../lib/flow/check";
import type { FlowDocument } from "../../lib/flow/document";
import { parseFlowFile } from "../../lib/flow/flow-file";
import { MAX_SUBFLOW_DEPTH } from "../../lib/flow/kinds/subflow";
import { describeProblem } from "../../lib/flow/problems";
import { calledFlowIds } from "../../lib/flow/subflow-checks";
import { terminalRunStatuses } from "../../lib/run/events";
import type { Prisma } from "../db/client";
import { flowsRepository } from "../db/flows-repository";
import { NonRetryableError } from "../engine/runtime/errors";
import type { RunStore, SubflowCalls } from "../engine/runtime/ports";
import type { RunEngine } from "../engine/runtime/run-engine";
import { startFlowRun } from "../runs/start-run";

/** A flow file named by a sub-flow node's flowId could not be used; nothing ran. */
export class InvalidFlows extends Error {}

const FILE_ID = /^[A-Za-z0-9_-]{1,200}$/;

/**
 * `--flows DIR`: a sub-flow node's `flowId` names the file DIR/<flowId>.json (or .yaml, .yml).
 * Every file the run can reach is read and checked before anything runs; a file is run as it
 * is, whatever version the node names.
 */
export function readFlowFiles(root: FlowDocument, dir: string | undefined): Map<string, FlowDocument> {
  const found = new Map<string, FlowDocument>();
  const queue = calledFlowIds(root);
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (found.has(id)) continue;
    if (!dir) throw new InvalidFlows(`a sub-flow node calls "${id}": give --flows DIR, where ${id}.json is`);
    if (!FILE_ID.test(id))
      throw new InvalidFlows(`a sub-flow node calls "${id}": not a file name (letters, digits, _ and -)`);
    const file = [".json", ".yaml", ".yml"].map((ext) => path.join(dir, `${id}${ext}`)).find((f) => existsSync(f));
    if (!file) throw new InvalidFlows(`a sub-flow node calls "${id}": there is no ${path.join(dir, `${id}.json`)}`);
    let raw: unknown;
    try {
      raw = parseFlowFile(file, readFileSync(file, "utf8"));
    } catch (error) {
      throw new InvalidFlows(`${file}: ${(error as Error).message}`);
    }
    const check = checkFlow(raw);
    if (!isRunnable(check)) {
      const first = check.problems.find((p) => p.severity === "error")!;
      throw new InvalidFlows(`${file}: ${describeProblem(first)}`);
    }
    found.set(id, check.document);
    queue.push(...calledFlowIds(check.document));
  }
  return found;
}

/** Sub-flow calls in the CLI: each file becomes a flow of the CLI's workspace on first call, and runs as a child. */
export function fileFlowCalls(
  files: ReadonlyMap<string, FlowDocument>,
  deps: { prisma: Prisma; store: RunStore; engine: () => RunEngine; createdById: string },
): SubflowCalls {
  const rows = new Map<string, Promise<string>>();
  const targets = () =>
    Promise.resolve(
      [...files].map(([id, document]) => ({ id, name: id, publishedVersion: 1, calls: calledFlowIds(document) })),
    );
  return {
    async call(request) {
      const child = await deps.store.childOf(request.parentKey);
      if (child) {
        if (!terminalRunStatuses.includes(child.status)) return { runId: child.id };
        const status = child.status as "succeeded" | "failed" | "cancelled";
        return { runId: child.id, ended: { status, output: child.output, ...(child.error && { error: child.error }) } };
      }
      const document = files.get(request.flowId);
      if (!document) throw new NonRetryableError(`no flow file for "${request.flowId}" (--flows DIR)`);
      const parent = await deps.store.getRun(request.parentRunId);
      const depth = (parent?.depth ?? 0) + 1;
      if (depth > MAX_SUBFLOW_DEPTH)
        throw new NonRetryableError(
          `the call chain is deeper than ${MAX_SUBFLOW_DEPTH} flows (a flow may be calling itself)`,
        );
      let row = rows.get(request.flowId);
      if (!row) {
        row = flowsRepository(deps.prisma, request.workspaceId)
          .create(document, deps.createdById)
          .then((f) => f.id);
        rows.set(request.flowId, row);
      }
      const { runId } = await startFlowRun(
        { workspaceId: request.workspaceId, engine: deps.engine(), callTargets: targets },
        { id: await row, document, flowVersion: null },
        request.input,
        parent?.startedBy ?? null,
        {
          trigger: "subflow",
          parent: { runId: request.parentRunId, nodeId: request.parentNodeId, key: request.parentKey },
          depth,
        },
      );
      return { runId };
    },
  };
}
