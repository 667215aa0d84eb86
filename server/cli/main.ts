// `switchyard` command line: validate and run flow files (README, "Command line").
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ZodError } from "zod";
import { checkFlow, isRunnable } from "../../lib/flow/check";
import { parseFlowFile } from "../../lib/flow/flow-file";
import { describeProblem, formatPath } from "../../lib/flow/problems";
import { verifyAudit } from "./audit-verify";
import { InvalidFlows } from "./file-flows";
import { InvalidRunInput, runFile } from "./run-file";

const EXIT = { succeeded: 0, failed: 1, invalid: 2, waiting: 3 } as const;

const usage = `usage:
  switchyard validate <file.json|file.yaml>
  switchyard run <file.json|file.yaml> [--input '{"k":"v"}'] [--decide nodeId=approve|reject ...]
                 [--resume nodeId=JSON ...] [--flows DIR] [--db memory|<url>]
  switchyard audit verify --db <sqlite path|postgresql url>

run prints each RunEvent as a JSON line, then {"status","output","runId"}; --decide answers
that approval wherever it waits, inside loops too; --resume answers that wait node with the
JSON body; --flows DIR finds a sub-flow node's flow in DIR/<flowId>.json.
exit codes: 0 succeeded · 1 failed · 2 invalid · 3 waiting: only a decision or a resume can move it on`;

/**
 * Ends the process once everything written to stdout and stderr has been handed over: when
 * they are pipes, Node writes them asynchronously, and `process.exit` would drop what is queued.
 */
function exit(code: number): Promise<never> {
  process.exitCode = code;
  return new Promise(() => {
    let pending = 2;
    const flushed = () => --pending === 0 && process.exit();
    process.stdout.write("", flushed);
    process.stderr.write("", flushed);
  });
}

/** A problem with the command line, the file or the input: said on stderr, exit code 2. */
class Invalid extends Error {}

function fail(message: string): never {
  throw new Invalid(message);
}

function readFlow(file: string | undefined) {
  if (!file) fail(usage);
  let raw: unknown;
  try {
    raw = parseFlowFile(file, readFileSync(file, "utf8")); // JSON or YAML
  } catch (error) {
    fail((error as Error).message);
  }
  const check = checkFlow(raw);
  for (const problem of check.problems) console.error(`${problem.severity}: ${describeProblem(problem)}`);
  if (!isRunnable(check)) fail(`${file}: not a runnable flow`);
  return check.document;
}

/** Carries out one command and gives its exit code. */
async function main([command, ...rest]: string[]): Promise<number> {
  if (command === "validate") {
    readFlow(rest[0]);
    console.log("valid");
    return EXIT.succeeded;
  } else if (command === "run") {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        input: { type: "string" },
        decide: { type: "string", multiple: true },
        resume: { type: "string", multiple: true },
        flows: { type: "string" },
        db: { type: "string", default: "memory" },
      },
    });
    const document = readFlow(positionals[0]);
    let input: Record<string, unknown> = {};
    try {
      input = values.input ? JSON.parse(values.input) : {};
    } catch (error) {
      fail(`--input: ${(error as Error).message}`);
    }
    const decisions = new Map<string, "approve" | "reject">();
    for (const pair of values.decide ?? []) {
      const [nodeId, decision] = pair.split("=");
      if (!nodeId || (decision !== "approve" && decision !== "reject"))
        fail(`--decide ${pair}: write nodeId=approve or nodeId=reject`);
      decisions.set(nodeId, decision);
    }
    const resumes = new Map<string, unknown>();
    for (const pair of values.resume ?? []) {
      const at = pair.indexOf("=");
      if (at <= 0) fail(`--resume ${pair}: write nodeId=JSON, e.g. sign='{"signed":true}'`);
      try {
        resumes.set(pair.slice(0, at), JSON.parse(pair.slice(at + 1)));
      } catch (error) {
        fail(`--resume ${pair.slice(0, at)}: the body is not JSON: ${(error as Error).message}`);
      }
    }
    try {
      const result = await runFile(document, {
        input,
        decisions,
        resumes,
        flowsDir: values.flows,
        db: values.db ?? "memory",
        onEvent: (event) => console.log(JSON.stringify(event)),
      });
      console.log(JSON.stringify(result));
      if (result.status === "waiting") {
        const where = (kind: "decision" | "resume") =>
          (result.waitingFor ?? [])
            .filter((w) => w.for === kind)
            .map((w) => (w.path.length ? `${w.nodeId} at [${w.path}]` : w.nodeId));
        if (where("decision").length > 0)
          console.error(
            `run ${result.runId} waits for a decision on ${where("decision").join(", ")}; answer with --decide nodeId=approve|reject`,
          );
        if (where("resume").length > 0)
          console.error(
            `run ${result.runId} waits for a callback on ${where("resume").join(", ")}; answer with --resume nodeId=JSON`,
          );
      }
      return result.status === "succeeded" ? EXIT.succeeded : result.status === "waiting" ? EXIT.waiting : EXIT.failed;
    } catch (error) {
      if (error instanceof InvalidRunInput) fail(`--input ${error.message}`);
      if (error instanceof InvalidFlows) fail(`--flows: ${error.message}`);
      if (error instanceof ZodError) {
        const issue = error.issues[0]!;
        fail(`--input ${formatPath(issue.path as (string | number)[])}: ${issue.message}`);
      }
      fail(`run: ${(error as Error).message}`);
    }
  } else if (command === "audit" && rest[0] === "verify") {
    const { values } = parseArgs({ args: rest.slice(1), options: { db: { type: "string" } } });
    if (!values.db) fail(usage);
    const result = await verifyAudit(values.db).catch((error: Error) => fail(`audit verify: ${error.message}`));
    if (result.ok) {
      console.log(`audit log intact: ${result.entries} entries, every hash recomputed`);
      return EXIT.succeeded;
    }
    console.error(`audit log broken at entry ${result.seq} of workspace ${result.workspaceId}: ${result.reason}`);
    return EXIT.failed;
  } else {
    fail(usage);
  }
}

try {
  await exit(await main(process.argv.slice(2)));
} catch (error) {
  if (!(error instanceof Invalid)) throw error;
  console.error(error.message);
  await exit(EXIT.invalid);
}
