-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN "modelPrices" JSONB;

-- AlterTable
ALTER TABLE "Run" ADD COLUMN "usage" JSONB;
