import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A real local HTTP server that speaks OpenAI's chat completions with tools, for tests: the
 * outside world we cannot reach (a model provider), played by the protocol, not a stub. Each
 * request takes the next scripted answer; an answer either calls tools or says something, and
 * comes back as one JSON completion or as server-sent event chunks (tool calls in pieces).
 */
export type ScriptedAnswer = (
  | { content: string }
  | { toolCalls: { name: string; arguments: string; id?: string }[]; content?: string }
  | { status: number; body: string }
) & { stream?: boolean };

export interface ChatRequest {
  headers: IncomingHttpHeaders;
  body: {
    model: string;
    messages: { role: string; content: string | null; tool_calls?: unknown[]; tool_call_id?: string }[];
    tools?: { type: string; function: { name: string; description: string; parameters: unknown } }[];
    stream?: boolean;
  };
}

export interface ChatModelServer {
  /** The base URL an agent's `baseUrl` takes (…/v1). */
  baseUrl: string;
  requests: ChatRequest[];
  /** Answers for the coming requests, in order; past them every request gets `fallback`. */
  answers: ScriptedAnswer[];
  fallback: ScriptedAnswer;
  close(): Promise<void>;
}

const usage = { prompt_tokens: 10, completion_tokens: 4, total_tokens: 14 };

export async function startChatModelServer(): Promise<ChatModelServer> {
  const state = { answers: [] as ScriptedAnswer[], fallback: { content: "done" } as ScriptedAnswer };
  const requests: ChatRequest[] = [];
  const server = createServer(async (req, res) => {
    let raw = "";
    for await (const chunk of req) raw += chunk;
    requests.push({ headers: req.headers, body: JSON.parse(raw) });
    const answer = state.answers.shift() ?? state.fallback;
    if ("status" in answer)
      return void res.writeHead(answer.status, { "content-type": "application/json" }).end(answer.body);
    const toolCalls =
      "toolCalls" in answer
        ? answer.toolCalls.map((c, i) => ({ ...c, id: c.id ?? `call_${requests.length}_${i}` }))
        : [];
    const content = answer.content ?? null;
    if (!answer.stream) {
      const message = {
        role: "assistant",
        content,
        ...(toolCalls.length > 0 && {
          tool_calls: toolCalls.map((c) => ({
            id: c.id,
            type: "function",
            function: { name: c.name, arguments: c.arguments },
          })),
        }),
      };
      res.writeHead(200, { "content-type": "application/json" });
      return void res.end(
        JSON.stringify({ id: "chatcmpl-x", object: "chat.completion", choices: [{ index: 0, message }], usage }),
      );
    }
    res.writeHead(200, { "content-type": "text/event-stream" });
    const send = (delta: unknown, extra: object = {}) =>
      res.write(
        `data: ${JSON.stringify({ id: "chatcmpl-x", choices: [{ index: 0, delta }], usage: null, ...extra })}\n\n`,
      );
    if (content) for (const word of content.split(/(?<= )/)) send({ content: word });
    toolCalls.forEach((c, index) => {
      // As OpenAI streams them: the id and name first, then the arguments in pieces.
      send({ tool_calls: [{ index, id: c.id, type: "function", function: { name: c.name, arguments: "" } }] });
      const half = Math.ceil(c.arguments.length / 2);
      for (const piece of [c.arguments.slice(0, half), c.arguments.slice(half)])
        if (piece) send({ tool_calls: [{ index, function: { arguments: piece } }] });
    });
    res.write(`data: ${JSON.stringify({ id: "chatcmpl-x", choices: [], usage })}\n\n`);
    res.end("data: [DONE]\n\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    get answers() {
      return state.answers;
    },
    set answers(next) {
      state.answers = next;
    },
    get fallback() {
      return state.fallback;
    },
    set fallback(next) {
      state.fallback = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
