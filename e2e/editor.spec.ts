import { expect, type Page, test } from "@playwright/test";
import { createFlow, editor, signUp } from "./app";

/** Drags a kind from the palette and drops it at a point of the canvas. */
async function dropKind(page: Page, kind: string, x: number, y: number) {
  const pane = page.locator(".react-flow__pane");
  await page.getByTestId(`palette-${kind}`).dragTo(pane, { targetPosition: { x, y } });
}

test("build agent and approval steps from the palette, configure, undo, run and approve", async ({ page }) => {
  await signUp(page, "Grace");
  await createFlow(page, "Publish pipeline");
  const e = editor(page);

  // Make room: take the starter edge out, then drop an agent and an approval between start and end.
  await e.clickEdgeBetween("start", "end");
  await page.keyboard.press("Delete");
  await dropKind(page, "agent", 200, 90);
  await expect(e.node("agent_1")).toBeVisible();
  await dropKind(page, "approval", 120, 430);
  await expect(e.node("approval_1")).toBeVisible();
  await expect(page.getByTestId("problems")).toContainText("warning");

  // Configure the agent in its panel; a bad expression is flagged at the field and blocks Run.
  await e.node("agent_1").click();
  const panel = page.getByTestId("config-panel");
  await panel.getByLabel("Label", { exact: true }).fill("Writer");
  await expect(e.node("agent_1")).toContainText("Writer");
  await panel.getByLabel("Response").fill("Draft about {{ input.topic ");
  await expect(panel).toContainText("is not closed");
  await expect(page.getByTestId("problems-agent_1")).toHaveClass(/bg-red-500/); // the card carries an error badge
  await expect(page.getByRole("button", { name: "Run", exact: true })).toBeDisabled();
  await panel.getByLabel("Response").fill("Draft ready");

  // Undo and redo the label edit from the keyboard (outside text fields).
  await page.locator(".react-flow__pane").click({ position: { x: 20, y: 20 } });
  await page.keyboard.press("Control+z"); // the response edit
  await page.keyboard.press("Control+z"); // the label edit
  await expect(e.node("agent_1")).not.toContainText("Writer");
  await page.keyboard.press("Control+Shift+z");
  await expect(e.node("agent_1")).toContainText("Writer");
  await page.keyboard.press("Control+Shift+z");

  // Wire start → agent → approval → end (approved), with the whole flow in view.
  await expect(page.getByTestId("config-panel")).toHaveCount(0); // clicking the canvas closed it
  await e.fitView();
  await e.connect("start", "agent_1");
  await e.connect("agent_1", "approval_1");
  await e.connect("approval_1", "end", "approved");
  await expect(e.edges()).toHaveCount(3);
  await expect(page.getByTestId("problems")).toContainText("Ready to run");
  await page.screenshot({ path: "test-results/screens/editor-built.png" });

  // The requester cannot approve their own run unless the node allows it.
  await e.node("approval_1").click();
  await page.getByTestId("config-panel").getByLabel("The person who started the run may approve").check();
  await page.getByRole("button", { name: "Close settings" }).click();

  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(e.node("agent_1")).toHaveAttribute("data-status", "succeeded");
  await expect(e.node("approval_1")).toHaveAttribute("data-status", "waiting");
  await expect(e.runStatus()).toHaveAttribute("data-status", "waiting");
  await page.screenshot({ path: "test-results/screens/editor-run-waiting.png" });

  await page.getByTestId("approval-approval_1").getByRole("button", { name: "Approve" }).click();
  await expect(e.runStatus()).toHaveAttribute("data-status", "succeeded");
  await expect(e.node("end")).toHaveAttribute("data-status", "succeeded");

  // Reload: exactly what was saved.
  await page.reload();
  await expect(e.node("agent_1")).toContainText("Writer");
  await expect(e.edges()).toHaveCount(3);
});

