import { expect, type Page, test } from "@playwright/test";
import type { RunEvent } from "../lib/run/events";
import { foldRunEvents, nodeStatus } from "../lib/run/state";
import { saveFlow, signUp, trpc } from "./app";

const node = (id: string, type: string, x: number, data: Record<string, unknown> = {}, parentId?: string) => ({
  id,
  type,
  position: { x, y: parentId ? 90 : 0 },
  data: { label: id[0]!.toUpperCase() + id.slice(1), ...data },
  ...(parentId && { parentId }),
});
const edge = (source: string, target: string) => ({
  id: `${source}-${target}`,
  source,
  sourceHandle: "out",
  target,
  targetHandle: "in",
});
const doc = (name: string, nodes: unknown[], edges: unknown[]) => ({
  schemaVersion: 1,
  name,
  description: "",
  nodes,
  edges,
});

async function startRun(page: Page, flowId: string, input: Record<string, unknown> = {}) {
  const { runId } = await trpc<{ runId: string }>(page, "runs.start", { flowId, input });
  await page.goto(`/runs/${runId}`);
  return runId;
}
const status = (page: Page, id: string) => page.getByTestId(`node-${id}`);

test("watch the parallel research template run: three analysts at once, then the join; inspect the streamed answer", async ({
  page,
}) => {
  await signUp(page, "Rosa");
  const { id } = await trpc<{ id: string }>(page, "flows.create", { name: "Research", template: "parallel-research" });
  // Slower analysts than the template's, so the page is surely up before they finish.
  const flow = await trpc<{ document: { nodes: { data: Record<string, unknown> }[] } }>(
    page,
    "flows.get",
    { id },
    "query",
  );
  for (const n of flow.document.nodes) if (typeof n.data.latencyMs === "number") n.data.latencyMs *= 4;
  await trpc(page, "flows.save", { id, expectedVersion: 1, document: flow.document });
  const runId = await startRun(page, id, { question: "Should we open in Lisbon?" });

  await expect(page.getByTestId("run-view-status")).toHaveAttribute("data-status", "running");
  await expect(status(page, "risk")).toHaveAttribute("data-status", "running");
  await expect(status(page, "join")).toHaveAttribute("data-status", "pending");

  // The market analyst streams its answer into the inspector while it runs.
  await page.getByTestId("node-market").click();
  const inspector = page.getByTestId("inspector");
  await expect(inspector.getByTestId("streamed")).toContainText("Market view");
  await expect(inspector).toContainText("Should we open in Lisbon?"); // the prompt that was sent
  await page.screenshot({ path: "test-results/screens/run-view-live.png" });

  await expect(page.getByTestId("run-view-status")).toHaveAttribute("data-status", "succeeded", { timeout: 15_000 });
  await expect(status(page, "join")).toHaveAttribute("data-status", "succeeded");
  // The three ran at once: each started before any of them finished, and the join came after all.
  const stored = await trpc<{ type: string; nodeId?: string; seq: number }[]>(
    page,
    "runs.events",
    { id: runId },
    "query",
  );
  const seqOf = (type: string, node: string) => stored.find((e) => e.type === type && e.nodeId === node)!.seq;
  const analysts = ["market", "finance", "risk"];
  const lastStart = Math.max(...analysts.map((a) => seqOf("node.started", a)));
  const firstEnd = Math.min(...analysts.map((a) => seqOf("node.succeeded", a)));
  expect(lastStart).toBeLessThan(firstEnd);
  expect(seqOf("node.started", "join")).toBeGreaterThan(Math.max(...analysts.map((a) => seqOf("node.succeeded", a))));
  await expect(inspector.getByTestId("json-output")).toContainText("Market view on Should we open in Lisbon?");
  // The timeline has a row per step; the three analysts overlap in time.
  await expect(page.getByTestId("timeline-market")).toBeVisible();
  await expect(page.getByTestId("timeline-synthesis")).toBeVisible();
  await page.screenshot({ path: "test-results/screens/run-view-done.png" });

  // The runs list shows it, and opens it again.
  await page.goto("/runs");
  await expect(page.getByRole("table", { name: "Runs" })).toContainText("Research");
  await expect(page.locator("tbody tr").first()).toHaveAttribute("data-status", "succeeded");
  await page.screenshot({ path: "test-results/screens/runs-list.png" });
});

/** What the page shows on each node equals what folding the stored events gives. */
async function expectStatusesMatchStoredEvents(page: Page, runId: string, nodeIds: string[]) {
  const stored = await trpc<RunEvent[]>(page, "runs.events", { id: runId }, "query");
  const folded = foldRunEvents(stored);
  for (const id of nodeIds) await expect(status(page, id)).toHaveAttribute("data-status", nodeStatus(folded, id));
}

