import type { CDPSession, Page } from "@playwright/test";
import type { FlowDocument, FlowEdge, FlowNode } from "../lib/flow/document";
import { nodeKind } from "../lib/flow/kinds";
import { startAppInBrowser } from "./browser-app";

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 5);
const DRAG_MS = 2000;
const COLS = 20;
const ROWS = 25; // 20 × 25 = 500 nodes

/**
 * start → 498 transform / agent (mock) / branch nodes → end, on a 20 × 25 grid: each row is a
 * chain that carries on in the next row, and each branch's "else" drops to the node below it.
 */
function bigFlow(): FlowDocument {
  const last = COLS * ROWS - 1;
  const id = (k: number) => (k === 0 ? "start" : k === last ? "end" : `n${k}`);
  const kinds = ["transform", "agent", "transform", "branch", "transform"] as const;
  const nodes: FlowNode[] = [];
  const edges: FlowEdge[] = [];
  const edge = (from: number, handle: string, to: number) =>
    edges.push({ id: `e${edges.length}`, source: id(from), sourceHandle: handle, target: id(to), targetHandle: "in" });
  for (let k = 0; k <= last; k++) {
    const type = k === 0 ? "start" : k === last ? "end" : kinds[k % kinds.length]!;
    const kind = nodeKind(type);
    const data = kind.defaultData() as Record<string, unknown>;
    if ("label" in data) data.label = `${kind.title} ${k}`;
    nodes.push({ id: id(k), type, position: { x: (k % COLS) * 320, y: Math.floor(k / COLS) * 180 }, data });
    if (type === "end") continue;
    if (type !== "branch") edge(k, "out", k + 1);
    else {
      edge(k, "yes", k + 1);
      edge(k, "else", Math.min(k + COLS, last));
    }
  }
  return { schemaVersion: 1, name: "500 nodes", description: "", nodes, edges };
}

/**
 * Runs in the page before its own scripts: marks `__ready` (ms since navigation start) on the
 * first frame painted after every node is measured (React Flow keeps a node hidden until then)
 * and every edge is drawn, and sums long tasks so a slow load can be told apart.
 */
function watchLoad(expected: { nodes: number; edges: number }) {
  const w = window as unknown as { __ready?: number; __longTasks: number };
  w.__longTasks = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.__longTasks += e.duration;
  }).observe({ type: "longtask", buffered: true });
  const check = () => {
    const nodes = document.querySelectorAll<HTMLElement>(".react-flow__node");
    const done =
      nodes.length === expected.nodes &&
      [...nodes].every((n) => n.style.visibility !== "hidden") &&
      document.querySelectorAll(".react-flow__edge").length === expected.edges;
    // rAF runs before the paint; a task queued from it runs after.
    if (done) setTimeout(() => (w.__ready = performance.now()));
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}

const quantile = <T>(sorted: T[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const ms = (n: number) => `${n.toFixed(0).padStart(5)} ms`;

/** Opens the editor and returns when the flow is painted, with where the time went. */
async function open(page: Page, cdp: CDPSession, url: string) {
  await page.goto(url);
  await page.waitForFunction(() => (window as { __ready?: number }).__ready !== undefined, null, { timeout: 60_000 });
  // Chrome's own counters (in s), which restart with each document: script, style, layout.
  const { metrics } = await cdp.send("Performance.getMetrics");
  const busy = (name: string) => (metrics.find((m) => m.name === name)?.value ?? 0) * 1000;
  const timings = await page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
    const flowGet = (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).find((r) =>
      r.name.includes("flows.get"),
    );
    const w = window as unknown as { __ready: number; __longTasks: number };
    return {
      ready: w.__ready,
      html: nav.responseEnd,
      domContentLoaded: nav.domContentLoadedEventEnd,
      flowFetched: flowGet?.responseEnd ?? Number.NaN,
      longTasks: w.__longTasks,
    };
  });
  return {
    ...timings,
    script: busy("ScriptDuration"),
    style: busy("RecalcStyleDuration"),
    layout: busy("LayoutDuration"),
  };
}

/** The canvas zoom and how many nodes overlap the visible canvas. */
const view = (page: Page) =>
  page.evaluate(() => {
    const pane = document.querySelector(".react-flow")!.getBoundingClientRect();
    const onScreen = [...document.querySelectorAll(".react-flow__node")].filter((n) => {
      const r = n.getBoundingClientRect();
      return r.right > pane.left && r.left < pane.right && r.bottom > pane.top && r.top < pane.bottom;
    }).length;
    const transform = document.querySelector<HTMLElement>(".react-flow__viewport")!.style.transform;
    return `zoom ${Number(transform.match(/scale\(([\d.]+)\)/)?.[1]).toFixed(2)}, ${onScreen} nodes on screen`;
  });

/**
 * Drags the node nearest the middle of the canvas back and forth for DRAG_MS, one pointer move
 * per 16 ms (a move waits for the page to take it, so a busy page slows the pointer too), and
 * counts the frames the page paints meanwhile.
 */