test("turn a webhook on, call it from outside, turn it off", async ({ page, request }) => {
  await signUp(page, "Hana");
  await createFlow(page, "Hooked");
  await page.getByRole("button", { name: "Triggers" }).click();
  await page.getByRole("button", { name: "Turn on" }).click();
  const url = (await page.getByTestId("webhook-url").textContent())!;
  expect(url).toContain("/api/hooks/");
  await page.screenshot({ path: "test-results/screens/editor-webhook.png" });

  // Webhooks run the published version: until there is one, the address says so.
  const early = await request.post(url, { data: { hello: "world" } });
  expect(early.status()).toBe(409);
  expect((await early.json()).error).toMatch(/publish it first/);
  await page.keyboard.press("Escape");
  await page.getByRole("button", { name: "Publish" }).click();
  await page.getByRole("button", { name: "Publish v1" }).click();
  await expect(page.getByTestId("version-status")).toContainText("v1 · published");

  const res = await request.post(url, { data: { hello: "world" } });
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({ status: "succeeded", output: { hello: "world" } });
  await page.getByRole("button", { name: "Triggers" }).click();

  // Answer with the bare output instead, at the same address.
  await page.getByLabel("Body of the answer").selectOption("output");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByRole("button", { name: "Save settings" })).toHaveCount(0);
  await page.screenshot({ path: "test-results/screens/triggers-webhook.png" });
  const bare = await request.post(url, { data: { hello: "world" } });
  expect(await bare.json()).toEqual({ hello: "world" });

  await page.getByRole("button", { name: "Turn off" }).click();
  await expect(page.getByTestId("webhook-url")).toHaveCount(0);
  expect((await request.post(url, { data: {} })).status()).toBe(404);
});

test("duplicate, copy and paste nodes into another flow, and find the shortcuts", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await signUp(page, "Kai");
  await createFlow(page, "Source");
  const e = editor(page);
  await dropKind(page, "agent", 200, 90);
  await e.node("agent_1").click();
  await page.getByTestId("config-panel").getByLabel("Label", { exact: true }).fill("Writer");
  await page.locator(".react-flow__pane").click({ position: { x: 20, y: 20 } });

  await e.node("agent_1").click();
  await page.keyboard.press("Control+d");
  await expect(e.node("agent_2")).toContainText("Writer");
  await page.keyboard.press("Control+c");
  await expect(e.saveState()).toHaveText("All changes saved");

  await createFlow(page, "Target");
  await page.locator(".react-flow__pane").click({ position: { x: 20, y: 20 } });
  await page.keyboard.press("Control+v");
  await expect(e.node("agent_1")).toContainText("Writer");
  await expect(e.saveState()).toHaveText("All changes saved");

  await page.keyboard.press("?");
  await expect(page.getByRole("dialog", { name: "Keyboard shortcuts" })).toContainText("Duplicate the selection");
});

test("drop a node into a loop to make it part of the loop's body", async ({ page }) => {
  await signUp(page, "Lea");
  await createFlow(page, "Looping");
  const e = editor(page);
  await dropKind(page, "loop", 180, 60);
  await expect(e.node("loop_1")).toBeVisible();
  // An empty loop is an error, shown on its card.
  await expect(page.getByTestId("problems-loop_1")).toHaveClass(/bg-red-500/);
  await page.locator(".react-flow__pane").click({ position: { x: 5, y: 5 } });
  const box = (await e.node("loop_1").boundingBox())!;
  const pane = (await page.locator(".react-flow__pane").boundingBox())!;
  await dropKind(page, "transform", box.x - pane.x + 150, box.y - pane.y + box.height + 90);
  await expect(e.node("transform_1")).toBeVisible();
  await expect(page.getByTestId("problems-loop_1")).not.toHaveClass(/bg-red-500/);
  await page.screenshot({ path: "test-results/screens/editor-loop.png" });
});

