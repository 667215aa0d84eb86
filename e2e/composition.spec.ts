import { expect, type Page, test } from "@playwright/test";
import { createFlow, editor, saveFlow, signUp, trpc } from "./app";

async function dropKind(page: Page, kind: string, x: number, y: number) {
  await page.getByTestId(`palette-${kind}`).dragTo(page.locator(".react-flow__pane"), { targetPosition: { x, y } });
}

async function publish(page: Page) {
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await page
    .getByRole("dialog")
    .getByRole("button", { name: /^Publish v\d+$/ })
    .click();
  await expect(page.getByTestId("version-status")).toContainText("published");
}

const node = (id: string, type: string, x: number, data: Record<string, unknown> = {}) => ({
  id,
  type,
  position: { x, y: 0 },
  data: { label: id, ...data },
});
const edge = (source: string, target: string) => ({
  id: `${source}-${target}`,
  source,
  sourceHandle: "out",
  target,
  targetHandle: "in",
});

test("build a parent that calls a child on the canvas, run it, watch the child from the parent, open it", async ({
  page,
}) => {
  await signUp(page, "Cora");
  // The child: a slow step, so its run can be watched while it works.
  const childId = await saveFlow(page, {
    name: "Slow greeter",
    schemaVersion: 1,
    description: "",
    nodes: [
      node("start", "start", 0),
      node("greet", "agent", 250, { provider: "mock", response: "Hello from the child", latencyMs: 1_500 }),
      node("end", "end", 500),
    ],
    edges: [edge("start", "greet"), edge("greet", "end")],
  } as { name: string });
  await trpc(page, "flows.publish", { id: childId, expectedVersion: 2, message: "first" });

  await createFlow(page, "Calls a greeter");
  const e = editor(page);
  await e.clickEdgeBetween("start", "end");
  await page.keyboard.press("Delete");
  await dropKind(page, "subflow", 260, 240);
  await e.node("subflow_1").click();
  const panel = page.getByTestId("config-panel");
  await panel.getByLabel("Search flows to call").fill("greeter");
  await panel.getByRole("button", { name: /Slow greeter/ }).click();
  await expect(panel).toContainText("Calls its newest published version (now v1).");
  await expect(e.node("subflow_1")).toContainText("calls Slow greeter · published");
  await page.getByRole("button", { name: "Close settings" }).click();
  await e.fitView();
  await e.connect("start", "subflow_1");
  await e.connect("subflow_1", "end");
  await expect(page.getByTestId("problems")).toContainText("Ready to run");

  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(e.node("subflow_1")).toHaveAttribute("data-status", "waiting");
  const child = e.node("subflow_1").getByTestId("child-run");
  await expect(child).toHaveAttribute("data-status", "running");
  await page.screenshot({ path: "test-results/screens/subflow-child-running.png" });
  await expect(child).toHaveAttribute("data-status", "succeeded");
  await expect(e.runStatus()).toHaveAttribute("data-status", "succeeded");

  await child.click();
  await expect(page).toHaveURL(/\/runs\/[^/]+$/);
  await expect(page.getByText("← the run that called it")).toBeVisible();
  await expect(page.getByText("Sub-flow call")).toBeVisible();
  await page.screenshot({ path: "test-results/screens/subflow-child-run.png" });
});

test("create a schedule in the Triggers panel, read it in words, and see it fire", async ({ page }) => {
  await signUp(page, "Sol");
  const flowId = (await createFlow(page, "Every second")).split("/").pop()!;
  await publish(page);
  await page.getByRole("button", { name: "Triggers" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Cron").fill("0 25 * * *");
  await expect(dialog.getByTestId("cron-reading")).toContainText("Invalid value for hour");
  await expect(dialog.getByRole("button", { name: "Add schedule" })).toBeDisabled();
  await dialog.getByLabel("Cron").fill("0 9 * * 1-5");
  await expect(dialog.getByTestId("cron-reading")).toContainText("At 09:00, Monday through Friday");
  await expect(dialog.getByRole("list", { name: "Next five times" }).getByRole("listitem")).toHaveCount(5);
  await dialog.getByLabel("Cron").fill("* * * * * *");
  await expect(dialog.getByTestId("cron-reading")).toContainText("Every second");
  await dialog.getByLabel("Time zone").selectOption("Europe/Berlin");
  await dialog.getByLabel("Run input (JSON)").fill('{ "from": "schedule" }');
  await dialog.getByRole("button", { name: "Add schedule" }).click();
  await expect(dialog.getByRole("list", { name: "This flow's schedules" })).toContainText("Every second");
  await page.screenshot({ path: "test-results/screens/triggers-schedule.png" });
  await expect(page.getByRole("button", { name: "Triggers" })).toContainText("1");

  await page.goto("/runs");
  await expect(page.getByRole("row").filter({ hasText: "Every second" }).first()).toContainText("Schedule", {
    timeout: 15_000,
  });
  await page.screenshot({ path: "test-results/screens/runs-schedule.png" });
  // Stop it: the specs after this one share the server.
  for (const s of await trpc<{ id: string }[]>(page, "schedules.list", { flowId }, "query"))
    await trpc(page, "schedules.remove", { id: s.id });
});

test("a forEach over a sub-flow shows each child by iteration; a wait says what it waits for and until when", async ({
  page,
}) => {
  await signUp(page, "Dara");
  const created = await trpc<{ id: string }>(page, "flows.create", { name: "Digest", template: "nightly-digest" });
  const { runId } = await trpc<{ runId: string }>(page, "runs.start", {
    flowId: created.id,
    input: { tickets: ["one", "two"] },
  });
  await page.goto(`/runs/${runId}`);
  await expect(page.getByTestId("run-view-status")).toHaveAttribute("data-status", "succeeded");
  const child = page.getByTestId("node-summarize").getByTestId("child-run");
  await expect(child).toHaveAttribute("data-status", "succeeded");
  const last = await child.getAttribute("href"); // the latest iteration's child is shown first
  await page.getByTestId("iterations-each").getByRole("button", { name: "Previous iteration" }).click();
  await expect(page.getByTestId("iterations-each")).toContainText("Iteration 1 of 2");
  await expect(child).not.toHaveAttribute("href", last!);
  await expect(child).toHaveAttribute("href", /\/runs\/[^/]+$/);

  const waiting = await saveFlow(page, {
    name: "Waits a day",
    schemaVersion: 1,
    description: "",
    nodes: [node("start", "start", 0), node("hold", "wait", 250, { timeoutMs: 86_400_000 }), node("end", "end", 500)],
    edges: [edge("start", "hold"), edge("hold", "end")],
  } as { name: string });
  const held = await trpc<{ runId: string }>(page, "runs.start", { flowId: waiting, input: {} });
  await page.goto(`/runs/${held.runId}`);
  await expect(page.getByTestId("run-view-status")).toHaveAttribute("data-status", "waiting");
  await page.getByTestId("node-hold").click();
  const inspector = page.getByTestId("inspector");
  await expect(inspector).toContainText("A POST to its resume URL");
  await expect(inspector).toContainText("/api/v1/resume/");
  await expect(inspector).toContainText("Gives up at");
  await page.screenshot({ path: "test-results/screens/run-view-wait.png" });
});
