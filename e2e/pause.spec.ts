import { expect, test } from "@playwright/test";
import { signUp, trpc } from "./app";

const node = (id: string, type: string, x: number, data: Record<string, unknown> = {}) => ({
  id,
  type,
  position: { x, y: 0 },
  data: { label: id, ...data },
});

test("pause a run from the run view: the step under way finishes, the next waits; resume finishes the run", async ({
  page,
}) => {
  await signUp(page, "Paula");
  const flow = await trpc<{ id: string; version: number }>(page, "flows.create", { name: "Two slow steps" });
  const document = {
    schemaVersion: 1,
    name: "Two slow steps",
    description: "",
    nodes: [
      node("start", "start", 0),
      // Parks until its resume URL is called: the test decides when the step under way finishes.
      node("first", "wait", 320, {}),
      node("second", "agent", 640, { response: "second done", latencyMs: 300 }),
      node("end", "end", 960),
    ],
    edges: [
      { id: "e1", source: "start", sourceHandle: "out", target: "first", targetHandle: "in" },
      { id: "e2", source: "first", sourceHandle: "out", target: "second", targetHandle: "in" },
      { id: "e3", source: "second", sourceHandle: "out", target: "end", targetHandle: "in" },
    ],
  };
  await trpc(page, "flows.save", { id: flow.id, expectedVersion: flow.version, document });
  const { runId } = await trpc<{ runId: string }>(page, "runs.start", { flowId: flow.id, input: {} });
  await page.goto(`/runs/${runId}`);
  const status = page.getByTestId("run-view-status");
  await expect(page.getByTestId("node-first")).toHaveAttribute("data-status", "waiting");
  await page.getByRole("button", { name: "Pause" }).click();
  await expect(status).toHaveAttribute("data-status", "paused");
  // The step under way finishes (its callback arrives); the next one does not start while paused.
  const events = await trpc<{ type: string; data: { resumeUrl?: string } }[]>(
    page,
    "runs.events",
    { id: runId },
    "query",
  );
  const resumeUrl = events.find((e) => e.type === "wait.started")!.data.resumeUrl!;
  expect((await page.request.post(resumeUrl, { data: { signed: true } })).status()).toBe(202);
  await expect(page.getByTestId("node-first")).toHaveAttribute("data-status", "succeeded");
  await expect(status).toHaveAttribute("data-status", "paused");
  await expect(page.getByTestId("node-second")).not.toHaveAttribute("data-status", "running");
  await page.screenshot({ path: "test-results/screens/run-paused.png" });
  await page.getByRole("button", { name: "Resume" }).click();
  await expect(status).toHaveAttribute("data-status", "succeeded");
  await expect(page.getByTestId("node-second")).toHaveAttribute("data-status", "succeeded");
});
