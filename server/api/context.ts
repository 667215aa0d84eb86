import type { IncomingHttpHeaders } from "node:http";
import type { Role } from "../../generated/sqlite/enums.ts";
import type { Auth } from "../auth/auth";
import type { Prisma } from "../db/client";
import type { InvitesRepository } from "../db/team-repository";
import type { WorkspacesRepository } from "../db/workspaces-repository";
import type { AccessNotices } from "../engine/runtime/ports";
import type { RunEngine } from "../engine/runtime/run-engine";
import type { SecretCipher } from "../secrets/cipher";
import type { Scheduler } from "../triggers/scheduler";

/** Everything a procedure may use, wired once in server/app.ts. */
export interface Services {
  prisma: Prisma;
  auth: Auth;
  workspaces: WorkspacesRepository;
  /** Invite links, followed by people not yet in their workspace. */
  invites: InvitesRepository;
  engine: RunEngine;
  /** Fires schedules; poked when one changes so it looks again at once. */
  scheduler: Pick<Scheduler, "poke" | "start" | "stop">;
  cipher: SecretCipher;
  /** Says whose access changed once the change is committed: their live sockets are dropped (realtime). */
  access: Pick<AccessNotices, "publishAccessChange">;
}

export interface SessionUser {
  id: string;
  email: string;
  name: string;
}

export interface Context {
  services: Services;
  user: SessionUser | null;
  /**
   * Set for a request made with an API token: it acts in the token's workspace only, with the
   * narrower of the token's role and the person's role there now.
   */
  token?: { id: string; workspaceId: string; role: Role | null };
}

export function toHeaders(raw: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [key, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const v of value) headers.append(key, v);
    else if (value !== undefined) headers.set(key, value);
  }
  return headers;
}

/** Reads the session cookie: who is signed in, and with which session. Null when absent or expired. */
export async function currentSession(
  services: Services,
  headers: Headers,
): Promise<{ user: SessionUser; sessionId: string } | null> {
  const session = await services.auth.api.getSession({ headers });
  if (!session) return null;
  const { id, email, name } = session.user;
  return { user: { id, email, name }, sessionId: session.session.id };
}

/** Reads the session cookie; an absent or expired session is `user: null`. */
export async function sessionUser(services: Services, headers: Headers): Promise<SessionUser | null> {
  return (await currentSession(services, headers))?.user ?? null;
}

export async function createContext(services: Services, headers: Headers): Promise<Context> {
  return { services, user: await sessionUser(services, headers) };
}
