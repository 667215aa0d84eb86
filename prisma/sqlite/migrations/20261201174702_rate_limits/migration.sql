-- CreateTable
CREATE TABLE "RateLimitBucket" (
    "workspaceId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "tokens" REAL NOT NULL,
    "refilledAt" DATETIME NOT NULL,

    PRIMARY KEY ("workspaceId", "key"),
    CONSTRAINT "RateLimitBucket_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
