-- CreateTable
CREATE TABLE "StepCacheEntry" (
    "workspaceId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StepCacheEntry_pkey" PRIMARY KEY ("workspaceId","key")
);

-- CreateIndex
CREATE INDEX "StepCacheEntry_expiresAt_idx" ON "StepCacheEntry"("expiresAt");

-- AddForeignKey
ALTER TABLE "StepCacheEntry" ADD CONSTRAINT "StepCacheEntry_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;
