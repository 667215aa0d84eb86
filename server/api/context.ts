import type { IncomingHttpHeaders } from "node:http";
import type { Auth } from "../auth/auth";
import type { Prisma } from "../db/client";
import type { WorkspacesRepository } from "../db/workspaces-repository";
import type { RunEngine } from "../engine/runtime/run-engine";
import type { SecretCipher } from "../secrets/cipher";

/** Everything a procedure may use, wired once in server/app.ts. */
export interface Services {
  prisma: Prisma;
  auth: Auth;
  workspaces: WorkspacesRepository;
  engine: RunEngine;
  cipher: SecretCipher;
}

export interface SessionUser {
  id: string;
  email: string;
  name: string;
}

export interface Context {
  services: Services;
  user: SessionUser | null;
}

export function toHeaders(raw: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [key, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const v of value) headers.append(key, v);
    else if (value !== undefined) headers.set(key, value);
  }
  return headers;
}

/** Reads the session cookie; an absent or expired session is `user: null`. */
export async function sessionUser(services: Services, headers: Headers): Promise<SessionUser | null> {
  const session = await services.auth.api.getSession({ headers });
  return session ? { id: session.user.id, email: session.user.email, name: session.user.name } : null;
}

export async function createContext(services: Services, headers: Headers): Promise<Context> {
  return { services, user: await sessionUser(services, headers) };
}
