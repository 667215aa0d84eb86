-- AlterTable
ALTER TABLE "Flow" ADD COLUMN     "publishedVersion" INTEGER;

-- AlterTable
ALTER TABLE "Run" ALTER COLUMN "flowVersion" DROP NOT NULL;

-- CreateTable
CREATE TABLE "FlowVersion" (
    "flowId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "document" JSONB NOT NULL,
    "message" TEXT NOT NULL DEFAULT '',
    "publishedById" TEXT NOT NULL,
    "publishedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FlowVersion_pkey" PRIMARY KEY ("flowId","version")
);

-- AddForeignKey
ALTER TABLE "FlowVersion" ADD CONSTRAINT "FlowVersion_flowId_fkey" FOREIGN KEY ("flowId") REFERENCES "Flow"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Every existing flow is published as v1 from the document it has saved; the runs before
-- versions existed ran whatever was saved then, so they count as runs of the draft.
INSERT INTO "FlowVersion" ("flowId", "version", "document", "message", "publishedById", "publishedAt")
SELECT "id", 1, "definition" || jsonb_build_object('name', "name", 'description', "description"),
       'Published on upgrade from the saved flow', "createdById", "updatedAt"
FROM "Flow";
UPDATE "Flow" SET "publishedVersion" = 1;
UPDATE "Run" SET "flowVersion" = NULL;
