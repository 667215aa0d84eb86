import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { projectRoot } from "../db/config";

/** A scale-out worker (`npm run worker`) as a separate process, for tests that kill it. */
export class WorkerProcess {
  child: ChildProcess | undefined;

  constructor(readonly env: Record<string, string>) {}

  async start(): Promise<void> {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(projectRoot, "server/worker.ts")], {
      cwd: projectRoot,
      env: { ...process.env, NODE_ENV: "production", ...this.env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the worker did not start")), 30_000);
      child.stdout!.on("data", (chunk: Buffer) => {
        if (chunk.toString().includes("worker ready")) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once("exit", (code) => reject(new Error(`the worker exited (${code})`)));
    });
  }

  /** kill -9: the attempts it held are simply gone; their leases run out. */
  async crash(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
    this.child = undefined;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
    this.child = undefined;
  }
}