test("a failing agent with retries shows each attempt, then the error; retry from the failure", async ({ page }) => {
  await signUp(page, "Tomas");
  const retry = { maxAttempts: 3, initialDelayMs: 3_000, multiplier: 1, maxDelayMs: 3_000, jitter: false };
  const flowId = await saveFlow(
    page,
    doc(
      "Flaky",
      [
        node("start", "start", 0),
        node("flaky", "agent", 300, { failTimes: 5, latencyMs: 100, response: "never", retry }),
        node("end", "end", 600),
      ],
      [edge("start", "flaky"), edge("flaky", "end")],
    ),
  );
  const runId = await startRun(page, flowId);
  await expect(status(page, "flaky")).toHaveAttribute("data-status", "retrying");
  await expect(page.getByTestId("status-flaky")).toContainText(/attempt [23] of 3/);
  await expect(page.getByTestId("run-view-status")).toHaveAttribute("data-status", "failed", { timeout: 15_000 });

  await expectStatusesMatchStoredEvents(page, runId, ["start", "flaky", "end"]);
  await page.getByTestId("node-flaky").click();
  const inspector = page.getByTestId("inspector");
  await expect(inspector.getByTestId("attempts").getByRole("listitem")).toHaveCount(3);
  await expect(inspector.getByRole("alert")).toContainText("mock provider failed on purpose (attempt 3");
  await page.getByRole("tab", { name: "Events" }).click();
  await page.getByLabel("Filter events").fill("retrying");
  await expect(page.getByTestId("event-count")).toHaveText(/^2 of \d+ events$/);
  await page.screenshot({ path: "test-results/screens/run-view-failed.png" });

  await page.getByRole("button", { name: "Retry from failure" }).click();
  await expect(page).not.toHaveURL(new RegExp(`/runs/${flowId}$`));
  await expect(page.getByText("retry of")).toBeVisible();
});

test("a refinement loop shows its iterations, and any iteration can be looked at", async ({ page }) => {
  await signUp(page, "Uma");
  const { id } = await trpc<{ id: string }>(page, "flows.create", {
    name: "Refine",
    template: "iterative-refinement",
  });
  await startRun(page, id, { topic: "Lisbon" });
  await expect(page.getByTestId("run-view-status")).toHaveAttribute("data-status", "succeeded", { timeout: 20_000 });
  const picker = page.locator('[data-testid^="iterations-"]').first();
  await expect(picker).toContainText(/Iteration (\d+) of \1/);
  await picker.getByRole("button", { name: "Previous iteration" }).click();
  await expect(picker).toContainText(/Iteration \d+ of \d+/);
  await page.screenshot({ path: "test-results/screens/run-view-loop.png" });
});

test("a dropped connection mid-run reconnects and misses nothing", async ({ page }) => {
  await signUp(page, "Vik");
  const steps = Array.from({ length: 6 }, (_, i) => node(`s${i + 1}`, "agent", 250 * (i + 1), { latencyMs: 800 }));
  const flowId = await saveFlow(
    page,
    doc(
      "Steady",
      [node("start", "start", 0), ...steps, node("end", "end", 1_800)],
      [edge("start", "s1"), ...steps.slice(1).map((s, i) => edge(`s${i + 1}`, s.id)), edge("s6", "end")],
    ),
  );
  // The socket goes through a route we can cut: closing it is what a dropped network does.
  let offline = false;
  const open = new Set<{ close(): Promise<void>; connectToServer(): unknown }>();
  const held: { connectToServer(): unknown }[] = [];
  await page.routeWebSocket(/socket\.io/, (ws) => {
    if (offline) return void held.push(ws); // no network: the attempt hangs until it is back
    ws.connectToServer();
    open.add(ws);
  });
  const runId = await startRun(page, flowId);
  await expect(status(page, "s1")).toHaveAttribute("data-status", /running|succeeded/);
  offline = true;
  for (const ws of open) await ws.close();
  await expect(page.getByText("reconnecting")).toBeVisible();
  await page.waitForTimeout(1_500); // events keep being committed meanwhile
  offline = false;
  for (const ws of held.splice(0)) ws.connectToServer();
  await expect(page.getByTestId("run-view-status")).toHaveAttribute("data-status", "succeeded", { timeout: 15_000 });
  // What the page shows equals what the database holds, event for event.
  const stored = await trpc<unknown[]>(page, "runs.events", { id: runId }, "query");
  await page.getByRole("tab", { name: "Events" }).click();
  await expect(page.getByTestId("event-count")).toHaveText(`${stored.length} events`);
  await expectStatusesMatchStoredEvents(page, runId, ["start", ...steps.map((s) => s.id), "end"]);
});

test("the runs list shows runs as they start and end, filtered by status and flow", async ({ page }) => {
  await signUp(page, "Xia");
  const slow = await saveFlow(
    page,
    doc(
      "Slow one",
      [node("start", "start", 0), node("think", "agent", 300, { latencyMs: 2_500 }), node("end", "end", 600)],
      [edge("start", "think"), edge("think", "end")],
    ),
  );
  const quick = await saveFlow(
    page,
    doc("Quick one", [node("start", "start", 0), node("end", "end", 300)], [edge("start", "end")]),
  );
  await page.goto("/runs");
  await expect(page.getByText("No runs yet")).toBeVisible();

  // Started elsewhere (the API, a webhook, another tab): the open list picks it up without a reload.
  const { runId } = await trpc<{ runId: string }>(page, "runs.start", { flowId: slow, input: {} });
  const row = page.getByTestId(`run-row-${runId}`);
  await expect(row).toHaveAttribute("data-status", "running");
  await expect(row).toHaveAttribute("data-status", "succeeded", { timeout: 10_000 });
  await trpc(page, "runs.start", { flowId: quick, input: {} });
  await expect(page.locator("tbody tr")).toHaveCount(2);

  await page.getByLabel("Filter by flow").selectOption({ label: "Quick one" });
  await expect(page.locator("tbody tr")).toHaveCount(1);
  await expect(page.locator("tbody")).toContainText("Quick one");
  await page.getByLabel("Filter by flow").selectOption({ label: "All flows" });
  await page.getByRole("button", { name: "Failed" }).click();
  await expect(page.getByText("No run matches")).toBeVisible();
  await page.getByRole("button", { name: "Failed" }).click();
  await page.getByRole("button", { name: "Succeeded" }).click();
  await expect(page.locator("tbody tr")).toHaveCount(2);
  await page.locator("tbody tr").first().click();
  await expect(page).toHaveURL(/\/runs\/[^/?]+$/);
});
