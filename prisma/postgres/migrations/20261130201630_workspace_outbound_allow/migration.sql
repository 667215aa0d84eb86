-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "outboundAllow" JSONB;
