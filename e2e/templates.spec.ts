import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { editor, signUp } from "./app";

test("create a flow from the parallel research template, run it, and watch the analysts work at once", async ({
  page,
}) => {
  await signUp(page, "Iris");
  await page.getByRole("button", { name: "New flow" }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByText("Parallel research synthesis").click();
  await expect(dialog.getByLabel("Name")).toHaveValue("Parallel research synthesis");
  await page.screenshot({ path: "test-results/screens/new-flow-templates.png" });
  await dialog.getByRole("button", { name: "Create flow" }).click();

  const e = editor(page);
  await expect(e.node("synthesis")).toBeVisible();
  await page.getByRole("button", { name: "Run", exact: true }).click();
  // The start node declares a required question: Run asks for it first.
  const ask = page.getByRole("dialog", { name: "Run with this input" });
  await ask.getByRole("button", { name: "Run" }).click();
  await expect(ask.getByRole("alert")).toContainText("question");
  await ask.getByLabel("question").fill("Should we expand to Lisbon?");
  await ask.getByRole("button", { name: "Run" }).click();
  // The three analysts run side by side (their mock latencies differ), then the join and the synthesis.
  await expect(e.node("market")).toHaveAttribute("data-status", "running");
  await expect(e.node("finance")).toHaveAttribute("data-status", /running|succeeded/);
  await expect(e.node("risk")).toHaveAttribute("data-status", "running");
  await expect(e.runStatus()).toHaveAttribute("data-status", "succeeded", { timeout: 15_000 });
  await expect(e.node("join")).toHaveAttribute("data-status", "succeeded");
  await page.screenshot({ path: "test-results/screens/template-run.png" });
});

test("export a flow, import it back, and see the problems of a broken file", async ({ page }, testInfo) => {
  await signUp(page, "Jun");
  await page.getByRole("button", { name: "New flow" }).first().click();
  await page.getByRole("dialog").getByText("Customer-service routing").click();
  await page.getByRole("dialog").getByRole("button", { name: "Create flow" }).click();
  await expect(editor(page).node("route")).toBeVisible();

  const download = page.waitForEvent("download");
  await page.getByLabel("Export").click();
  await page.getByRole("button", { name: "Flow file (JSON)" }).click();
  const file = testInfo.outputPath("routing.json");
  await (await download).saveAs(file);
  const exported = JSON.parse(readFileSync(file, "utf8"));
  expect(exported).toMatchObject({ schemaVersion: 1, name: "Customer-service routing" });

  // The same document as YAML, imported back as a flow of its own.
  const yamlDownload = page.waitForEvent("download");
  await page.getByLabel("Export").click();
  await page.getByRole("button", { name: "Flow file (YAML)" }).click();
  const yamlFile = testInfo.outputPath("routing.yaml");
  await (await yamlDownload).saveAs(yamlFile);
  expect(readFileSync(yamlFile, "utf8")).toContain("name: Customer-service routing");
  await page.goto("/flows");
  await page.getByTestId("import-file").setInputFiles(yamlFile);
  await expect(editor(page).node("route")).toBeVisible();

  await page.goto("/flows");
  await page.getByTestId("import-file").setInputFiles({
    name: "broken.json",
    mimeType: "application/json",
    buffer: Buffer.from(
      JSON.stringify({
        ...exported,
        nodes: [...exported.nodes, { id: "x", type: "teleport", position: { x: 0, y: 0 }, data: {} }],
      }),
    ),
  });
  await expect(page.getByRole("dialog")).toContainText("This file was not imported");
  await expect(page.getByTestId("import-problems")).toContainText('nodes[7].type unknown node kind "teleport"');
  await page.screenshot({ path: "test-results/screens/import-problems.png" });
  await page.getByRole("dialog").getByRole("button", { name: "Close" }).click();

  await page.getByTestId("import-file").setInputFiles(file);
  await expect(page).toHaveURL(/\/flows\/[^/]+$/);
  await expect(editor(page).node("classify")).toBeVisible();
});

test("auto-layout lays a flow out left to right, loops around their bodies, and undo puts it back", async ({
  page,
}) => {
  await signUp(page, "Mo");
  await page.getByRole("button", { name: "New flow" }).first().click();
  await page.getByRole("dialog").getByText("Iterative content refinement").click();
  await page.getByRole("dialog").getByRole("button", { name: "Create flow" }).click();
  const e = editor(page);
  await expect(e.node("evaluate")).toBeVisible();
  const before = await e.node("end").boundingBox();

  await page.getByRole("button", { name: "Auto-layout" }).click();
  await expect(e.saveState()).toHaveText(/Unsaved changes|Saving…|All changes saved/);
  await page.waitForTimeout(500); // the fit-view animation
  const boxes = await Promise.all(
    ["start", "draft", "refine", "end"].map(async (id) => (await e.node(id).boundingBox())!),
  );
  for (let i = 1; i < boxes.length; i++) expect(boxes[i]!.x).toBeGreaterThan(boxes[i - 1]!.x + boxes[i - 1]!.width - 1);
  const evaluate = (await e.node("evaluate").boundingBox())!;
  const improve = (await e.node("improve").boundingBox())!;
  expect(improve.x).toBeGreaterThan(evaluate.x + evaluate.width - 1); // the body, left to right, inside the loop
  await page.screenshot({ path: "test-results/screens/editor-auto-layout.png" });

  await page.locator(".react-flow__pane").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("Control+z");
  await page.getByRole("button", { name: "Fit View" }).click();
  await expect.poll(async () => JSON.stringify(await e.node("end").boundingBox())).not.toBe(JSON.stringify(boxes[3]));
  expect(before).not.toBeNull();
});
