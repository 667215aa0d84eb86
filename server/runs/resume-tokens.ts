import { createHmac, timingSafeEqual } from "node:crypto";

/** Which node instance a resume URL resumes. */
export interface ResumeTarget {
  runId: string;
  nodeId: string;
  path: number[];
}

export interface ResumeTokens {
  /** The resume URL of a wait node instance (flow-format.md: `…/api/v1/resume/<token>`). */
  url(target: ResumeTarget): string;
  /** The node instance a token names, or null when it is not one of ours (checked in constant time). */
  verify(token: string): ResumeTarget | null;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const NODE_ID = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PATH = /^\d{1,9}(\.\d{1,9}){0,15}$/;

/**
 * Resume tokens signed with a server key: `<runId>~<nodeId>[~<path>]~<signature>`. Nothing is
 * stored per token; it names its node instance, and the signature (HMAC-SHA256, 128 bits kept)
 * makes it unguessable. It works once because the engine takes a resume only while the node
 * waits for one (RunEngine.resumeWait). Every process of a deployment derives the same key.
 */
export function resumeTokens(key: Buffer, publicUrl: string): ResumeTokens {
  const sign = (body: string) => createHmac("sha256", key).update(`resume:${body}`).digest("base64url").slice(0, 22);
  const base = publicUrl.replace(/\/+$/, "");
  return {
    url(target) {
      const text = `${target.runId}~${target.nodeId}${target.path.length > 0 ? `~${target.path.join(".")}` : ""}`;
      return `${base}/api/v1/resume/${text}~${sign(text)}`;
    },
    verify(token) {
      if (token.length > 300) return null;
      const parts = token.split("~");
      if (parts.length !== 3 && parts.length !== 4) return null;
      const signature = parts.pop()!;
      const [runId, nodeId, pathText] = parts as [string, string, string | undefined];
      if (!ID.test(runId) || !NODE_ID.test(nodeId) || (pathText !== undefined && !PATH.test(pathText))) return null;
      const expected = Buffer.from(sign(parts.join("~")));
      const given = Buffer.from(signature);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      return { runId, nodeId, path: pathText === undefined ? [] : pathText.split(".").map(Number) };
    },
  };
}

/** The deployment's resume tokens: the key is derived from the secrets key, so every process (web, worker) signs and checks alike. */
export function deploymentResumeTokens(config: { secretsKey: Buffer; publicUrl: string }): ResumeTokens {
  return resumeTokens(createHmac("sha256", config.secretsKey).update("resume-urls").digest(), config.publicUrl);
}
