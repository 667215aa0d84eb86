import { expect, test } from "@playwright/test";
import type { FlowDocument } from "../lib/flow/document";
import { newFlowDocument } from "../lib/flow/document";
import { createFlow, editor, freshEmail, signIn, signUp, trpc } from "./app";

test("sign up, build a flow, save, reload, run and watch both nodes succeed", async ({ page }) => {
  await signUp(page, "Ada");
  await expect(page.getByRole("heading", { name: "Create your first flow" })).toBeVisible();
  await page.screenshot({ path: "test-results/screens/flows-empty.png" });

  await createFlow(page, "Contract review");
  const e = editor(page);
  await expect(e.edges()).toHaveCount(1);

  // Remove the starter edge, then draw it again by hand.
  await e.clickEdgeBetween("start", "end");
  await page.keyboard.press("Delete");
  await expect(e.edges()).toHaveCount(0);
  await expect(e.saveState()).toHaveText("Unsaved changes");
  await e.connect("start", "end");
  await expect(e.edges()).toHaveCount(1);
  await e.dragNode("end", 60, 120);

  await page.keyboard.press("Control+s");
  await expect(e.saveState()).toHaveText("All changes saved");
  const endBox = await e.node("end").boundingBox();

  await page.reload();
  await expect(e.node("end")).toBeVisible();
  await expect(e.edges()).toHaveCount(1);
  await expect(page.getByTestId("version-status")).toHaveText("Draft · never published");
  const reloadedBox = await e.node("end").boundingBox();
  // fitView may rescale; the end node is still below the start node as it was saved.
  const startBox = await e.node("start").boundingBox();
  expect(reloadedBox!.y).toBeGreaterThan(startBox!.y + 40);
  expect(endBox).not.toBeNull();

  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(e.runStatus()).toHaveAttribute("data-status", "succeeded");
  await expect(e.node("start")).toHaveAttribute("data-status", "succeeded");
  await expect(e.node("end")).toHaveAttribute("data-status", "succeeded");
  await page.screenshot({ path: "test-results/screens/editor-run-succeeded.png" });
});

test("a second account cannot open the first one's flow", async ({ browser }) => {
  const ada = await browser.newPage();
  await signUp(ada, "Ada");
  const url = await createFlow(ada, "Private plans");

  const bobContext = await browser.newContext();
  const bob = await bobContext.newPage();
  await signUp(bob, "Bob");
  await bob.goto(url);
  await expect(bob.getByTestId("not-found")).toBeVisible();
  await expect(bob.getByText("Private plans")).toHaveCount(0);
  await bob.screenshot({ path: "test-results/screens/flow-not-found.png" });
  await bobContext.close();
});

test("rename and delete a flow from the list", async ({ page }) => {
  await signUp(page, "Cleo");
  await createFlow(page, "Old name");
  await page.goto("/flows");
  await page.getByRole("button", { name: "Rename Old name" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill("New name");
  await dialog.getByRole("button", { name: "Rename" }).click();
  await expect(page.getByRole("link", { name: "New name" })).toBeVisible();
  await page.screenshot({ path: "test-results/screens/flows-list.png" });

  await page.getByRole("button", { name: "Delete New name" }).click();
  await expect(page.getByRole("dialog")).toContainText("cannot be undone");
  await page.getByRole("button", { name: "Delete flow" }).click();
  await expect(page.getByRole("heading", { name: "Create your first flow" })).toBeVisible();
});

test("two tabs: the stale save is refused, nothing is overwritten, and the user keeps theirs as a copy", async ({
  browser,
}) => {
  const context = await browser.newContext();
  const first = await context.newPage();
  await signUp(first, "Dana");
  const url = await createFlow(first, "Shared");
  const second = await context.newPage();
  await second.goto(url);
  await expect(editor(second).node("start")).toBeVisible();

  // Edits save by themselves a moment later.
  await editor(first).dragNode("end", 0, 150);
  await expect(editor(first).saveState()).toHaveText("All changes saved");

  await editor(second).dragNode("start", 0, -150);
  const choice = second.getByRole("dialog", { name: "This flow changed elsewhere" });
  await expect(choice).toBeVisible();
  await expect(second.getByTestId("save-error")).toContainText("Someone changed this flow");
  await second.screenshot({ path: "test-results/screens/editor-stale-save.png" });

  await first.reload();
  // Theirs was not overwritten: what is saved is the first tab's draft (start where it was, end moved).
  const flowId = url.split("/").pop()!;
  const saved = await trpc<{ version: number; document: FlowDocument }>(first, "flows.get", { id: flowId }, "query");
  expect(saved.version).toBe(2);
  expect(saved.document.nodes.find((n) => n.id === "start")!.position).toEqual(
    newFlowDocument("Shared").nodes.find((n) => n.id === "start")!.position,
  );

  await choice.getByRole("button", { name: "Keep mine as a copy" }).click();
  await expect(second).not.toHaveURL(url);
  await expect(second.getByRole("heading", { name: "Shared (my copy)" })).toBeVisible();
  await context.close();
});

test("an ended session sends you to sign in, and back to where you were", async ({ page, context }) => {
  const email = freshEmail("eve");
  await signUp(page, "Eve", email);
  const url = await createFlow(page, "Come back here");
  await context.clearCookies();
  await page.goto(url);
  await expect(page).toHaveURL(/\/sign-in\?next=/);
  await page.screenshot({ path: "test-results/screens/sign-in.png" });
  await signIn(page, email);
  await expect(page).toHaveURL(url);
  await expect(editor(page).node("start")).toBeVisible();
});

test("a session the server no longer accepts also sends you to sign in and back", async ({
  page,
  context,
  baseURL,
}) => {
  const email = freshEmail("finn");
  await signUp(page, "Finn", email);
  const url = await createFlow(page, "Still mine");
  await context.clearCookies();
  // A cookie is present (so the page loads) but names no session: the API refuses it.
  await context.addCookies([{ name: "better-auth.session_token", value: "revoked.session", url: baseURL! }]);
  await page.goto(url);
  await expect(page).toHaveURL(/\/sign-in\?next=/);
  await signIn(page, email);
  await expect(page).toHaveURL(url);
  await expect(editor(page).node("start")).toBeVisible();
});
