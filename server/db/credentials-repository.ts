import type { SecretCipher } from "../secrets/cipher";
import type { Prisma } from "./client";
import { NotFound } from "./errors";

export interface CredentialSummary {
  id: string;
  name: string;
  createdAt: Date;
}

/** A workspace's credentials for the API: names only, the secret never leaves the server. */
export function credentialsRepository(prisma: Prisma, workspaceId: string, cipher: SecretCipher) {
  return {
    list: (): Promise<CredentialSummary[]> =>
      prisma.credential.findMany({
        where: { workspaceId },
        select: { id: true, name: true, createdAt: true },
        orderBy: { name: "asc" },
      }),
    create: (name: string, secret: string, createdById: string): Promise<CredentialSummary> =>
      prisma.credential.create({
        data: { workspaceId, name, secret: cipher.encrypt(secret), createdById },
        select: { id: true, name: true, createdAt: true },
      }),
    async remove(id: string) {
      const { count } = await prisma.credential.deleteMany({ where: { id, workspaceId } });
      if (count === 0) throw new NotFound("credential");
    },
  };
}

/** For executors: opens a credential of the run's workspace by id. */
export function credentialReader(prisma: Prisma, cipher: SecretCipher) {
  return async (workspaceId: string, id: string): Promise<string> => {
    const row = await prisma.credential.findFirst({ where: { id, workspaceId }, select: { secret: true } });
    if (!row) throw new NotFound("credential");
    return cipher.decrypt(row.secret);
  };
}
