-- AlterTable
ALTER TABLE "Flow" ADD COLUMN     "webhookMode" TEXT NOT NULL DEFAULT 'async',
ADD COLUMN     "webhookToken" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Flow_webhookToken_key" ON "Flow"("webhookToken");
