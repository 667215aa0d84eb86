import { expect, type Page } from "@playwright/test";

let counter = 0;
/** An email nobody used yet in this run of the suite. */
export const freshEmail = (who: string) => `${who}-${Date.now()}-${counter++}@example.com`;
export const PASSWORD = "correct horse battery";

export async function signUp(page: Page, name: string, email = freshEmail(name.toLowerCase())) {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/flows$/);
  return email;
}

export async function signIn(page: Page, email: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Creates a flow from the flows list and waits for its editor. Returns the flow's URL. */
export async function createFlow(page: Page, name: string): Promise<string> {
  await page.goto("/flows");
  await page.getByRole("button", { name: "New flow" }).first().click();
  await page.getByRole("dialog").getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create flow" }).click();
  await expect(page).toHaveURL(/\/flows\/[^/]+$/);
  await expect(editor(page).node("start")).toBeVisible();
  return page.url();
}

/** The editor page, as a user sees it. */
export function editor(page: Page) {
  return {
    node: (id: string) => page.getByTestId(`node-${id}`),
    edges: () => page.locator(".react-flow__edge"),
    saveState: () => page.getByTestId("save-state"),
    runStatus: () => page.getByTestId("run-status"),
    async connect(source: string, target: string, sourceHandle?: string) {
      const handles = page.getByTestId(`node-${source}`).locator(".react-flow__handle.source");
      const from = sourceHandle ? handles.and(page.locator(`[data-handleid="${sourceHandle}"]`)) : handles.first();
      const to = page.getByTestId(`node-${target}`).locator(".react-flow__handle.target").first();
      const a = (await from.boundingBox())!;
      const b = (await to.boundingBox())!;
      await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
      await page.mouse.down();
      await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
      await page.mouse.up();
    },
    async fitView() {
      await page.getByRole("button", { name: "Fit View" }).click();
    },
    /** Clicks the middle of the straight edge between two side-by-side nodes. */
    async clickEdgeBetween(source: string, target: string) {
      const a = (await page.getByTestId(`node-${source}`).locator(".react-flow__handle.source").first().boundingBox())!;
      const b = (await page.getByTestId(`node-${target}`).locator(".react-flow__handle.target").first().boundingBox())!;
      await page.mouse.click((a.x + a.width + b.x) / 2, (a.y + b.y + b.height) / 2);
    },
    async dragNode(id: string, dx: number, dy: number) {
      const box = (await page.getByTestId(`node-${id}`).boundingBox())!;
      await page.mouse.move(box.x + 40, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + 40 + dx, box.y + box.height / 2 + dy, { steps: 10 });
      await page.mouse.up();
    },
  };
}

/** Calls a tRPC procedure as the signed-in user of `page` (for setting up what a spec needs). */
export async function trpc<T = unknown>(
  page: Page,
  path: string,
  input: unknown,
  kind: "query" | "mutation" = "mutation",
) {
  const url = `/api/trpc/${path}`;
  // Playwright's request API sends no Origin; the app refuses a mutation without one.
  const origin = new URL(page.url()).origin;
  const res =
    kind === "query"
      ? await page.request.get(`${url}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`)
      : await page.request.post(url, { data: { json: input }, headers: { origin } });
  const body = await res.json();
  if (!res.ok()) throw new Error(`${path}: ${JSON.stringify(body)}`);
  return body.result.data.json as T;
}

/** Creates a flow with this document through the API and returns its id. */
export async function saveFlow(page: Page, document: { name: string }): Promise<string> {
  const { id } = await trpc<{ id: string }>(page, "flows.create", { name: document.name });
  await trpc(page, "flows.save", { id, expectedVersion: 1, document });
  return id;
}
