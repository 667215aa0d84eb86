import { readFileSync } from "node:fs";
import { type Browser, expect, type Page, test } from "@playwright/test";
import { signUp, trpc } from "./app";

interface Template {
  nodes: { id: string; type: string; data: Record<string, unknown> }[];
}

/** An owner (Alice, in group finance) and an approver (Bob, invited), each in their own browser. */
async function team(page: Page, browser: Browser) {
  await signUp(page, "Alice");
  const invite = await trpc<{ token: string }>(page, "team.createInvite", { role: "approver" });
  const bobContext = await browser.newContext();
  const bob = await bobContext.newPage();
  await signUp(bob, "Bob");
  await trpc(bob, "team.acceptInvite", { token: invite.token });
  const me = await trpc<{ user: { id: string } }>(page, "me.get", undefined, "query");
  const group = await trpc<{ id: string }>(page, "team.createGroup", { name: "finance" });
  await trpc(page, "team.setGroupMembers", { id: group.id, userIds: [me.user.id] });
  return { bob, close: () => bobContext.close() };
}

/** The multi-level approval template as a flow of Alice's; `tune` may shorten its deadlines. */
async function templateFlow(page: Page, tune?: (doc: Template) => void) {
  const flow = await trpc<{ id: string; version: number }>(page, "flows.create", {
    name: "Offsite budget",
    template: "escalating-approval",
  });
  if (tune) {
    const saved = await trpc<{ document: Template }>(page, "flows.get", { id: flow.id }, "query");
    tune(saved.document);
    await trpc(page, "flows.save", { id: flow.id, expectedVersion: flow.version, document: saved.document });
  }
  return flow.id;
}

const startRun = (page: Page, flowId: string) =>
  trpc<{ runId: string }>(page, "runs.start", { flowId, input: { amount: 4800, purpose: "Team offsite" } });

