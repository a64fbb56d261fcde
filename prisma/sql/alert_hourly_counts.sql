
-- Written by hand (Prisma cannot express triggers), appended by `npm run db:migration -- <name> --append prisma/sql/alert_hourly_counts.sql`.
-- alert_hourly_counts follows alerts in the same transaction: a statement trigger for each of INSERT
-- (COPY included), UPDATE and DELETE adds the statement's rows to their (tenant, UTC hour of created_at,
-- severity, status, source, type, suppressed) counts and takes the old ones away, one upsert a statement.
-- The rows go in key order, so two transactions lock the counts they share in the same order. The hour is
-- truncated in UTC whatever the session's time zone. The schema engine's driver-adapter path splits a script
-- at every semicolon, inside quotes too, so the function body's semicolons are written as the escape \x3B of
-- an E'' string.
-- The migrator runs a script statement by statement, outside a transaction: this part is one, and holds
-- off writes of alerts (reads go on) from the triggers' creation to the end of the count of the alerts
-- already stored, so that no alert is counted twice or missed.
BEGIN;
LOCK TABLE "alerts" IN SHARE ROW EXCLUSIVE MODE;

CREATE FUNCTION alert_hourly_counts_follow() RETURNS trigger LANGUAGE plpgsql AS
  E'BEGIN
    IF TG_OP = ''INSERT'' THEN
      INSERT INTO alert_hourly_counts AS c (tenant_id, hour, severity, status, source, type, suppressed, count)
      SELECT tenant_id, date_trunc(''hour'', created_at, ''UTC''), severity, status, source, type, maintenance_window_id IS NOT NULL, count(*)::int
        FROM added GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7
      ON CONFLICT (tenant_id, hour, severity, status, source, type, suppressed) DO UPDATE SET count = c.count + EXCLUDED.count\x3B
    ELSIF TG_OP = ''DELETE'' THEN
      INSERT INTO alert_hourly_counts AS c (tenant_id, hour, severity, status, source, type, suppressed, count)
      SELECT tenant_id, date_trunc(''hour'', created_at, ''UTC''), severity, status, source, type, maintenance_window_id IS NOT NULL, -count(*)::int
        FROM removed GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7
      ON CONFLICT (tenant_id, hour, severity, status, source, type, suppressed) DO UPDATE SET count = c.count + EXCLUDED.count\x3B
    ELSE
      INSERT INTO alert_hourly_counts AS c (tenant_id, hour, severity, status, source, type, suppressed, count)
      SELECT tenant_id, hour, severity, status, source, type, suppressed, sum(n)::int
        FROM (SELECT tenant_id, date_trunc(''hour'', created_at, ''UTC'') AS hour, severity, status, source, type,
                     maintenance_window_id IS NOT NULL AS suppressed, 1 AS n FROM added
              UNION ALL
              SELECT tenant_id, date_trunc(''hour'', created_at, ''UTC''), severity, status, source, type,
                     maintenance_window_id IS NOT NULL, -1 FROM removed) changed
       GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7
      ON CONFLICT (tenant_id, hour, severity, status, source, type, suppressed) DO UPDATE SET count = c.count + EXCLUDED.count\x3B
    END IF\x3B
    RETURN NULL\x3B
  END';

CREATE TRIGGER alert_hourly_counts_insert
  AFTER INSERT ON "alerts" REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION alert_hourly_counts_follow();

CREATE TRIGGER alert_hourly_counts_update
  AFTER UPDATE ON "alerts" REFERENCING OLD TABLE AS removed NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION alert_hourly_counts_follow();

CREATE TRIGGER alert_hourly_counts_delete
  AFTER DELETE ON "alerts" REFERENCING OLD TABLE AS removed
  FOR EACH STATEMENT EXECUTE FUNCTION alert_hourly_counts_follow();

-- The alerts already stored.
INSERT INTO alert_hourly_counts (tenant_id, hour, severity, status, source, type, suppressed, count)
SELECT tenant_id, date_trunc('hour', created_at, 'UTC'), severity, status, source, type, maintenance_window_id IS NOT NULL, count(*)::int
  FROM alerts GROUP BY 1, 2, 3, 4, 5, 6, 7;

COMMIT;
