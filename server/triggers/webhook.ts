import type { IncomingMessage, ServerResponse } from "node:http";
import type { RunEvent } from "../../lib/run/events";
import { UserError } from "../api/errors";
import type { WebhookTarget } from "../db/flows-repository";
import { EngineStopping } from "../engine/runtime/errors";
import type { EventBus } from "../engine/runtime/ports";
import type { RunEngine } from "../engine/runtime/run-engine";
import { BODY_TOO_LARGE, MAX_BODY_BYTES } from "../http/limits";
import { HttpError, sendJson as send } from "../http/respond";
import { startFlowRun } from "../runs/start-run";

export interface WebhookDeps {
  /** The flow a webhook token opens, with its workspace (flowByWebhookToken): the token is the credential. */
  flowByToken: (token: string) => Promise<WebhookTarget | null>;
  engine: RunEngine;
  bus: EventBus;
  /** How long a sync webhook waits for the run to end before answering 202. */
  syncTimeoutMs?: number;
  /** Aborted when the server has drained for shutdown: sync webhooks still waiting answer 202. */
  shutdown?: AbortSignal;
}

/** The body's bytes, up to `limit` (MAX_BODY_BYTES, the app's one cap). Plain events: an async iterator costs more than a small body. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else {
        req.removeAllListeners("data");
        req.resume();
        reject(new HttpError(413, BODY_TOO_LARGE));
      }
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const text = (await readBody(req, limit)).toString("utf8").trim();
  if (text === "") return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `the body is not valid JSON: ${(error as Error).message}`);
  }
}

/** The token from the address as sent: percent-escapes decoded, a malformed one refused. */
function decodeToken(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, "the webhook address is not valid: it has a malformed percent-escape (%XX)");
  }
}

const finalTypes = new Set(["run.succeeded", "run.failed", "run.cancelled", "run.waiting"]);

/**
 * POST /api/hooks/<token> (JSON body) or GET (query string) starts a run of the flow whose
 * webhook has that token. Served by the custom server, not a Next route: a webhook costs
 * little more than the run. `async` answers 202 with the run id at once; `sync` waits for
 * the run to end (or to wait for people) and answers with its output. `rawToken` is the
 * address's last segment as sent (still percent-encoded).
 */
export function webhookHandler(deps: WebhookDeps) {
  const syncTimeoutMs = deps.syncTimeoutMs ?? 30_000;

  return async (req: IncomingMessage, res: ServerResponse, rawToken: string) => {
    let unsubscribe = () => {};
    try {
      if (req.method !== "GET" && req.method !== "POST")
        throw new HttpError(405, "use GET (query string) or POST (JSON body)");
      const flow = await deps.flowByToken(decodeToken(rawToken));
      if (!flow) throw new HttpError(404, "no webhook has this address; it may have been revoked");
      if (!flow.published)
        throw new HttpError(
          409,
          "this flow has never been published; webhooks run the published version, so publish it first (Publish in the editor)",
        );
      const input =
        req.method === "GET"
          ? Object.fromEntries(new URL(req.url ?? "/", "http://localhost").searchParams)
          : await readJsonBody(req, MAX_BODY_BYTES);
      if (typeof input !== "object" || input === null || Array.isArray(input)) {
        throw new HttpError(400, "the body must be a JSON object: its fields become the run input");
      }

      // Listen before starting, so an instant run's last event is not missed.
      const seen: RunEvent[] = [];
      let notify: (() => void) | undefined;
      unsubscribe = deps.bus.subscribe((events) => {
        seen.push(...events.filter((e) => finalTypes.has(e.type)));
        notify?.();
      });
      const { runId } = await startFlowRun(
        { workspaceId: flow.workspaceId, engine: deps.engine },
        { id: flow.id, document: flow.published.document, flowVersion: flow.published.version },
        input,
        null,
      );
      if (flow.mode !== "sync") return send(res, 202, { runId, status: "running" });

      const ended = () => seen.find((e) => e.runId === runId);
      // A run of pure steps has ended by now: answer without arming a timer.
      if (!ended())
        await new Promise<void>((resolve) => {
          const stop = () => {
            clearTimeout(timer);
            deps.shutdown?.removeEventListener("abort", stop);
            resolve();
          };
          const timer = setTimeout(stop, syncTimeoutMs);
          notify = () => {
            if (ended()) stop();
          };
          // The server stops: the run resumes after the restart; answer with its id now.
          if (deps.shutdown?.aborted) stop();
          else deps.shutdown?.addEventListener("abort", stop);
          notify();
        });
      // The final event carries the outcome: no need to read the run back.
      const final = ended();
      if (!final || final.type === "run.waiting")
        return send(res, 202, { runId, status: final ? "waiting" : "running" });
      const data = final.data as { output?: unknown; error?: unknown };
      send(res, 200, {
        runId,
        status: final.type.slice("run.".length),
        output: data.output ?? null,
        ...(data.error !== undefined && { error: data.error }),
      });
    } catch (error) {
      if (error instanceof HttpError) return send(res, error.status, { error: error.message });
      if (error instanceof UserError) return send(res, 400, { error: error.message });
      if (error instanceof EngineStopping) {
        res.setHeader("retry-after", "5");
        return send(res, 503, { error: error.message });
      }
      console.error("webhook:", error);
      send(res, 500, { error: "the run could not be started; it was logged" });
    } finally {
      unsubscribe();
    }
  };
}
