-- CreateTable
CREATE TABLE "CircuitBreaker" (
    "workspaceId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "failureCount" INTEGER NOT NULL DEFAULT 0,
    "windowStart" DATETIME,
    "lastFailureAt" DATETIME,
    "openedAt" DATETIME,
    "openUntil" DATETIME,
    "probeUntil" DATETIME,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("workspaceId", "key"),
    CONSTRAINT "CircuitBreaker_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
