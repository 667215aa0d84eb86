import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import type { Prisma } from "../db/client";
import type { WorkspacesRepository } from "../db/workspaces-repository";
import { hashPassword, verifyPassword } from "./passwords";

export interface AuthConfig {
  prisma: Prisma;
  provider: "sqlite" | "postgresql";
  workspaces: WorkspacesRepository;
  /** Signs session cookies; at least 32 characters. */
  secret: string;
  /** Public origin of the app, e.g. http://localhost:3000. */
  baseURL: string;
  /** Origins whose pages may sign in (server/http/origin.ts); the base URL's when not given. */
  trustedOrigins?: string[];
  /** Sign-in (and sign-up) attempts allowed per IP per minute. */
  signInPerMinute?: number;
  /** A session ended (signed out, revoked, cleaned up once expired, its user deleted): after the delete. */
  onSessionEnded?: (sessionId: string) => void;
}

/** Email + password accounts and sessions (better-auth), with argon2id hashes. */
export function createAuth(config: AuthConfig) {
  return betterAuth({
    appName: "Switchyard",
    baseURL: config.baseURL,
    basePath: "/api/auth",
    secret: config.secret,
    trustedOrigins: config.trustedOrigins ?? [config.baseURL],
    telemetry: { enabled: false },
    database: prismaAdapter(config.prisma, { provider: config.provider }),
    emailAndPassword: {
      enabled: true,
      minPasswordLength: 8,
      maxPasswordLength: 128,
      autoSignIn: true,
      password: { hash: hashPassword, verify: verifyPassword },
    },
    session: { expiresIn: 60 * 60 * 24 * 14, updateAge: 60 * 60 * 24 },
    rateLimit: {
      enabled: true,
      window: 60,
      max: 300,
      customRules: {
        "/sign-in/email": { window: 60, max: config.signInPerMinute ?? 10 },
        "/sign-up/email": { window: 60, max: config.signInPerMinute ?? 10 },
      },
    },
    databaseHooks: {
      user: {
        create: {
          // Every new account gets its own workspace and owns it; invites come with teams.
          after: async (user) => {
            await config.workspaces.createForNewUser(user.id, user.name);
          },
        },
      },
      session: {
        // Every way a session ends goes through better-auth's session delete (sign-out,
        // revoke-session(s), revoke-other-sessions, a password change that revokes the others).
        delete: { after: async (session) => config.onSessionEnded?.(session.id) },
      },
    },
  });
}

export type Auth = ReturnType<typeof createAuth>;
