-- DropForeignKey
ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "webhook_deliveries_tenant_id_fkey";

-- DropForeignKey
ALTER TABLE "webhook_delivery_attempts" DROP CONSTRAINT "webhook_delivery_attempts_tenant_id_fkey";

-- DropIndex
DROP INDEX "webhook_deliveries_tenant_id_subscription_id_created_at_id_idx";

-- AlterTable
ALTER TABLE "outbox_events" ADD COLUMN     "made_deliveries" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "webhook_deliveries" ADD COLUMN     "round_from" INTEGER NOT NULL DEFAULT 0,
ALTER COLUMN "payload" DROP NOT NULL;
