import { type ChildProcess, fork } from "node:child_process";
import { createRequire } from "node:module";
import { setPriority } from "node:os";
import { fileURLToPath } from "node:url";

/**
 * Full JSONata, out of the server's reach. Expressions the quick evaluator does not cover run
 * here, in a small pool of child processes, each with a heap of its own (`memoryMb`) and a
 * deadline (`timeoutMs`) after which it is killed. Processes, not worker threads: a worker
 * shares the server's process, and one allocation past a worker's heap limit aborts the whole
 * process (measured: `$pad("x", 2e8)` and `$string([1..9999999])` in a worker with a 64 MB
 * `resourceLimits` ended the parent with "FATAL ERROR: Reached heap limit"). A child that dies
 * takes only its expression with it. Evaluations wait in line for a free process, so however
 * many run at once the server's event loop only passes messages.
 */

export interface SandboxLimits {
  /** Wall time one evaluation may take inside its process. */
  timeoutMs: number;
  /** Heap of each sandbox process (`--max-old-space-size`). */
  memoryMb: number;
  /** Largest result, as JSON text. */
  maxResultBytes: number;
  /** Processes in the pool. */
  processes: number;
  /** Evaluations that may wait for a process before more are refused. */
  maxQueued: number;
  /** JSONata's nesting limit. */
  maxDepth: number;
}

export const defaultSandboxLimits: SandboxLimits = {
  timeoutMs: 1_000,
  memoryMb: 64,
  maxResultBytes: 5 * 1024 * 1024,
  processes: 2,
  maxQueued: 10_000,
  maxDepth: 250,
};

/** Why the sandbox gave no value; `limit` says which bound stopped it. */
export class SandboxError extends Error {
  constructor(
    readonly reason: string,
    readonly limit?: "time" | "memory" | "result" | "queue",
    /** Nothing about the expression: trying again may pass (the process could not start). */
    readonly retryable = false,
  ) {
    super(reason);
  }
}

export interface ExpressionSandbox {
  /** Full JSONata over `context`; the value as plain JSON (null for no value). */
  evaluate(expression: string, context: unknown): Promise<unknown>;
  /** Ends the pool's processes. */
  close(): Promise<void>;
}