test("multi-level approval: the approver approves from a live inbox, the owner rejects with a comment", async ({
  page,
  browser,
}) => {
  const { bob, close } = await team(page, browser);
  const flowId = await templateFlow(page);
  await bob.goto("/inbox");
  await expect(bob.getByTestId("inbox-empty")).toContainText("Nothing waits for you");

  // Alice starts the run: Bob's inbox shows the task without a reload, with a toast and a badge.
  const { runId } = await startRun(page, flowId);
  await expect(bob.getByRole("status").filter({ hasText: "New approval request" })).toBeVisible();
  await expect(bob.getByTestId("inbox-badge")).toHaveText(/^1/);
  const row = bob.getByTestId("task-row").first();
  await expect(row).toContainText("Approve Team offsite (4800 €)?");
  await row.click();
  const detail = bob.getByTestId("task-detail");
  await expect(detail.getByTestId("review-table")).toContainText("4,800");
  await expect(detail.getByTestId("review-table")).toContainText("Team offsite");
  await expect(detail).toContainText("Requested by");
  await expect(detail).toContainText("Alice");
  await expect(detail.getByTestId("approvals-count")).toHaveText("0 of 1");
  await expect(detail.getByTestId("deadline")).toContainText("left");
  await bob.screenshot({ path: "test-results/screens/inbox-task.png" });

  // Rejecting needs a comment: "r" with none goes to the comment box; the button says why.
  await bob.keyboard.press("r");
  await expect(detail.getByLabel(/Comment/)).toBeFocused();
  await detail.getByLabel(/Comment/).blur();
  await detail.getByRole("button", { name: /Reject/ }).click();
  await expect(detail.getByRole("alert")).toHaveText("Say why you reject: a comment is required.");
  // Enter in a field never decides; "a" picks Approve and Enter confirms.
  await detail.getByLabel("Cost center").fill("CC-42");
  await detail.getByLabel("Cost center").press("Enter");
  await expect(detail.getByTestId("approvals-count")).toHaveText("0 of 1");
  await detail.getByLabel(/Comment/).fill("Within budget");
  await detail.getByLabel(/Comment/).blur();
  await bob.keyboard.press("a");
  await expect(detail.getByRole("button", { name: /Approve/ })).toBeFocused();
  await bob.keyboard.press("Enter");
  await expect(bob.getByRole("status").filter({ hasText: "Approved" })).toBeVisible();
  await expect(bob.getByTestId("inbox-empty")).toBeVisible();

  // Alice, the owner, now has the final sign-off; she started the run so she may only reject.
  await page.goto("/inbox");
  await page.getByTestId("task-row").filter({ hasText: "Final sign-off" }).click();
  const aliceDetail = page.getByTestId("task-detail");
  await expect(aliceDetail.getByRole("button", { name: /Approve/ })).toBeDisabled();
  await expect(aliceDetail.getByTestId("review-table")).toContainText("Within budget");
  await expect(aliceDetail.getByTestId("review-table")).toContainText("CC-42");
  // r goes to the comment; Enter there is a new line, Esc leaves it, Ctrl+Enter rejects.
  await page.keyboard.press("r");
  const comment = aliceDetail.getByLabel(/Comment/);
  await expect(comment).toBeFocused();
  await comment.pressSequentially("Not this");
  await comment.press("Escape");
  await expect(aliceDetail.getByRole("button", { name: /Reject/ })).toBeFocused();
  await comment.click();
  await comment.press("End");
  await comment.pressSequentially(" quarter");
  await comment.press("Control+Enter");
  await expect(page.getByRole("status").filter({ hasText: "Rejected" })).toBeVisible();

  // The history keeps both decisions with their comments and form values.
  await bob.getByRole("tab", { name: /Decided/ }).click();
  await bob.getByTestId("task-row").first().click();
  await expect(bob.getByTestId("decisions")).toContainText("Bob");
  await expect(bob.getByTestId("decisions")).toContainText("Within budget");
  await expect(bob.getByTestId("decisions")).toContainText("Cost center: CC-42");

  // The run took the rejected end, and its view opens at the approval step from the task.
  await page.getByRole("tab", { name: /Decided/ }).click();
  await page.getByTestId("task-row").filter({ hasText: "Final sign-off" }).click();
  await expect(page.getByTestId("decisions")).toContainText("Not this quarter");
  await page.screenshot({ path: "test-results/screens/inbox-decided.png" });
  await page.getByRole("link", { name: "View the run at this step" }).click();
  await expect(page).toHaveURL(new RegExp(`/runs/${runId}\\?node=director`));
  await expect(page.getByTestId("run-view-status")).toHaveAttribute("data-status", "succeeded");
  const run = await trpc<{ output: unknown }>(page, "runs.get", { id: runId }, "query");
  expect(run.output).toBe("rejected");

  // Exported with the run: the event log and every decision with its comment and form values.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export" }).click(),
  ]);
  const exported = JSON.parse(readFileSync((await download.path())!, "utf8"));
  expect(
    exported.approvals.map((a: { decisions: { by: { name: string }; decision: string }[] }) => a.decisions[0]),
  ).toMatchObject([
    { by: { name: "Bob" }, decision: "approve", comment: "Within budget", form: { costCenter: "CC-42" } },
    { by: { name: "Alice" }, decision: "reject", comment: "Not this quarter" },
  ]);
  expect(exported.events.filter((e: { type: string }) => e.type === "approval.decided")).toHaveLength(2);
  await close();
});

test("a deadline passes: the task escalates to the finance group, live in both inboxes", async ({ page, browser }) => {
  const { bob, close } = await team(page, browser);
  const flowId = await templateFlow(page, (doc) => {
    const manager = doc.nodes.find((n) => n.id === "manager")!;
    manager.data.timeout = { afterMs: 2_000, action: "reject", escalate: [{ groups: ["finance"], afterMs: 600_000 }] };
  });
  await bob.goto("/inbox");
  await page.goto("/inbox");
  await startRun(page, flowId);

  // Bob has it first; Alice (not an approver) does not.
  await expect(bob.getByTestId("task-row")).toHaveCount(1);
  await expect(page.getByTestId("inbox-empty")).toBeVisible();

  // Two seconds later nobody decided: it leaves Bob's inbox and lands in Alice's, as finance's.
  await expect(bob.getByTestId("inbox-empty")).toBeVisible({ timeout: 10_000 });
  await expect(page.getByTestId("task-row")).toHaveCount(1, { timeout: 10_000 });
  await expect(page.getByTestId("task-row")).toContainText("escalated");
  await page.getByTestId("task-row").click();
  const detail = page.getByTestId("task-detail");
  await expect(detail.getByTestId("assignees")).toHaveText("finance");
  await expect(detail.getByTestId("escalations")).toContainText("escalated to finance");
  await expect(detail.getByTestId("deadline")).toContainText("min");
  await page.screenshot({ path: "test-results/screens/inbox-escalated.png" });
  await close();
});