async function dragFps(page: Page) {
  const target = await page.evaluate(() => {
    const pane = document.querySelector(".react-flow")!.getBoundingClientRect();
    const distance = (n: Element) => {
      const r = n.getBoundingClientRect();
      return Math.hypot(r.x + r.width / 2 - (pane.x + pane.width / 2), r.y + r.height / 2 - (pane.y + pane.height / 2));
    };
    const nodes = [...document.querySelectorAll(".react-flow__node")].sort((a, b) => distance(a) - distance(b));
    return nodes[0]!.getAttribute("data-id")!;
  });
  const node = page.locator(`.react-flow__node[data-id="${target}"]`);
  const box = (await node.boundingBox())!;
  // The card's top strip: its label, clear of the handles on its sides.
  const x = box.x + box.width / 2;
  const y = box.y + Math.min(20, box.height / 2);
  await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __counting: boolean };
    w.__frames = [];
    w.__counting = true;
    const tick = (t: number) => {
      if (!w.__counting) return;
      w.__frames.push(t);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await page.mouse.move(x, y);
  await page.mouse.down();
  const t0 = performance.now();
  for (let i = 1; performance.now() - t0 < DRAG_MS; i++) {
    const phase = (i * 16) / 500; // one back-and-forth every 2 × 500 ms
    await page.mouse.move(x + 150 * Math.sin(phase * Math.PI), y + 60 * Math.sin(phase * 2 * Math.PI));
    const wait = t0 + i * 16 - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  await page.mouse.move(x + 100, y + 40);
  await page.mouse.up();
  const frames = await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __counting: boolean };
    w.__counting = false;
    return w.__frames;
  });
  const moved = (await node.boundingBox())!;
  // Not a target, a sanity check: if the node did not move, the figures would mean nothing.
  if (Math.abs(moved.x - box.x) < 20) throw new Error(`dragging ${target} did not move it`);
  const gaps = frames.slice(1).map((t, i) => t - frames[i]!);
  return {
    fps: (gaps.length * 1000) / (frames.at(-1)! - frames[0]!),
    longest: Math.max(...gaps),
  };
}

let app: Awaited<ReturnType<typeof startAppInBrowser>> | undefined;
try {
  app = await startAppInBrowser();
  const { server, context, api } = app;
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Performance.enable");

  const doc = bigFlow();
  const created = await api.flows.create.mutate({ name: doc.name });
  const saved = await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });
  // A valid flow, as a real one would be: problem badges would change what is drawn.
  if (saved.problems.length > 0) throw new Error(`the generated flow has problems: ${saved.problems[0]!.message}`);
  await page.addInitScript(watchLoad, { nodes: doc.nodes.length, edges: doc.edges.length });
  const url = `${server.url}/flows/${created.id}`;

  console.log(
    `Switchyard editor, production build, headless Chromium 1280×800, ${doc.nodes.length} nodes, ${doc.edges.length} edges`,
  );
  const cold = await open(page, cdp, url); // first visit: nothing cached
  const loads = [];
  for (let i = 0; i < SAMPLES; i++) loads.push(await open(page, cdp, url));
  loads.sort((a, b) => a.ready - b.ready);
  const median = quantile(loads, 0.5);
  console.log(
    `E1 500-node flow opens (${SAMPLES} visits)   median ${ms(median.ready)}   p95 ${ms(quantile(loads, 0.95).ready)}   first visit ${ms(cold.ready)}`,
  );
  console.log(
    `   median visit: HTML ${ms(median.html)} · DOMContentLoaded ${ms(median.domContentLoaded)} · flow fetched ${ms(median.flowFetched)} · painted ${ms(median.ready)} · long tasks ${ms(median.longTasks)}`,
  );
  console.log(
    `   Chrome's busy time in that visit: script ${ms(median.script)} · style ${ms(median.style)} · layout ${ms(median.layout)}`,
  );

  // Fit View stops at React Flow's minimum zoom (0.5), so it shows part of a flow this big.
  await page.getByRole("button", { name: "Fit View" }).click();
  await page.waitForTimeout(500); // let the view settle
  const fitted = await view(page);
  const e2 = await dragFps(page);
  console.log(
    `E2 drag a node, Fit View (${fitted})   ${e2.fps.toFixed(0)} fps (longest frame ${e2.longest.toFixed(0)} ms)`,
  );
  // Close up: few nodes to paint, but React Flow still tracks all 500.
  for (let i = 0; i < 4; i++) await page.getByRole("button", { name: "Zoom In" }).click();
  await page.waitForTimeout(500);
  const close = await view(page);
  const e3 = await dragFps(page);
  console.log(
    `E3 drag a node, zoomed in (${close})   ${e3.fps.toFixed(0)} fps (longest frame ${e3.longest.toFixed(0)} ms)`,
  );
  // Reference: the same drag in a new 2-node flow, to tell the big flow's cost from this machine's.
  const small = await api.flows.create.mutate({ name: "2 nodes" });
  const plain = await context.newPage();
  await plain.goto(`${server.url}/flows/${small.id}`);
  await plain.getByTestId("node-end").waitFor();
  const ref = await dragFps(plain);
  console.log(
    `   reference: the same drag in a 2-node flow   ${ref.fps.toFixed(0)} fps (longest frame ${ref.longest.toFixed(0)} ms)`,
  );
} finally {
  await app?.browser.close();
  await app?.server.stop(); // its files go when the process exits
}
