import type { PrismaNamespace } from "./client";

/** Values stored in Json columns: plain JSON data, already validated by a zod schema. */
export const toJson = (value: unknown) => value as PrismaNamespace.InputJsonValue;
