"use client";
import { createAuthClient } from "better-auth/react";

/** better-auth's browser client; it talks to /api/auth on the same origin. */
export const authClient = createAuthClient();

export function signInPath(next?: string): string {
  return next && next !== "/" ? `/sign-in?next=${encodeURIComponent(next)}` : "/sign-in";
}
