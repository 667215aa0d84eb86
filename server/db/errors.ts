/** Data-layer outcomes the API maps to user errors (server/api/errors.ts). */
export class NotFound extends Error {
  constructor(readonly what: string) {
    super(`${what} not found`);
  }
}

export class StaleVersion extends Error {
  constructor(readonly currentVersion: number) {
    super(`someone changed the draft since (now revision ${currentVersion})`);
  }
}

/** A change the data layer refuses, with the reason in words a user can act on. */
export class Refused extends Error {}

/** A decision on an approval task that is no longer open, or that this person already took. */
export class TaskClosed extends Error {}
