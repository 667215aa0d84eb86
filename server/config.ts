import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type DbConfig, dbConfigFromEnv, projectRoot } from "./db/config";

export interface AppConfig {
  db: DbConfig;
  port: number;
  host: string;
  /** The origin users open, e.g. http://localhost:3000 (auth cookies and origin checks). */
  publicUrl: string;
  authSecret: string;
  /** Origins besides the app's own host allowed to open a socket (comma-separated env). */
  extraOrigins: string[];
  /** Trust X-Forwarded-For from a reverse proxy for rate limiting; off by default. */
  trustProxy: boolean;
  signInPerMinute: number;
  /** How long a sync webhook waits for its run before answering 202. */
  webhookSyncTimeoutMs: number;
  /** 32 bytes that encrypt credentials at rest (SECRETS_KEY, base64). */
  secretsKey: Buffer;
  /** Private hosts, IPs or CIDRs flows may reach, e.g. a local model server (OUTBOUND_ALLOW). */
  outboundAllow: string[];
  /** On SIGTERM, how long attempts in flight (agents, HTTP calls) may take to finish before they are aborted. */
  shutdownGraceMs: number;
  /** Scale-out mode when REDIS_URL is set: attempts run in worker processes (`npm run worker`). */
  scaleOut?: { redisUrl: string; queueName: string; lockMs: number; redispatchMs: number };
}

/**
 * Reads the environment once. With nothing set, `npm start` works: SQLite under ./data and
 * an auth secret generated on first start and kept in ./data/auth-secret.
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const port = Number(env.PORT ?? 3000);
  const host = env.HOST ?? "0.0.0.0";
  return {
    db: dbConfigFromEnv(env),
    port,
    host,
    publicUrl: env.PUBLIC_URL ?? `http://localhost:${port}`,
    authSecret: env.AUTH_SECRET ?? persistentSecret(path.join(projectRoot, "data", "auth-secret")),
    extraOrigins: (env.ALLOWED_ORIGINS ?? "")
      .split(",")
      .map((o) => o.trim())
      .filter(Boolean),
    trustProxy: env.TRUST_PROXY === "1",
    signInPerMinute: Number(env.SIGN_IN_PER_MINUTE ?? 10),
    webhookSyncTimeoutMs: Number(env.WEBHOOK_SYNC_TIMEOUT_MS ?? 30_000),
    shutdownGraceMs: Number(env.SHUTDOWN_GRACE_MS ?? 10_000),
    secretsKey: Buffer.from(
      env.SECRETS_KEY ?? persistentSecret(path.join(projectRoot, "data", "secrets-key")),
      "base64url",
    ),
    outboundAllow: (env.OUTBOUND_ALLOW ?? "")
      .split(",")
      .map((o) => o.trim())
      .filter(Boolean),
    ...(env.REDIS_URL && {
      scaleOut: {
        redisUrl: env.REDIS_URL,
        queueName: env.STEP_QUEUE ?? "switchyard-steps",
        lockMs: Number(env.STEP_LOCK_MS ?? 30_000),
        redispatchMs: Number(env.STEP_REDISPATCH_MS ?? 30_000),
      },
    }),
  };
}

function persistentSecret(file: string): string {
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
