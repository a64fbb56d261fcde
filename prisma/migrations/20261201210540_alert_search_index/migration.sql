-- DropIndex
DROP INDEX "alerts_text_trgm_idx";


-- Written by hand (Prisma cannot express expression indexes), appended by
-- `npm run db:migration -- alert_search_index --append prisma/sql/alert_search_index.sql`.
-- `q` searches title, message, source, alertable_id and the rule name as one text, the five joined by
-- U+0001 (no search text holds it, so no match can span two fields): one trigram GIN over one expression
-- instead of five columns halves the index work of every insert (docs/BENCHMARKS.md) and answers a search
-- with one index scan instead of a BitmapOr of five.
CREATE FUNCTION alert_search_text(title text, message text, source text, alertable_id text, rule_name text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN title || E'\x01' || coalesce(message, '') || E'\x01' || source || E'\x01' || coalesce(alertable_id, '') || E'\x01' || coalesce(rule_name, '');

CREATE INDEX "alerts_search_trgm_idx" ON "alerts" USING gin ((alert_search_text("title", "message", "source", "alertable_id", "alert_rule_name")) gin_trgm_ops);

-- Statistics of the new expression at once (the planner otherwise guesses its selectivity until autovacuum's next ANALYZE).
ANALYZE "alerts";
