import { TRPCClientError } from "@trpc/client";
import { expect } from "vitest";

/** The error a tRPC call was refused with (the test fails if it was not refused). */
export async function rejection(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  return error as { message: string; data: { code: string } };
}
