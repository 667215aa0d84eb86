import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { projectRoot } from "../db/config";
import { endChild } from "./end-child";

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
    await endChild(this.child, "SIGKILL");
    this.child = undefined;
  }

  async stop(): Promise<void> {
    await endChild(this.child, "SIGTERM");
    this.child = undefined;
  }
}