test("drop a node onto an edge to insert it in between", async ({ page }) => {
  await signUp(page, "Noa");
  await createFlow(page, "Insert");
  const e = editor(page);
  const a = (await page.getByTestId("node-start").locator(".react-flow__handle.source").boundingBox())!;
  const b = (await page.getByTestId("node-end").locator(".react-flow__handle.target").boundingBox())!;
  const pane = (await page.locator(".react-flow__pane").boundingBox())!;
  await dropKind(page, "transform", (a.x + b.x + b.width) / 2 - pane.x, (a.y + b.y + b.height) / 2 - pane.y);
  await expect(e.node("transform_1")).toBeVisible();
  await expect(page.getByTestId("rf__edge-e_start_transform_1")).toHaveCount(1);
  await expect(page.getByTestId("rf__edge-e_transform_1_end")).toHaveCount(1);
  await expect(e.edges()).toHaveCount(2);
});

test("drag nodes into a loop and out again, box-select, and pick a reference from the scope", async ({ page }) => {
  await signUp(page, "Ivy");
  await createFlow(page, "Moving");
  const e = editor(page);
  const pane = page.locator(".react-flow__pane");
  const container = page.locator('.react-flow__node[data-id="loop_1"]');
  const centre = async (locator: typeof pane) => {
    const b = (await locator.boundingBox())!;
    return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
  };
  await dropKind(page, "loop", 180, 60);
  await pane.click({ position: { x: 5, y: 5 } });
  const paneBox = (await pane.boundingBox())!;
  const loopBox = (await container.boundingBox())!;
  await dropKind(page, "transform", 150, loopBox.y + loopBox.height - paneBox.y + 80);
  await pane.click({ position: { x: 5, y: 5 } });
  await expect(page.getByTestId("problems-loop_1")).toHaveClass(/bg-red-500/); // an empty loop

  // Into the loop's body: the loop is no longer empty.
  let from = await centre(e.node("transform_1"));
  const to = await centre(container);
  await e.dragNode("transform_1", to.x - from.x, to.y - from.y + 40);
  await expect(page.getByText("Moved Transform into Loop")).toBeVisible();
  await expect(page.getByTestId("problems-loop_1")).not.toHaveClass(/bg-red-500/);

  // What is in scope inside a forEach body: `item`, picked from the list into the expression.
  await e.node("transform_1").click();
  const panel = page.getByTestId("config-panel");
  await panel.getByLabel("Expression").fill("$count(");
  await panel.getByRole("button", { name: "Insert a reference" }).click();
  const picker = page.getByRole("dialog", { name: "What is in scope" });
  await expect(picker.getByRole("option")).toContainText(["input", "prev", "item", "index"]);
  await picker.getByLabel("Search the scope").fill("ite");
  await page.keyboard.press("Enter");
  await expect(panel.getByLabel("Expression")).toBeFocused();
  await page.keyboard.type(")");
  await expect(panel.getByLabel("Expression")).toHaveValue("$count(item)");
  await pane.click({ position: { x: 5, y: 5 } });

  // And out again, below the loop: the loop is empty once more. Undo puts it back inside.
  from = await centre(e.node("transform_1"));
  const box = (await container.boundingBox())!;
  await e.dragNode("transform_1", 0, box.y + box.height - from.y + 90);
  await expect(page.getByText("Moved Transform out of the loop")).toBeVisible();
  await expect(page.getByTestId("problems-loop_1")).toHaveClass(/bg-red-500/);
  await page.keyboard.press("Control+z");
  await expect(page.getByTestId("problems-loop_1")).not.toHaveClass(/bg-red-500/);

  // Box select (Shift + drag on the canvas) takes every node; Delete removes them, undo restores.
  await e.fitView();
  const all = (await pane.boundingBox())!;
  await page.keyboard.down("Shift");
  await page.mouse.move(all.x + 4, all.y + 4);
  await page.mouse.down();
  await page.mouse.move(all.x + all.width - 4, all.y + all.height - 4, { steps: 8 });
  await page.mouse.up();
  await page.keyboard.up("Shift");
  await expect(page.locator(".react-flow__node.selected")).toHaveCount(4);
  await page.keyboard.press("Delete");
  await expect(page.locator(".react-flow__node")).toHaveCount(0);
  await page.keyboard.press("Control+z");
  await expect(page.locator(".react-flow__node")).toHaveCount(4);
  await page.screenshot({ path: "test-results/screens/editor-box-select.png" });
});
