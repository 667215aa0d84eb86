import type { IncomingMessage, ServerResponse } from "node:http";
import { describeJsonLimit, jsonLimitProblem } from "../../lib/json/limits";
import { EngineStopping } from "../engine/runtime/errors";
import type { RunEngine } from "../engine/runtime/run-engine";
import { sendApiError } from "../http/api-v1/handler";
import { readJsonBody } from "../http/body";
import { MAX_BODY_BYTES } from "../http/limits";
import { HttpError, sendJson } from "../http/respond";
import type { ResumeTokens } from "../runs/resume-tokens";

export interface ResumeDeps {
  engine: Pick<RunEngine, "resumeWait">;
  tokens: ResumeTokens;
}

const gone = "nothing waits at this address: it was used already, the run moved on, or it never existed";

/**
 * POST /api/v1/resume/<token> (api.md): resumes the wait node instance the token names with
 * the JSON body, once. The token is the credential (no other auth); a second call, or a token
 * we did not sign, is a 404 that tells nothing more.
 */
export function resumeHandler(deps: ResumeDeps) {
  const resume = async (req: IncomingMessage, res: ServerResponse, rawToken: string) => {
    if (req.method !== "POST") throw new HttpError(405, "POST a JSON body to resume the waiting step");
    let token: string;
    try {
      token = decodeURIComponent(rawToken);
    } catch {
      throw new HttpError(404, gone);
    }
    const target = deps.tokens.verify(token);
    if (!target) throw new HttpError(404, gone);
    const body = await readJsonBody(req, MAX_BODY_BYTES);
    const limit = jsonLimitProblem(body); // it becomes the node's output: it must read back
    if (limit) throw new HttpError(400, describeJsonLimit("the body", limit));
    try {
      const taken = await deps.engine.resumeWait(target.runId, target.nodeId, target.path, body);
      if (!taken) throw new HttpError(404, gone);
    } catch (error) {
      if (error instanceof EngineStopping) throw new HttpError(503, "the server is restarting; call again shortly");
      throw error;
    }
    sendJson(res, 202, { resumed: true, runId: target.runId, nodeId: target.nodeId });
  };
  return async (req: IncomingMessage, res: ServerResponse, rawToken: string) => {
    try {
      await resume(req, res, rawToken);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      sendApiError(res, error.status, error.message);
    }
  };
}
