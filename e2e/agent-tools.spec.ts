import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { editor, signUp, trpc } from "./app";

test("research template: the email call waits in the approver's inbox, the approver fixes the recipient and approves, the transcript shows it live", async ({
  page,
  browser,
}) => {
  // The mail service the template's send_email tool posts to.
  const mails: { to: string; subject: string; body: string }[] = [];
  const mail = createServer((req, res) => {
    let text = "";
    req.on("data", (c) => (text += c));
    req.on("end", () => {
      mails.push(JSON.parse(text));
      res.writeHead(202, { "content-type": "application/json" }).end('{"id":"m-1"}');
    });
  });
  await new Promise<void>((resolve) => mail.listen(0, "127.0.0.1", resolve));
  const mailApi = `http://127.0.0.1:${(mail.address() as AddressInfo).port}/v1/send`;

  // Alice owns the workspace; Bob approves.
  await signUp(page, "Alice");
  const invite = await trpc<{ token: string }>(page, "team.createInvite", { role: "approver" });
  const bobContext = await browser.newContext();
  const bob = await bobContext.newPage();
  await signUp(bob, "Bob");
  await trpc(bob, "team.acceptInvite", { token: invite.token });

  await page.goto("/flows");
  await page.getByRole("button", { name: "New flow" }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByText("Research agent with an approved email").click();
  await dialog.getByRole("button", { name: "Create flow" }).click();
  const e = editor(page);
  await expect(e.node("research")).toBeVisible();

  // The agent's tools, as the editor shows them.
  await e.node("research").click();
  const panel = page.getByTestId("config-panel");
  await expect(panel.getByLabel("Name").nth(0)).toHaveValue("search");
  await expect(panel.getByText("Each call waits for approval in the inbox").last()).toBeVisible();
  await panel.getByText("Each call waits for approval in the inbox").last().scrollIntoViewIfNeeded();
  await page.screenshot({ path: "test-results/screens/agent-tools-editor.png" });

  await page.getByRole("button", { name: "Run", exact: true }).click();
  const ask = page.getByRole("dialog", { name: "Run with this input" });
  await ask.getByLabel("topic").fill("heat pumps in cold climates");
  await ask.getByLabel("recipient").fill("team@example.com");
  await ask.getByLabel("mailApi").fill(mailApi);
  await ask.getByRole("button", { name: "Run" }).click();
  await expect(e.runStatus()).toHaveAttribute("data-status", "waiting", { timeout: 15_000 });

  // Alice watches the run view: the transcript has the search, and the email waiting.
  const flowId = page.url().split("/").pop()!.split("?")[0]!;
  const runs = await trpc<{ items: { id: string }[] }>(page, "runs.list", { flowId, page: 0, pageSize: 5 }, "query");
  await page.goto(`/runs/${runs.items[0]!.id}`);
  await page.getByTestId("node-research").click();
  const transcript = page.getByTestId("transcript");
  await expect(transcript.getByTestId("tool-call-c1_1")).toContainText("search");
  await expect(transcript.getByTestId("tool-call-c1_1")).toContainText("3 sources on heat pumps");
  await expect(transcript.getByTestId("tool-call-c2_1").getByTestId("call-waiting")).toBeVisible();
  await transcript.getByTestId("tool-call-c2_1").scrollIntoViewIfNeeded();
  await page.screenshot({ path: "test-results/screens/agent-transcript-waiting.png" });

  // Bob's inbox: the call, its arguments and the conversation.
  await bob.goto("/inbox");
  const row = bob.getByTestId("task-row").first();
  await expect(row).toContainText("Send “Research: heat pumps in cold climates” to team@example.com?");
  await row.click();
  const detail = bob.getByTestId("task-detail");
  await expect(detail.getByTestId("tool-call")).toContainText("send_email");
  await expect(detail.getByTestId("conversation")).toContainText("Research heat pumps in cold climates");
  const to = detail.getByLabel("Argument to");
  await expect(to).toHaveValue("team@example.com");
  await to.fill("research@example.com");
  await bob.screenshot({ path: "test-results/screens/inbox-tool-call.png", fullPage: true });
  await detail.getByRole("button", { name: /Approve/ }).click();
  await expect(bob.getByRole("status").filter({ hasText: "Approved" })).toBeVisible();

  // Alice's transcript follows without a reload: approved by Bob with edited arguments, the result, the answer.
  const call = transcript.getByTestId("tool-call-c2_1");
  await expect(call.getByTestId("call-decision")).toContainText("Approved by Bob with edited arguments");
  await expect(call).toContainText("202");
  await expect(page.getByTestId("run-view-status")).toHaveAttribute("data-status", "succeeded");
  await expect(transcript.getByTestId("turn-3")).toContainText("Email: sent");
  expect(mails).toHaveLength(1);
  expect(mails[0]).toMatchObject({ to: "research@example.com", subject: "Research: heat pumps in cold climates" });
  await call.scrollIntoViewIfNeeded();
  await page.screenshot({ path: "test-results/screens/agent-transcript-done.png" });

  // The timeline nests the calls in the agent's bar.
  await page.getByRole("tab", { name: "Timeline" }).click();
  await expect(page.getByTestId("call-bar-c1_1")).toBeVisible();
  await expect(page.getByTestId("call-bar-c2_1")).toBeVisible();
  await page.screenshot({ path: "test-results/screens/agent-timeline.png" });

  await bobContext.close();
  mail.close();
});
