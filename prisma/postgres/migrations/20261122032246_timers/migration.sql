-- CreateTable
CREATE TABLE "Timer" (
    "key" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "event" JSONB NOT NULL,
    "firedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Timer_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "Timer_firedAt_dueAt_idx" ON "Timer"("firedAt", "dueAt");

-- CreateIndex
CREATE INDEX "Timer_runId_idx" ON "Timer"("runId");

-- AddForeignKey
ALTER TABLE "Timer" ADD CONSTRAINT "Timer_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;
