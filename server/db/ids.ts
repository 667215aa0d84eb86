import { randomInt } from "node:crypto";
import { hostname } from "node:os";

const BASE = 36;
const BLOCK = BASE ** 4;
const pad = (value: number, size: number) => value.toString(BASE).padStart(size, "0").slice(-size);
const host = hostname();
const fingerprint =
  pad(process.pid, 2) +
  pad(
    [...host].reduce((sum, c) => sum + c.charCodeAt(0), host.length + BASE),
    2,
  );
let counter = 0;

/**
 * A cuid (v1), the ids Prisma gives rows with `@default(cuid())`: for rows written in SQL on
 * hot paths, so they look and sort like the others (time first, then a counter).
 */
export function cuid(): string {
  counter = counter < BLOCK ? counter : 0;
  const count = counter++;
  return `c${Date.now().toString(BASE)}${pad(count, 4)}${fingerprint}${pad(randomInt(BLOCK), 4)}${pad(randomInt(BLOCK), 4)}`;
}
