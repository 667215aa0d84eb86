import type { z } from "zod";
import type { AppRouter } from "../../api/root";
import type { EventBus } from "../../engine/runtime/ports";

/** The tRPC procedures as the signed-in person (or token) may call them: the API is a view of them. */
export type Caller = ReturnType<AppRouter["createCaller"]>;

/** What a route may use besides the procedures: the event bus, to wait for a run to end. */
export interface ApiDeps {
  bus: EventBus;
  /** Aborted when the server shuts down: waits end at once. */
  shutdown?: AbortSignal;
}

/** The request's path parameters, query and body, each as its route's schema parsed it. */
export interface ApiInput {
  params: unknown;
  query: unknown;
  body: unknown;
}

/** One row of api.md: its path, what it takes, what it answers, and how (through the procedures). */
export interface ApiRoute {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** OpenAPI style: /flows/{id}. */
  path: string;
  summary: string;
  tag: "Flows and versions" | "Runs" | "Approvals" | "Schedules";
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  response: z.ZodType;
  /** The success status (200 unless said). */
  status?: number;
  /** A refusal of the procedure's input (BAD_REQUEST) means the content cannot be taken: 422. */
  unprocessable?: boolean;
  /** Called with the input parsed by the schemas above. */
  handle(call: Caller, input: ApiInput, deps: ApiDeps): Promise<unknown>;
}

/** A route with its schemas' types flowing into `handle`. */
export function route<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType>(
  r: Omit<ApiRoute, "handle" | "params" | "query" | "body" | "response"> & {
    params?: P;
    query?: Q;
    body?: B;
    response: R;
    handle(
      call: Caller,
      input: { params: z.infer<P>; query: z.infer<Q>; body: z.infer<B> },
      deps: ApiDeps,
    ): Promise<z.input<R>>;
  },
): ApiRoute {
  return r as unknown as ApiRoute;
}
