import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import { secretCipher } from "./cipher";

it("seals and opens a secret; the sealed form reveals nothing and resists tampering", () => {
  const cipher = secretCipher(randomBytes(32));
  const sealed = cipher.encrypt("sk-live-123");
  expect(sealed).not.toContain("sk-live");
  expect(cipher.encrypt("sk-live-123")).not.toBe(sealed); // a fresh IV each time
  expect(cipher.decrypt(sealed)).toBe("sk-live-123");
  const parts = sealed.split(".");
  const flipped = `${parts.slice(0, 3).join(".")}.${Buffer.from("x").toString("base64url")}${parts[3]!.slice(2)}`;
  expect(() => cipher.decrypt(flipped)).toThrow();
  expect(() => secretCipher(randomBytes(32)).decrypt(sealed)).toThrow(); // another key
  expect(() => secretCipher(randomBytes(16))).toThrow(/32 bytes/);
});
