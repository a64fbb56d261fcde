-- AlterTable
ALTER TABLE "webhook_deliveries" ADD COLUMN     "queued_as" VARCHAR(60);