test("the inbox is keyboard friendly: j and k move through the tasks", async ({ page, browser }) => {
  const { bob, close } = await team(page, browser);
  const flowId = await templateFlow(page);
  await startRun(page, flowId);
  await trpc(page, "runs.start", { flowId, input: { amount: 120, purpose: "Books" } });
  await bob.goto("/inbox");
  const rows = bob.getByTestId("task-row");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toHaveAttribute("aria-current", "true");
  await bob.keyboard.press("j");
  await expect(rows.nth(1)).toHaveAttribute("aria-current", "true");
  await expect(bob.getByTestId("task-detail").getByRole("heading", { level: 2 })).toHaveText(
    await rows.nth(1).locator("span").first().innerText(),
  );
  await bob.keyboard.press("k");
  await expect(rows.nth(0)).toHaveAttribute("aria-current", "true");
  // Arrow keys move between the tabs.
  await bob.getByRole("tab", { name: /Assigned to me/ }).focus();
  await bob.keyboard.press("ArrowRight");
  await expect(bob.getByRole("tab", { name: /Decided/ })).toHaveAttribute("aria-selected", "true");
  await expect(bob.getByRole("tabpanel")).toContainText("No decisions yet");
  await close();
});

test("a long inbox pages through its tasks, fifty at a time", async ({ page }) => {
  await signUp(page, "Paula");
  const flowId = await templateFlow(page);
  for (let i = 0; i < 51; i++)
    await trpc(page, "runs.start", { flowId, input: { amount: i + 1, purpose: `Item ${i + 1}` } });
  await page.goto("/inbox?tab=all");
  const rows = page.getByTestId("task-row");
  await expect(rows).toHaveCount(50);
  await expect(page.getByTestId("count-all")).toHaveText("51");
  const pages = page.getByRole("navigation", { name: "Pages" });
  await pages.getByRole("button", { name: "Next" }).click();
  await expect(rows).toHaveCount(1);
  await expect(pages).toContainText("51–51");
  await pages.getByRole("button", { name: "Previous" }).click();
  await expect(rows).toHaveCount(50);
});

test("a run waiting on an approval links to its task in the inbox", async ({ page }) => {
  await signUp(page, "Rita");
  const flowId = await templateFlow(page);
  const { runId } = await startRun(page, flowId);
  await page.goto(`/runs/${runId}`);
  await page.getByTestId("approval-manager").getByRole("link", { name: "Open in inbox" }).click();
  await expect(page).toHaveURL(/\/inbox\?run=/);
  await expect(page.getByTestId("task-detail").getByRole("heading", { level: 2 })).toHaveText(
    "Approve Team offsite (4800 €)?",
  );
});

test("a decision taken elsewhere while you write keeps what you wrote and says who decided", async ({
  page,
  browser,
}) => {
  const { bob, close } = await team(page, browser);
  const flowId = await templateFlow(page, (doc) => {
    const manager = doc.nodes.find((n) => n.id === "manager")!;
    manager.data.assignees = { users: [], roles: [], groups: [] }; // anyone who may decide
  });
  await startRun(page, flowId);
  await bob.goto("/inbox");
  await bob.getByTestId("task-row").first().click();
  const detail = bob.getByTestId("task-detail");
  await detail.getByLabel(/Comment/).fill("Looks fine, but check the venue deposit");

  // Alice rejects it from her inbox meanwhile.
  await page.goto("/inbox?tab=all");
  await page.getByTestId("task-row").first().click();
  await page
    .getByTestId("task-detail")
    .getByLabel(/Comment/)
    .fill("Over budget");
  await page
    .getByTestId("task-detail")
    .getByRole("button", { name: /Reject/ })
    .click();
  await expect(page.getByRole("status").filter({ hasText: "Rejected" })).toBeVisible();

  const kept = bob.getByTestId("draft-not-sent");
  await expect(kept).toContainText("Your decision was not sent. Alice rejected it");
  await expect(kept).toContainText("Looks fine, but check the venue deposit");
  await close();
});
