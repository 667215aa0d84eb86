-- CreateTable
CREATE TABLE "Timer" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "runId" TEXT NOT NULL,
    "dueAt" DATETIME NOT NULL,
    "event" JSONB NOT NULL,
    "firedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Timer_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Timer_firedAt_dueAt_idx" ON "Timer"("firedAt", "dueAt");

-- CreateIndex
CREATE INDEX "Timer_runId_idx" ON "Timer"("runId");