interface Task {
  expression: string;
  context: string;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

interface Slot {
  child: ChildProcess;
  ready: Promise<void>;
  task?: { id: number; task: Task; timer?: NodeJS.Timeout };
}

const childScript = fileURLToPath(new URL("./expression-child.mjs", import.meta.url));
const jsonataPath = createRequire(import.meta.url).resolve("jsonata");
/** Node 20 names the permission model experimental; later versions made `--permission` stable. */
const permissionFlag = process.allowedNodeEnvironmentFlags.has("--permission")
  ? "--permission"
  : "--experimental-permission";

/** How much lower than the server the sandbox processes run (nice). */
const SANDBOX_NICENESS = 10;

const messages: Record<string, string> = {
  D1011: "the expression nests too deeply",
};

export function expressionSandbox(limits: SandboxLimits = defaultSandboxLimits): ExpressionSandbox {
  const slots: Slot[] = [];
  const queue: Task[] = [];
  let nextId = 1;
  let closed = false;

  const timeLimit = () => `stopped after ${limits.timeoutMs} ms, the time limit for one expression`;
  const memoryLimit = () => `stopped for needing more than ${limits.memoryMb} MB, the memory limit for one expression`;

  function start(): Slot {
    const child = fork(
      childScript,
      [jsonataPath, String(limits.timeoutMs), String(limits.maxDepth), String(limits.maxResultBytes)],
      {
        execArgv: [
          `--max-old-space-size=${limits.memoryMb}`,
          "--max-semi-space-size=8",
          permissionFlag,
          `--allow-fs-read=${childScript}`,
          `--allow-fs-read=${jsonataPath}`,
          "--no-warnings",
        ],
        env: {} as NodeJS.ProcessEnv, // no secrets, no database address: nothing of the server's
        serialization: "advanced",
        stdio: ["ignore", "ignore", "ignore", "ipc"],
      },
    );
    // Below the server's priority: with every core busy evaluating, the server still answers first.
    if (child.pid !== undefined) {
      try {
        setPriority(child.pid, SANDBOX_NICENESS);
      } catch {
        // not allowed here: the sandbox runs at the server's priority
      }
    }
    let markReady: () => void;
    const slot: Slot = { child, ready: new Promise((resolve) => (markReady = resolve)) };
    child.on("message", (message: ChildMessage) => {
      if ("ready" in message) return markReady();
      const running = slot.task;
      if (!running || running.id !== message.id) return;
      finish(slot);
      if ("json" in message) running.task.resolve(JSON.parse(message.json));
      else if (message.error.code === "D1012") running.task.reject(new SandboxError(timeLimit(), "time"));
      else if (message.error.limit === "result")
        running.task.reject(
          new SandboxError(
            `gave a result larger than ${Math.round(limits.maxResultBytes / 1024 / 1024)} MB, the limit for one expression`,
            "result",
          ),
        );
      else running.task.reject(new SandboxError(reasonOf(message.error)));
      pump();
    });
    child.on("exit", (code, signal) => {
      const index = slots.indexOf(slot);
      if (index >= 0) slots.splice(index, 1);
      const running = slot.task;
      slot.task = undefined;
      if (running) {
        clearTimeout(running.timer);
        // Killed by us on time-out (handled there), or died of its heap limit (V8 aborts).
        if (!running.timer || signal !== "SIGKILL")
          running.task.reject(
            signal === "SIGABRT" || signal === "SIGTRAP" || code === 134
              ? new SandboxError(memoryLimit(), "memory")
              : new SandboxError(`the expression sandbox stopped (${signal ?? `exit ${code}`})`, undefined, true),
          );
      }
      markReady(); // a child that never started frees whoever waits on it
      pump();
    });
    child.on("error", () => {}); // spawn failures end in "exit" too
    slots.push(slot);
    idle(slot);
    return slot;
  }

  /** While nothing runs, a sandbox process does not keep the server (or the CLI) alive. */
  function idle(slot: Slot) {
    slot.child.unref();
    slot.child.channel?.unref();
  }
  function busy(slot: Slot) {
    slot.child.ref();
    slot.child.channel?.ref();
  }

  function finish(slot: Slot) {
    if (slot.task) clearTimeout(slot.task.timer);
    slot.task = undefined;
    idle(slot);
  }

  function pump() {
    while (!closed && queue.length > 0) {
      let slot = slots.find((s) => !s.task && s.child.exitCode === null && s.child.signalCode === null);
      if (!slot && slots.length < limits.processes) slot = start();
      if (!slot) return;
      const task = queue.shift()!;
      const id = nextId++;
      const running: NonNullable<Slot["task"]> = { id, task };
      slot.task = running;
      busy(slot);
      const target = slot;
      void slot.ready.then(() => {
        if (target.task !== running) return;
        // The deadline counts from the moment the process has the expression, not while it waits.
        running.timer = setTimeout(() => {
          target.child.kill("SIGKILL");
          task.reject(new SandboxError(timeLimit(), "time"));
        }, limits.timeoutMs + 50);
        target.child.send({ id, expression: task.expression, context: task.context });
      });
    }
  }

  return {
    evaluate(expression, context) {
      if (closed) return Promise.reject(new SandboxError("the expression sandbox is closed", undefined, true));
      if (queue.length >= limits.maxQueued)
        return Promise.reject(
          new SandboxError(`${limits.maxQueued} expressions are already waiting for the sandbox`, "queue", true),
        );
      return new Promise((resolve, reject) => {
        queue.push({ expression, context: JSON.stringify(context) ?? "null", resolve, reject });
        pump();
      });
    },
    async close() {
      closed = true;
      for (const task of queue.splice(0))
        task.reject(new SandboxError("the expression sandbox is closed", undefined, true));
      await Promise.all(
        slots.map(
          (slot) =>
            new Promise<void>((resolve) => {
              if (slot.child.exitCode !== null || slot.child.signalCode !== null) return resolve();
              slot.child.once("exit", () => resolve());
              slot.child.kill("SIGKILL");
            }),
        ),
      );
    },
  };
}

type ChildMessage =
  | { ready: true }
  | { id: number; json: string }
  | { id: number; error: { limit?: "result"; code?: string; message?: string; position?: number } };

function reasonOf(error: { code?: string; message?: string; position?: number }): string {
  const known = error.code ? messages[error.code] : undefined;
  if (known) return known;
  const message = error.message ?? "the expression failed";
  return error.position !== undefined ? `${message} (at character ${error.position})` : message;
}

let shared: ExpressionSandbox | undefined;
/** The process's sandbox, started on first use. */
export function sharedSandbox(): ExpressionSandbox {
  shared ??= expressionSandbox();
  return shared;
}
