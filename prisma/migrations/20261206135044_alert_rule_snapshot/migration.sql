-- AlterTable
ALTER TABLE "alerts" ADD COLUMN     "alert_rule_active" BOOLEAN,
ADD COLUMN     "alert_rule_analytic_id" VARCHAR(100),
ADD COLUMN     "alert_rule_description" VARCHAR(2000);
