import type { Prisma } from "./client";

/** Accounts made outside sign-up: the CLI's own user, who starts and decides its runs. */
export function usersRepository(prisma: Prisma) {
  return {
    /** The user with this id, created (without a password: it cannot sign in) if absent. */
    async ensure(id: string, name: string): Promise<string> {
      const email = `${id}-${Date.now()}@switchyard.local`;
      await prisma.user.upsert({ where: { id }, create: { id, name, email }, update: {} });
      return id;
    },
  };
}
