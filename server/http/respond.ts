import type { IncomingMessage, ServerResponse } from "node:http";

/** A refusal with its HTTP status and a message that names the problem. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

/**
 * Runs a request handler so that nothing it throws, at once or later, escapes into the
 * process: an HttpError is answered with its status and message, anything else is logged and
 * answered 500 with a neutral message. If the answer had begun, the connection is cut.
 */
export function answerErrors(req: IncomingMessage, res: ServerResponse, handler: () => unknown): void {
  const fail = (error: unknown) => {
    if (!(error instanceof HttpError)) console.error(`${req.method} request failed:`, error);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error instanceof HttpError) sendJson(res, error.status, { error: error.message });
    else sendJson(res, 500, { error: "Something went wrong on our side. It was logged." });
  };
  try {
    const result = handler();
    if (result instanceof Promise) result.catch(fail);
  } catch (error) {
    fail(error);
  }
}
