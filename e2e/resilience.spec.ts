import { expect, test } from "@playwright/test";
import { editor, signUp, trpc } from "./app";

test("order saga: shipping fails, the run view shows the steps undone; the Failed view lists it and retries it", async ({
  page,
}) => {
  await signUp(page, "Sagal");
  await page.getByRole("button", { name: "New flow" }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByText("Order saga with compensations").click();
  await dialog.getByRole("button", { name: "Create flow" }).click();
  const e = editor(page);
  await expect(e.node("refund")).toBeVisible();
  // Undo edges are drawn apart from the forward path.
  await expect(page.locator(".react-flow__edge.compensation-edge")).toHaveCount(2);
  await page.screenshot({ path: "test-results/screens/saga-editor.png" });

  await page.getByRole("button", { name: "Run", exact: true }).click();
  const ask = page.getByRole("dialog", { name: "Run with this input" });
  await ask.getByLabel("order").fill("A-7");
  await ask.getByLabel("failShipping").check();
  await ask.getByRole("button", { name: "Run" }).click();
  await expect(e.runStatus()).toHaveAttribute("data-status", "failed", { timeout: 15_000 });

  const flowId = page.url().split("/").pop()!.split("?")[0]!;
  const runs = await trpc<{ items: { id: string }[] }>(page, "runs.list", { flowId, page: 0, pageSize: 5 }, "query");
  const runId = runs.items[0]!.id;
  await page.goto(`/runs/${runId}`);
  await expect(page.getByTestId("run-view-status")).toHaveAttribute("data-status", "failed");
  await expect(page.getByTestId("compensation-phase")).toHaveText(/undid 2 steps/);
  await expect(page.getByTestId("node-refund")).toHaveAttribute("data-status", "succeeded");
  await expect(page.getByTestId("node-release")).toHaveAttribute("data-status", "succeeded");
  await page.screenshot({ path: "test-results/screens/saga-run.png" });
  // The Result tab: the run's input, its error and where it came from, each step's in and out.
  await page.getByRole("tab", { name: "Result" }).click();
  const results = page.getByTestId("results");
  await expect(results.getByTestId("json-run input")).toContainText('"A-7"');
  await expect(results.getByRole("alert")).toContainText("no courier available");
  await expect(results.getByTestId("result-charge")).toContainText("charge C-A-7");
  await expect(results.getByTestId("result-refund")).toContainText("refunded charge C-A-7 (failed)");
  await page.screenshot({ path: "test-results/screens/run-result.png" });
  await results.getByRole("button", { name: /From Ship/ }).click();
  await expect(page.getByTestId("inspector")).toContainText("Ship");
  // Steps that never started say so on a finished run.
  await expect(page.getByTestId("status-end")).toHaveText("Not run");

  // The Failed view lists it; once retried it leaves the view (its retry is where to look).
  await page.goto("/runs/failed");
  const row = page.getByTestId(`failed-${runId}`);
  await expect(row).toContainText("no courier available");
  await page.screenshot({ path: "test-results/screens/failed-view.png" });
  await row.getByRole("checkbox").check();
  await page.getByRole("button", { name: /^Retry 1/ }).click();
  await expect(page.getByRole("status").filter({ hasText: "1 retried" })).toBeVisible();
  await expect(row).toHaveCount(0);
});

test("Settings → Health shows the workspace's breakers and stalled runs, empty at first", async ({ page }) => {
  await signUp(page, "Hela");
  await page.goto("/settings#health");
  await expect(page.getByTestId("no-breakers")).toBeVisible();
  await page.getByText("Stalled runs").scrollIntoViewIfNeeded();
  await page.screenshot({ path: "test-results/screens/settings-health.png" });
});
