import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { BrowserContext, Page } from "@playwright/test";
import type { FlowDocument, FlowEdge, FlowNode } from "../lib/flow/document";
import { type NodeType, nodeKind } from "../lib/flow/kinds";
import { REPLAY_PAGE, type RunEvent } from "../lib/run/events";
import { startAppInBrowser } from "./browser-app";

const R1_AGENTS = 40;
const R2_ITEMS = 1_000;
const R2_CHAIN = 193; // start, gate, loop, 3 body nodes, 193 transforms, end: 200 nodes
const SCREENS = process.env.BENCH_SCREENS ?? path.join(tmpdir(), "switchyard-run-view-bench");

type Api = ReturnType<import("../server/testing/server-process").ServerProcess["client"]>;

/** A node of the given kind with its defaults, a label and some overrides. */
function node(
  id: string,
  type: NodeType,
  x: number,
  y: number,
  data: Record<string, unknown> = {},
  parentId?: string,
): FlowNode {
  const kind = nodeKind(type);
  const defaults = kind.defaultData() as Record<string, unknown>;
  return {
    id,
    type,
    position: { x, y },
    data: { ...defaults, label: `${kind.title} ${id}`, ...data },
    ...(parentId && { parentId }),
  };
}

/** Joins the nodes one after the other. */
function chain(ids: string[], edges: FlowEdge[]) {
  for (let i = 1; i < ids.length; i++)
    edges.push({
      id: `e${edges.length}`,
      source: ids[i - 1]!,
      sourceHandle: "out",
      target: ids[i]!,
      targetHandle: "in",
    });
}

/**
 * R1: start → a 3 s mock agent (the page opens and goes live meanwhile) → 40 mock agents of
 * 60 ms each, one after the other → end. Only the 40 are measured.
 */
function sequentialFlow(): FlowDocument {
  const nodes = [node("start", "start", 0, 0), node("slow", "agent", 320, 0, { latencyMs: 3_000, response: "ok" })];
  for (let k = 1; k <= R1_AGENTS; k++)
    nodes.push(
      node(`a${k}`, "agent", ((k - 1) % 8) * 320, 180 * (1 + Math.floor((k - 1) / 8)), {
        latencyMs: 60,
        response: "ok",
      }),
    );
  nodes.push(node("end", "end", 8 * 320, 180 * 6));
  const edges: FlowEdge[] = [];
  chain(
    nodes.map((n) => n.id),
    edges,
  );
  return { schemaVersion: 1, name: "40 agents in a row", description: "", nodes, edges };
}

/**
 * R2: start → a 5 s mock agent (so the page is live before the loop starts) → a forEach loop
 * over 1,000 items, 10 at a time, whose body is 3 transforms → 193 transforms in a row → end.
 * The first transform after the loop sums the loop's output, so the chain passes a number on.
 */
function bigFlow(): FlowDocument {
  const nodes = [
    node("start", "start", 0, 0),
    node("gate", "agent", 320, 0, { latencyMs: 5_000, response: "go" }),
    node("loop", "loop", 640, 0, {
      mode: "forEach",
      items: `[1..${R2_ITEMS}]`,
      concurrency: 10,
      maxIterations: R2_ITEMS,
    }),
    node("b1", "transform", 40, 130, { expression: "item * 2" }, "loop"),
    node("b2", "transform", 340, 130, { expression: "prev + index" }, "loop"),
    node("b3", "transform", 640, 130, { expression: '{ "i": index, "v": prev }' }, "loop"),
  ];
  const chained = ["start", "gate", "loop"];
  for (let k = 1; k <= R2_CHAIN; k++) {
    const id = `c${k}`;
    nodes.push(
      node(id, "transform", ((k - 1) % 16) * 320, 460 + 180 * Math.floor((k - 1) / 16), {
        expression: k === 1 ? "$sum(prev.v)" : "prev + 1",
      }),
    );
    chained.push(id);
  }
  nodes.push(node("end", "end", 16 * 320, 460 + 180 * Math.ceil(R2_CHAIN / 16)));
  chained.push("end");
  const edges: FlowEdge[] = [];
  chain(chained, edges);
  chain(["b1", "b2", "b3"], edges);
  return { schemaVersion: 1, name: "200 nodes, 1,000-item loop", description: "", nodes, edges };
}

