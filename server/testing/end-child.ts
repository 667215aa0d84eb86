import type { ChildProcess } from "node:child_process";

/** Sends `signal` to a child process and resolves once it has exited (nothing to do without one). */
export async function endChild(child: ChildProcess | undefined, signal: "SIGKILL" | "SIGTERM"): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill(signal);
  await exited;
}
