import type { IncomingMessage } from "node:http";
import { BODY_TOO_LARGE } from "./limits";
import { HttpError } from "./respond";

/** The body's bytes, up to `limit` (MAX_BODY_BYTES, the app's one cap). Plain events: an async iterator costs more than a small body. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
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

/** The body as JSON (an empty body is `{}`); 400 naming the parse error otherwise. */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  return parseJsonBody(await readBody(req, limit));
}

/** Body bytes as JSON (empty is `{}`); 400 naming the parse error otherwise. */
export function parseJsonBody(body: Buffer): unknown {
  const text = body.toString("utf8").trim();
  if (text === "") return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `the body is not valid JSON: ${(error as Error).message}`);
  }
}
