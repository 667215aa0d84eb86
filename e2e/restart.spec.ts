// The server is killed (kill -9) in the middle of a run the browser is watching, and started
// again on the same database: the run carries on where it stopped and the page catches up.
// This spec runs its own server process, since it has to kill it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { ServerProcess } from "../server/testing/server-process";
import { PASSWORD } from "./app";

test("restart the server mid-run: the run view shows the run continuing once it is back", async ({ page }) => {
  test.setTimeout(90_000);
  const dir = mkdtempSync(path.join(tmpdir(), "switchyard-restart-"));
  const server = new ServerProcess(3260, path.join(dir, "restart.db"), { pages: true });
  await server.start();
  try {
    await page.goto(`${server.url}/sign-up`);
    await page.getByLabel("Name").fill("Wes");
    await page.getByLabel("Email").fill("wes@example.com");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page).toHaveURL(/\/flows$/);

    const call = async (procedure: string, input: unknown) => {
      const res = await page.request.post(`${server.url}/api/trpc/${procedure}`, {
        data: { json: input },
        headers: { origin: server.url },
      });
      expect(res.ok(), await res.text()).toBe(true);
      return (await res.json()).result.data.json;
    };
    const ids = ["a", "b", "c", "d", "e"];
    const nodes = [
      { id: "start", type: "start", position: { x: 0, y: 0 }, data: { label: "Start" } },
      ...ids.map((id, i) => ({
        id,
        type: "agent",
        position: { x: 280 * (i + 1), y: 0 },
        data: { label: `Step ${id}`, latencyMs: 1_200 },
      })),
      { id: "end", type: "end", position: { x: 1_700, y: 0 }, data: { label: "End" } },
    ];
    const chain = ["start", ...ids, "end"];
    const edges = chain.slice(1).map((target, i) => ({
      id: `e${i}`,
      source: chain[i],
      sourceHandle: "out",
      target,
      targetHandle: "in",
    }));
    const { id: flowId } = await call("flows.create", { name: "Survivor" });
    await call("flows.save", {
      id: flowId,
      expectedVersion: 1,
      document: { schemaVersion: 1, name: "Survivor", description: "", nodes, edges },
    });
    const { runId } = await call("runs.start", { flowId, input: {} });
    await page.goto(`${server.url}/runs/${runId}`);
    await expect(page.getByTestId("node-b")).toHaveAttribute("data-status", "running");

    await server.crash();
    await expect(page.getByText("reconnecting")).toBeVisible();
    await server.start();

    await expect(page.getByTestId("run-view-status")).toHaveAttribute("data-status", "succeeded", { timeout: 30_000 });
    for (const id of chain) await expect(page.getByTestId(`node-${id}`)).toHaveAttribute("data-status", "succeeded");
    // No completed step ran twice: one success each in the log.
    const events = await page.request.get(
      `${server.url}/api/trpc/runs.events?input=${encodeURIComponent(JSON.stringify({ json: { id: runId } }))}`,
    );
    const log = (await events.json()).result.data.json as { type: string; nodeId?: string }[];
    for (const id of ["start", "a"])
      expect(log.filter((e) => e.type === "node.succeeded" && e.nodeId === id)).toHaveLength(1);
    await page.getByRole("tab", { name: "Events" }).click();
    await expect(page.getByTestId("event-count")).toHaveText(`${log.length} events`);
    await page.screenshot({ path: "test-results/screens/run-view-after-restart.png" });
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
