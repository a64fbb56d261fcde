-- Written by hand (Prisma cannot express expression indexes), appended by
-- `npm run db:migration -- alert_duplicates_shelve --append prisma/sql/alert_last_received_index.sql`.
-- An alert not repeated yet keeps last_received_at null (it was last received when it was created), so adding
-- the column rewrote no stored alert. The sort and the filters of the list read COALESCE(last_received_at,
-- created_at), which this index serves per tenant, with the id as the tie-breaker of keyset pages.
CREATE INDEX "alerts_tenant_last_received_idx" ON "alerts" ("tenant_id", (COALESCE("last_received_at", "created_at")), "id");

-- Statistics of the new expression at once (the planner otherwise guesses its selectivity until the next ANALYZE of autovacuum).
ANALYZE "alerts";
