import { TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { formatPath } from "../../lib/flow/problems";
import { NotFound, Refused, StaleVersion, TaskClosed } from "../db/errors";
import { DecisionRefused, EngineStopping, RunStateConflict } from "../engine/runtime/errors";
import { BODY_TOO_LARGE } from "../http/limits";

/** A mistake the user can fix (bad input, a flow that cannot run): 4xx, not reported. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export class Forbidden extends Error {}

/** The one place that turns errors into tRPC codes and messages users can act on. */
export function toTRPCError(error: unknown): TRPCError {
  if (error instanceof TRPCError) return error;
  if (error instanceof NotFound)
    return new TRPCError({
      code: "NOT_FOUND",
      message: `This ${error.what} does not exist or is not in your workspace.`,
      cause: error,
    });
  if (error instanceof StaleVersion)
    return new TRPCError({
      code: "CONFLICT",
      message: `Someone changed this flow's draft (now revision ${error.currentVersion}) after you opened it. Your change was not applied: reload to see theirs, or copy your changes first.`,
      cause: error,
    });
  if (error instanceof DecisionRefused) {
    const code = error.kind === "forbidden" ? "FORBIDDEN" : error.kind === "conflict" ? "CONFLICT" : "BAD_REQUEST";
    return new TRPCError({ code, message: error.message, cause: error });
  }
  if (error instanceof EngineStopping)
    return new TRPCError({
      code: "SERVICE_UNAVAILABLE",
      message: "The server is restarting. Try again in a moment.",
      cause: error,
    });
  if (error instanceof TaskClosed || error instanceof RunStateConflict)
    return new TRPCError({ code: "CONFLICT", message: error.message, cause: error });
  if (error instanceof Refused) return new TRPCError({ code: "BAD_REQUEST", message: error.message, cause: error });
  if (error instanceof UserError) return new TRPCError({ code: "BAD_REQUEST", message: error.message, cause: error });
  if (error instanceof Forbidden) return new TRPCError({ code: "FORBIDDEN", message: error.message, cause: error });
  if (error instanceof ZodError)
    return new TRPCError({ code: "BAD_REQUEST", message: describeZodError(error), cause: error });
  return new TRPCError({
    code: "INTERNAL_SERVER_ERROR",
    message: "Something went wrong on our side. It was logged.",
    cause: error,
  });
}

/**
 * What a procedure's failure becomes. A handler's throw reaches the middleware wrapped by tRPC
 * in an INTERNAL_SERVER_ERROR whose cause is the original: the cause is mapped. Any other code
 * is a refusal tRPC (or a procedure builder) chose, such as a body that is not JSON, superjson
 * metadata it would not apply, a body over the cap or an input the schema refused: it keeps
 * its 4xx code, with a message that names the problem.
 */
export function toProcedureError(error: TRPCError): TRPCError {
  if (error.code === "INTERNAL_SERVER_ERROR") return toTRPCError(error.cause ?? error);
  if (error.code === "PAYLOAD_TOO_LARGE") return new TRPCError({ code: error.code, message: BODY_TOO_LARGE });
  const cause = error.cause;
  if (!(cause instanceof Error) || cause instanceof TRPCError) return error;
  const mapped = toTRPCError(cause);
  if (mapped.code !== "INTERNAL_SERVER_ERROR") return mapped; // a ZodError, a UserError…: our wording
  if (error.code !== "BAD_REQUEST") return error;
  // A cause we do not know under tRPC's BAD_REQUEST: thrown while reading the request
  // (JSON.parse, superjson's deserialize).
  const message =
    cause instanceof SyntaxError
      ? `the request is not valid JSON: ${cause.message}`
      : cause instanceof RangeError
        ? "the request nests too deeply to be read"
        : `the request could not be read: ${cause.message}`;
  return new TRPCError({ code: "BAD_REQUEST", message, cause });
}

export function describeZodError(error: ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid input";
  const path = formatPath(issue.path);
  return path ? `${path}: ${issue.message}` : issue.message;
}
