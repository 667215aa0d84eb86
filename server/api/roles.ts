import { z } from "zod";

/** A workspace role, as procedures take it (the Role enum of the models, without importing Prisma). */
export const roleSchema = z.enum(["owner", "editor", "approver", "viewer"]);