interface Change {
  /** The element's data-testid, e.g. "node-a3" or "run-view-status". */
  id: string;
  status: string;
  /** When the attribute changed (MutationObserver), on the page's clock in ms since 1970. */
  changed: number;
  /** The next animation frame after the change. */
  frame: number;
  /** When the main thread finished the rendering step that drew the change (the task after it). */
  drawn: number;
  /** Whether the change happened inside a rendering step (a rAF callback or the microtasks after it). */
  inFrame: boolean;
}

interface Watch {
  changes: Change[];
  /** [start, duration] of every long task, start on the page's clock in ms since 1970. */
  longTasks: [number, number][];
  /** Every animation frame's time, on the page's clock. */
  frames: number[];
  /** seq → when a live `run:events` message carrying it arrived over the socket. */
  arrivals: Record<number, number>;
  /** Date.now() minus the clock above, to check both agree. */
  skew: () => number;
}

/**
 * Runs in the page before its own scripts. Records every `data-status` change with the time of
 * the next animation frame, long tasks, and frames; with `socket`, when each live event arrives
 * over the socket. rAF is wrapped (not changed) to know when a change is made inside a frame:
 * then it is drawn by that frame, and the task posted from its first callback runs just after.
 */
function watchPage(options: { socket: boolean }) {
  const clock = () => performance.timeOrigin + performance.now();
  const watch = {
    changes: [] as Change[],
    longTasks: [] as [number, number][],
    frames: [] as number[],
    arrivals: {} as Record<number, number>,
    skew: () => Date.now() - clock(),
  };
  (window as unknown as { __watch: Watch }).__watch = watch;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) watch.longTasks.push([performance.timeOrigin + e.startTime, e.duration]);
  }).observe({ type: "longtask", buffered: true });

  const nativeFrame = window.requestAnimationFrame.bind(window);
  const afterFrame = new MessageChannel();
  let inFrame = false;
  let drawnThisFrame: Change[] = [];
  afterFrame.port1.onmessage = () => {
    inFrame = false;
    const t = clock();
    for (const c of drawnThisFrame) c.drawn = t;
    drawnThisFrame = [];
  };
  window.requestAnimationFrame = (callback) =>
    nativeFrame((t) => {
      if (!inFrame) {
        inFrame = true;
        afterFrame.port2.postMessage(0);
      }
      callback(t);
    });
  const tick = () => {
    watch.frames.push(clock());
    window.requestAnimationFrame(tick);
  };
  window.requestAnimationFrame(tick);

  let waiting: Change[] = [];
  new MutationObserver((records) => {
    const t = clock();
    const fresh: Change[] = [];
    for (const r of records) {
      const el = r.target as HTMLElement;
      const id = el.dataset.testid;
      const status = el.dataset.status;
      if (!id || !status || status === r.oldValue) continue;
      const change = { id, status, changed: t, frame: 0, drawn: 0, inFrame };
      watch.changes.push(change);
      fresh.push(change);
      if (inFrame) drawnThisFrame.push(change);
    }
    if (fresh.length === 0) return;
    if (waiting.length === 0)
      window.requestAnimationFrame(() => {
        const now = clock();
        for (const c of waiting) {
          c.frame = now;
          if (!c.inFrame) drawnThisFrame.push(c); // drawn by this frame
        }
        waiting = [];
      });
    waiting.push(...fresh);
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-status"], attributeOldValue: true });

  if (options.socket) {
    // socket.io over a WebSocket: a live batch is the text `42["run:events",[…]]` (replays are acks, 43…).
    window.WebSocket = new Proxy(window.WebSocket, {
      construct(target, args) {
        const socket = Reflect.construct(target, args) as WebSocket;
        socket.addEventListener("message", (e) => {
          if (typeof e.data !== "string" || !e.data.startsWith('42["run:events"')) return;
          const t = clock();
          const [, events] = JSON.parse(e.data.slice(2)) as [string, { seq: number }[]];
          for (const event of events) watch.arrivals[event.seq] = t;
        });
        return socket;
      },
    });
  }
}

const collect = (page: Page) =>
  page.evaluate(() => {
    const w = (window as unknown as { __watch: Watch }).__watch;
    return { changes: w.changes, longTasks: w.longTasks, frames: w.frames, arrivals: w.arrivals, skew: w.skew() };
  });

/** Every stored event of the run (the API gives them a page at a time). */
async function allEvents(api: Api, runId: string): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  for (;;) {
    const page = await api.runs.events.query({ id: runId, afterSeq: events.at(-1)?.seq ?? 0 });
    events.push(...page);
    if (page.length < REPLAY_PAGE) return events;
  }
}

