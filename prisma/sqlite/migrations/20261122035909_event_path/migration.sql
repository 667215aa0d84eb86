-- AlterTable
ALTER TABLE "RunEvent" ADD COLUMN "path" TEXT;
