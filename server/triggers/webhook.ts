import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { endDataSchema } from "../../lib/flow/kinds/end";
import { nodeData } from "../../lib/flow/kinds/parsed";
import type { CallTarget } from "../../lib/flow/subflow-checks";
import { UserError } from "../api/errors";
import type { WebhookTarget } from "../db/flows-repository";
import { EngineStopping } from "../engine/runtime/errors";
import type { EventBus } from "../engine/runtime/ports";
import type { RunEngine } from "../engine/runtime/run-engine";
import { parseJsonBody, readBody, readJsonBody } from "../http/body";
import { MAX_BODY_BYTES } from "../http/limits";
import { HttpError, sendJson as send } from "../http/respond";
import { runAnswer, watchRunEnds } from "../runs/run-ends";
import { startFlowRun } from "../runs/start-run";

export interface WebhookDeps {
  /** The flow a webhook token opens, with its workspace (flowByWebhookToken): the token is the credential. */
  flowByToken: (token: string) => Promise<WebhookTarget | null>;
  engine: RunEngine;
  /** Opens a workspace credential (a webhook's signing secret). */
  credential: (workspaceId: string, id: string) => Promise<string>;
  /** The flows of a workspace a sub-flow node may call (checked before a run that has some). */
  callTargets: (workspaceId: string) => Promise<CallTarget[]>;
  bus: EventBus;
  /** How long a sync webhook waits for the run to end before answering 202. */
  syncTimeoutMs?: number;
  /** Aborted when the server has drained for shutdown: sync webhooks still waiting answer 202. */
  shutdown?: AbortSignal;
}

/** The token from the address as sent: percent-escapes decoded, a malformed one refused. */
function decodeToken(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, "the webhook address is not valid: it has a malformed percent-escape (%XX)");
  }
}

/** The raw body, once its HMAC-SHA256 under the secret matches the one in `header` (hex, `sha256=` optional); 401 otherwise. */
async function signedBody(req: IncomingMessage, header: string, secret: () => Promise<string>): Promise<Buffer> {
  const sent = req.headers[header];
  const given = (Array.isArray(sent) ? sent[0] : sent)?.trim().replace(/^sha256=/i, "");
  if (!given) throw new HttpError(401, `the request is not signed: send the body's HMAC-SHA256 in ${header}`);
  const body = await readBody(req, MAX_BODY_BYTES);
  const expected = createHmac("sha256", await secret())
    .update(body)
    .digest();
  const received = /^[0-9a-f]{64}$/i.test(given) ? Buffer.from(given, "hex") : Buffer.alloc(0);
  if (received.length !== expected.length || !timingSafeEqual(received, expected))
    throw new HttpError(401, `the signature in ${header} does not match the body`);
  return body;
}

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
    let ends: ReturnType<typeof watchRunEnds> | undefined;
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
      const signature = flow.options.signature;
      if (signature && req.method !== "POST")
        throw new HttpError(401, `this webhook takes signed POSTs: sign the body and send it in ${signature.header}`);
      const input =
        req.method === "GET"
          ? Object.fromEntries(new URL(req.url ?? "/", "http://localhost").searchParams)
          : signature
            ? parseJsonBody(
                await signedBody(req, signature.header, () =>
                  deps.credential(flow.workspaceId, signature.credentialId),
                ),
              )
            : await readJsonBody(req, MAX_BODY_BYTES);
      if (typeof input !== "object" || input === null || Array.isArray(input)) {
        throw new HttpError(400, "the body must be a JSON object: its fields become the run input");
      }

      // Listen before starting, so an instant run's last event is not missed.
      const bare = flow.options.answer === "output" && flow.mode === "sync";
      const endNodes = bare ? flow.published.document.nodes.filter((n) => n.type === "end") : [];
      ends = watchRunEnds(deps.bus, bare ? { endsOf: new Set(endNodes.map((n) => n.id)) } : {});
      const { runId } = await startFlowRun(
        { workspaceId: flow.workspaceId, engine: deps.engine, callTargets: () => deps.callTargets(flow.workspaceId) },
        { id: flow.id, document: flow.published.document, flowVersion: flow.published.version },
        input,
        null,
      );
      if (flow.mode !== "sync") return send(res, 202, { runId, status: "running" });
      const answer = runAnswer(runId, await ends.wait(runId, syncTimeoutMs, deps.shutdown));
      if (!bare || !answer.finished) return send(res, answer.finished ? 200 : 202, answer.body);
      if (answer.body.status !== "succeeded")
        return send(res, 500, {
          error: `the run ${answer.body.status}`,
          runId,
          ...("error" in answer.body && { detail: answer.body.error }),
        });
      // The end the run reached says the status and headers (the first, when it reached several).
      const reached = endNodes.find((n) => n.id === ends?.reached(runId)[0]);
      const response = reached ? nodeData(endDataSchema, reached.data).response : undefined;
      for (const [name, value] of Object.entries(response?.headers ?? {})) res.setHeader(name, value);
      res.setHeader("x-switchyard-run", runId);
      send(res, response?.status ?? 200, answer.body.output);
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
      ends?.stop();
    }
  };
}
