import { TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { formatPath } from "../../lib/flow/problems";
import { NotFound, Refused, StaleVersion, TaskClosed } from "../db/errors";
import { DecisionRefused, EngineStopping } from "../engine/runtime/errors";

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
      message: `Someone saved a newer version of this flow (v${error.currentVersion}) after you opened it. Your save was not applied: reload to see theirs, or copy your changes first.`,
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
  if (error instanceof TaskClosed) return new TRPCError({ code: "CONFLICT", message: error.message, cause: error });
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

export function describeZodError(error: ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid input";
  const path = formatPath(issue.path);
  return path ? `${path}: ${issue.message}` : issue.message;
}
