import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { createFlow, freshEmail, PASSWORD, signUp } from "./app";

test("an owner invites a teammate with a link; the teammate joins, and the owner changes their role", async ({
  page,
  browser,
}) => {
  await signUp(page, "Nora");
  await createFlow(page, "Shared flow");
  await page.goto("/settings");
  await page.getByLabel("Role for the invite").selectOption("approver");
  await page.getByRole("button", { name: "Create invite link" }).click();
  const link = (await page.getByTestId("invite-url").first().textContent())!;
  expect(link).toMatch(/\/invite\/[\w-]+$/);
  await page.screenshot({ path: "test-results/screens/settings-team.png", fullPage: true });

  // The teammate opens the link in their own browser, creates an account on the way, and joins.
  const other = await browser.newContext();
  const mate = await other.newPage();
  await mate.goto(link);
  await expect(mate).toHaveURL(/\/sign-in\?next=/);
  await mate.getByRole("link", { name: "Create an account" }).click();
  const email = freshEmail("omar");
  await mate.getByLabel("Name").fill("Omar");
  await mate.getByLabel("Email").fill(email);
  await mate.getByLabel("Password").fill(PASSWORD);
  await mate.getByRole("button", { name: "Create account" }).click();
  await expect(mate.getByRole("heading", { name: /Join Nora/ })).toBeVisible();
  await expect(mate.getByText("approver")).toBeVisible();
  await mate.getByRole("button", { name: "Join workspace" }).click();
  await expect(mate).toHaveURL(/\/flows$/);
  await expect(mate.getByRole("list", { name: "Flows" })).toContainText("Shared flow");
  // An approver is not offered what only editors may do.
  await expect(mate.getByTestId("read-only-flows")).toContainText("As an approver");
  await expect(mate.getByRole("button", { name: /New flow|Import/ })).toHaveCount(0);
  await expect(mate.getByRole("button", { name: "Rename Shared flow" })).toHaveCount(0);

  // Back with the owner: the new member is listed; make them a viewer.
  await page.reload();
  const row = page.getByTestId(`member-${email}`);
  await expect(row).toContainText("Omar");
  await row.getByLabel("Role of Omar").selectOption("viewer");
  await mate.goto("/settings");
  await expect(mate.getByText("your role: viewer")).toBeVisible();
  await other.close();
});

test("an owner lets flows reach a private model server in Settings → Network", async ({ page }) => {
  await signUp(page, "Nadia");
  await page.goto("/settings");
  const list = page.getByLabel(/Private hosts, IP addresses or CIDR ranges/);
  await list.fill("ollama.lan\nhttp://gpu-box\n10.0.0.0/8");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Entry" })).toHaveText(
    'Entry 2: "http://gpu-box" is not a host name, an IP address or a CIDR range (leave out http:// and the port)',
  );
  await list.fill("ollama.lan\ngpu-box\n10.0.0.0/8");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Network settings saved" })).toBeVisible();
  await page.reload();
  await expect(list).toHaveValue("ollama.lan\ngpu-box\n10.0.0.0/8");
});

test("make an API token in Settings, drive the REST API with it, then revoke it", async ({ page, request }) => {
  await signUp(page, "Tove");
  await page.goto("/settings");
  await page.getByLabel("Token name").fill("CI deploys");
  await page.getByLabel("Token role").selectOption("viewer");
  await page.getByRole("button", { name: "Make token" }).click();
  const secret = (await page.getByTestId("new-token").textContent())!;
  expect(secret).toMatch(/^sy_/);
  await expect(page.getByRole("table", { name: "API tokens" })).toContainText("CI deploys");
  await page.screenshot({ path: "test-results/screens/settings-api-tokens.png" });

  const headers = { authorization: `Bearer ${secret}` };
  const flows = await request.get("/api/v1/flows", { headers });
  expect(flows.status()).toBe(200);
  expect((await flows.json()).flows).toEqual([]);
  // A viewer token may look, not create.
  const refused = await request.post("/api/v1/flows", { headers, data: { document: {} } });
  expect(refused.status()).toBe(403);

  await page.getByRole("button", { name: "Revoke CI deploys" }).click();
  await expect(page.getByRole("table", { name: "API tokens" })).toHaveCount(0);
  expect((await request.get("/api/v1/flows", { headers })).status()).toBe(401);

  // Both are in the audit log, and in its CSV.
  const audit = page.getByRole("table", { name: "Audit log" });
  await expect(audit).toContainText("token.revoked");
  await expect(audit).toContainText("token.created");
  await page.screenshot({ path: "test-results/screens/settings-audit-log.png", fullPage: true });
  // Settings → Runs: how long finished runs keep their steps; the change is in the log too.
  await page.getByLabel("Keep finished runs").selectOption("30");
  await expect(page.getByText("Finished runs keep their steps 30 days")).toBeVisible();
  await expect(audit).toContainText("runs.retention_set");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "CSV" }).click(),
  ]);
  const csv = readFileSync((await download.path())!, "utf8");
  expect(csv.split("\n")[0]).toBe("seq,at,actor,actorType,action,target,details,hash");
  expect(csv).toContain("token.revoked");
  expect(csv).toContain('"{""days"":30}"');
  expect(csv).not.toContain(secret);
});
