// One expression sandbox process (expression-sandbox.ts starts it). It evaluates JSONata for
// the parent, one expression at a time, and answers with JSON text. It is plain JavaScript so
// it starts without a TypeScript loader, runs under Node's permission model (it may read only
// this file and JSONata's), has no environment, and a heap of its own: when an expression
// blows its memory or its time, the parent kills this process, never itself.
import { pathToFileURL } from "node:url";

const [jsonataPath, timeoutMs, maxDepth, maxResultBytes] = process.argv.slice(2);
const { default: jsonata } = await import(pathToFileURL(jsonataPath).href);

/** Parsed expressions, reused: a flow evaluates the same few strings over and over. */
const parsed = new Map();
function compile(expression) {
  let expr = parsed.get(expression);
  if (!expr) {
    expr = jsonata(expression, { timeout: Number(timeoutMs), stack: Number(maxDepth) });
    if (parsed.size >= 500) parsed.delete(parsed.keys().next().value);
    parsed.set(expression, expr);
  }
  return expr;
}

process.on("message", async ({ id, expression, context }) => {
  try {
    const value = await compile(expression).evaluate(JSON.parse(context));
    const json = JSON.stringify(value) ?? "null"; // undefined, or a function JSONata gave back
    if (json.length > Number(maxResultBytes)) {
      process.send({ id, error: { limit: "result" } });
      return;
    }
    process.send({ id, json });
  } catch (error) {
    const e = error ?? {};
    process.send({
      id,
      error: {
        code: typeof e.code === "string" ? e.code : undefined,
        message: typeof e.message === "string" ? e.message : String(error),
        position: typeof e.position === "number" ? e.position : undefined,
      },
    });
  }
});
process.send({ ready: true });
