import { expect, type Page, test } from "@playwright/test";
import { createFlow, editor, signUp } from "./app";

async function dropKind(page: Page, kind: string, x: number, y: number) {
  await page.getByTestId(`palette-${kind}`).dragTo(page.locator(".react-flow__pane"), { targetPosition: { x, y } });
}

async function publish(page: Page, version: number, message: string) {
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("What changed").fill(message);
  await dialog.getByRole("button", { name: `Publish v${version}` }).click();
  await expect(page.getByTestId("version-status")).toContainText(`v${version} · published by Vera`);
}

test("publish, change the draft while a webhook runs the published version, diff, restore and undo", async ({
  page,
  request,
}) => {
  await signUp(page, "Vera");
  const flowUrl = await createFlow(page, "Invoices");
  const e = editor(page);
  await expect(page.getByTestId("version-status")).toHaveText("Draft · never published");

  await publish(page, 1, "Start to end");
  await page.getByRole("button", { name: "Triggers" }).click();
  await page.getByLabel("Answer", { exact: true }).selectOption("sync");
  await page.getByRole("button", { name: "Turn on" }).click();
  const url = (await page.getByTestId("webhook-url").textContent())!;
  await page.keyboard.press("Escape");

  // The draft grows a transform between start and end; the header says it differs from v1.
  await e.clickEdgeBetween("start", "end");
  await page.keyboard.press("Delete");
  await dropKind(page, "transform", 260, 300);
  await e.fitView();
  await e.connect("start", "transform_1");
  await e.connect("transform_1", "end");
  await e.node("transform_1").click();
  await page.getByTestId("config-panel").getByLabel("Expression").fill('{ "total": prev.amount * 2 }');
  await page.getByRole("button", { name: "Close settings" }).click();
  await expect(e.saveState()).toHaveText("All changes saved");
  await expect(page.getByTestId("version-status")).toHaveText("Draft · changed since v1");

  // The webhook still runs v1: its output is the input, untouched by the draft's transform.
  const res = await request.post(url, { data: { amount: 12 } });
  expect(await res.json()).toMatchObject({ status: "succeeded", output: { amount: 12 } });

  // History: v1, by Vera; its diff against the draft marks the new node on the canvas and lists it.
  await page.getByRole("button", { name: "Version history" }).click();
  await expect(page.getByTestId("versions")).toContainText("Start to end");
  await expect(page.getByTestId("versions")).toContainText("Vera");
  await page.getByRole("link", { name: "Diff" }).click();
  await expect(page.getByTestId("viewing-version")).toHaveText("v1 · read-only");
  await expect(page.locator(".react-flow__node.diff-added")).toHaveCount(1);
  await expect(page.getByTestId("diff-list")).toContainText("Added nodes (1)");
  await expect(page.getByTestId("diff-list")).toContainText("transform_1");
  await page.screenshot({ path: "test-results/screens/versions-diff.png" });

  // Restore v1 into the draft, then undo it: one step each way.
  await page.getByRole("button", { name: "Restore into draft" }).click();
  await expect(page).toHaveURL(flowUrl);
  await expect(e.node("transform_1")).toHaveCount(0);
  await expect(e.saveState()).toHaveText("All changes saved");
  await expect(page.getByTestId("version-status")).toContainText("v1 · published");
  await page.locator(".react-flow__pane").click({ position: { x: 20, y: 20 } });
  await page.keyboard.press("Control+z");
  await expect(e.node("transform_1")).toBeVisible();
  await expect(page.getByTestId("version-status")).toHaveText("Draft · changed since v1");

  // Publishing again moves the webhook on to v2, and the history lists both, newest first.
  await expect(e.saveState()).toHaveText("All changes saved");
  await publish(page, 2, "Shape the amount");
  expect(await (await request.post(url, { data: { amount: 12 } })).json()).toMatchObject({ output: { total: 24 } });
  await page.getByRole("button", { name: "Version history" }).click();
  await expect(page.getByTestId("versions").locator("li")).toHaveCount(2);
  await expect(page.getByTestId("versions").locator("li").first()).toContainText("Shape the amount");
  await page.screenshot({ path: "test-results/screens/versions-history.png" });
});