async function waitForRunEnd(api: Api, runId: string, timeoutMs: number) {
  for (const until = Date.now() + timeoutMs; Date.now() < until; ) {
    const run = await api.runs.get.query({ id: runId });
    if (["succeeded", "failed", "cancelled"].includes(run.status)) return run.status;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`run ${runId} did not end in ${timeoutMs / 1000} s`);
}

async function createFlow(api: Api, doc: FlowDocument) {
  const created = await api.flows.create.mutate({ name: doc.name });
  const saved = await api.flows.save.mutate({ id: created.id, expectedVersion: 1, document: doc });
  if (saved.problems.length > 0) throw new Error(`the generated flow has problems: ${saved.problems[0]!.message}`);
  return created.id;
}

async function newPage(context: BrowserContext, socket: boolean) {
  const page = await context.newPage();
  await page.addInitScript(watchPage, { socket });
  return page;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const median = (values: number[]) =>
  quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
const p95 = (values: number[]) =>
  quantile(
    [...values].sort((a, b) => a - b),
    0.95,
  );
const ms = (n: number) => `${n.toFixed(0)} ms`;
const s = (n: number) => `${(n / 1000).toFixed(1)} s`;

const statusOf: Record<string, string> = { "node.started": "running", "node.succeeded": "succeeded" };

/** R1: commit → painted status for 40 nodes, each going running then succeeded. */
async function eventToPaint(api: Api, context: BrowserContext, url: string) {
  const doc = sequentialFlow();
  const flowId = await createFlow(api, doc);
  const page = await newPage(context, true);
  const { runId } = await api.runs.start.mutate({ flowId, input: {} });
  await page.goto(`${url}/runs/${runId}`);
  await page.getByTestId("run-view-status").and(page.locator('[data-status="succeeded"]')).waitFor({ timeout: 60_000 });
  await page.waitForTimeout(300); // the last frames
  const seen = await collect(page);
  const events = await allEvents(api, runId);
  await page.close();

  const measured = new Set(Array.from({ length: R1_AGENTS }, (_, k) => `a${k + 1}`));
  const samples: { arrived: number; dom: number; frame: number; drawn: number; inFrame: boolean }[] = [];
  let notLive = 0;
  let unseen = 0;
  for (const e of events) {
    if (!("nodeId" in e) || !measured.has(e.nodeId) || !statusOf[e.type]) continue;
    const arrived = seen.arrivals[e.seq];
    if (arrived === undefined) {
      notLive++; // replayed when the page connected: not a live update
      continue;
    }
    const change = seen.changes.find((c) => c.id === `node-${e.nodeId}` && c.status === statusOf[e.type]);
    if (!change?.frame) {
      unseen++; // e.g. running and succeeded folded in the same frame: "running" never showed
      continue;
    }
    const at = Date.parse(e.at);
    samples.push({
      arrived: arrived - at,
      dom: change.changed - at,
      frame: change.frame - at,
      drawn: (change.drawn || change.frame) - at,
      inFrame: change.inFrame,
    });
  }
  const pick = (k: keyof (typeof samples)[number]) => samples.map((x) => Number(x[k]));
  const frame = pick("frame");
  console.log(
    `R1 event committed → status painted   median ${ms(median(frame))}   p95 ${ms(p95(frame))} (${samples.length} samples)`,
  );
  const skipped = [notLive && `${notLive} replayed on connect`, unseen && `${unseen} never shown`].filter(Boolean);
  console.log(
    `   median after the event's \`at\`: on the socket ${ms(median(pick("arrived")))} · in the DOM ${ms(median(pick("dom")))} · next animation frame ${ms(median(frame))}` +
      ` · end of the frame that drew it ${ms(median(pick("drawn")))} (p95 ${ms(p95(pick("drawn")))})`,
  );
  console.log(
    `   ${samples.filter((x) => x.inFrame).length} of ${samples.length} changes were made inside a frame (so drawn by it, a frame before the "next" one)` +
      `${skipped.length ? `; left out: ${skipped.join(", ")}` : ""}; page clock − Date.now() ${(-seen.skew).toFixed(1)} ms`,
  );
}

/** R2: the big run, watched live from its start; the Events tab is opened while it runs. */
async function bigRun(api: Api, context: BrowserContext, url: string) {
  const doc = bigFlow();
  const flowId = await createFlow(api, doc);
  const page = await newPage(context, true);
  const cdp = await context.newCDPSession(page);
  await cdp.send("Performance.enable");
  const { runId } = await api.runs.start.mutate({ flowId, input: {} });
  const opened = Date.now();
  await page.goto(`${url}/runs/${runId}`);
  // Live: the page shows the gate's status (a slow page may first see it already succeeded).
  await page.locator('[data-testid="node-gate"]:is([data-status="running"], [data-status="succeeded"])').waitFor({
    timeout: 60_000,
  });
  const liveAt = Date.now();

  // Into the loop: wait until a good part of it has gone by, then open the Events tab.
  await page.getByTestId("node-loop").and(page.locator('[data-status="running"]')).waitFor({ timeout: 30_000 });
  await page.waitForFunction(
    () => /Iteration \d+ of/.test(document.querySelector('[data-testid="iterations-loop"]')?.textContent ?? ""),
    null,
    { timeout: 30_000 },
  );
  await page.waitForTimeout(1_000);
  mkdirSync(SCREENS, { recursive: true });
  const timelineShot = path.join(SCREENS, "r2-timeline-mid-run.png");
  await page.screenshot({ path: timelineShot });
  await page.evaluate(() => {
    const w = window as unknown as { __tab: { pressed?: number; rows?: number; status?: string } };
    w.__tab = {};
    document.addEventListener(
      "pointerdown",
      (e) => {
        w.__tab.pressed ??= performance.timeOrigin + e.timeStamp;
        w.__tab.status = document.querySelector('[data-testid="run-view-status"]')?.getAttribute("data-status") ?? "";
        const check = () => {
          if (document.querySelector('ul[aria-label="Events"] li'))
            w.__tab.rows = performance.timeOrigin + performance.now();
          else requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      },
      { capture: true, once: true },
    );
  });
  const clickStart = Date.now();
  await page.getByRole("tab", { name: "Events" }).click();
  const clickCall = Date.now() - clickStart;
  await page.locator('ul[aria-label="Events"] li').first().waitFor({ timeout: 30_000 });
  await page.waitForFunction(() => (window as unknown as { __tab: { rows?: number } }).__tab.rows !== undefined);
  const tab = await page.evaluate(
    () => (window as unknown as { __tab: { pressed: number; rows: number; status: string } }).__tab,
  );
  const eventsShot = path.join(SCREENS, "r2-events-mid-run.png");
  await page.screenshot({ path: eventsShot });

  const status = await waitForRunEnd(api, runId, 300_000);
  let caughtUp = true;
  try {
    await page
      .getByTestId("run-view-status")
      .and(page.locator(`[data-status="${status}"]`))
      .waitFor({ timeout: 60_000 });
  } catch {
    caughtUp = false;
  }
  await page.waitForTimeout(500);
  const endShot = path.join(SCREENS, "r2-end.png");
  await page.screenshot({ path: endShot });
  const seen = await collect(page);
  const { metrics } = await cdp.send("Performance.getMetrics");
  const busy = (name: string) => (metrics.find((m) => m.name === name)?.value ?? 0) * 1000;
  const eventCount = await page.getByTestId("event-count").textContent();
  const events = await allEvents(api, runId);
  await page.close();

  const first = Date.parse(events[0]!.at);
  const last = Date.parse(events.at(-1)!.at);
  const loopStarted = Date.parse(
    events.find((e) => e.type === "node.started" && "nodeId" in e && e.nodeId === "loop")!.at,
  );
  const shown = seen.changes.find((c) => c.id === "run-view-status" && c.status === status);
  const until = Math.max(last, shown?.frame ?? last);
  const during = (t: number) => t >= loopStarted && t <= until;
  const tasks = seen.longTasks.filter(([t, d]) => during(t) || during(t + d));
  const longest = Math.max(0, ...tasks.map(([, d]) => d));
  const frames = seen.frames.filter(during);
  const fps = ((frames.length - 1) * 1000) / (frames.at(-1)! - frames[0]!);
  const gaps = frames.slice(1).map((t, i) => t - frames[i]!);
  const stillRunning = tab.pressed < last;
  // The engine appends events in batches (one `at` each) and the socket delivers each as one message.
  const appends = new Map<string, number>();
  for (const e of events) appends.set(e.at, (appends.get(e.at) ?? 0) + 1);
  const messages = new Map<number, number>();
  for (const t of Object.values(seen.arrivals)) messages.set(t, (messages.get(t) ?? 0) + 1);
  const arrived = [...messages].sort(([a], [b]) => a - b);
  const slow = tasks
    .filter(([, d]) => d >= 250)
    .map(([t, d]) => {
      const batch = arrived.filter(([a]) => a <= t).at(-1);
      return `${ms(d)} at +${s(t - loopStarted)}${batch ? ` (${batch[1]} events had arrived ${ms(t - batch[0])} before)` : ""}`;
    });
  const byType = new Map<string, number>();
  for (const e of events) byType.set(e.type, (byType.get(e.type) ?? 0) + 1);

  console.log(
    `R2 200-node flow, ${R2_ITEMS.toLocaleString("en")}-item loop (run ${status}): ${events.length.toLocaleString("en")} events in ${s(last - first)}` +
      ` (${s(last - loopStarted)} from the loop's start); page ${
        caughtUp && shown ? `caught up ${s(shown.frame - last)} after the last event` : "never showed the run's end"
      }; longest task ${ms(longest)}; ${fps.toFixed(0)} fps; Events tab opened in ${ms(tab.rows - tab.pressed)}`,
  );
  console.log(
    `   from the loop's start to the page showing the end: ${tasks.length} long tasks, ${ms(tasks.reduce((a, [, d]) => a + d, 0))} in all;` +
      ` longest frame gap ${ms(Math.max(0, ...gaps))}; frame gaps over 100 ms: ${gaps.filter((g) => g > 100).length}`,
  );
  console.log(
    `   page live ${s(liveAt - opened)} after opening, ${liveAt < loopStarted ? `${s(loopStarted - liveAt)} before the loop started` : "after the loop had started (!)"}; Events tab clicked ${stillRunning ? `${s(last - tab.pressed)} before the run's last event` : "after the run had ended (!)"}` +
      ` (page showed "${tab.status}"), Playwright's click took ${ms(clickCall)}; the log shows "${eventCount}"`,
  );
  console.log(
    `   events: ${[...byType].map(([t, n]) => `${t} ${n}`).join(", ")}; Chrome busy for the visit: script ${ms(busy("ScriptDuration"))} · style ${ms(busy("RecalcStyleDuration"))} · layout ${ms(busy("LayoutDuration"))} · tasks ${ms(busy("TaskDuration"))}`,
  );
  console.log(
    `   the server appended the events in ${appends.size} batches (largest ${Math.max(...appends.values())}); the page got ${messages.size} live messages;` +
      ` tasks of 250 ms or more: ${slow.join(", ") || "none"}`,
  );
  console.log(`   screenshots: ${timelineShot}, ${eventsShot}, ${endShot}`);
}

let app: Awaited<ReturnType<typeof startAppInBrowser>> | undefined;
try {
  app = await startAppInBrowser();
  const { server, context, api } = app;

  console.log("Switchyard run view, production build, headless Chromium 1280×800, live over socket.io");
  await eventToPaint(api, context, server.url);
  await bigRun(api, context, server.url);
} finally {
  await app?.browser.close();
  await app?.server.stop(); // its files go when the process exits
}
