
-- A new alerts month's primary key is the last index made on it. Where the planner sizes two indexes alike (a
-- month never analysed, or analysed while nearly empty), it takes the index made last: its list of a table's
-- indexes runs newest first. Made by CREATE TABLE ... PARTITION OF, a month got its primary key first, and the
-- foreign key check of each timeline entry (`id = $1`) was planned on the last one made,
-- (tenant_id, COALESCE(last_received_at, created_at), id): a walk of that whole index for every entry, which the
-- api's connections kept until an analysis of the month replaced the plan (docs/BENCHMARKS.md, "Ten times the
-- data"). So the month is made as a table of its own like alerts, given the parent's other indexes in their
-- order and then its primary key, and attached: ATTACH PARTITION finds every index in place and makes none,
-- and gives the month the parent's foreign keys and row triggers, as PARTITION OF did. It locks alerts less
-- (SHARE UPDATE EXCLUSIVE rather than ACCESS EXCLUSIVE) and, like it, scans the default partition for rows of
-- the month. The months made before keep their order: the worker's first analysis of a month replaces the plan.
CREATE OR REPLACE FUNCTION partition_create(tbl text, month timestamptz) RETURNS text LANGUAGE plpgsql AS
  E'DECLARE
    starts timestamp := date_trunc(''month'', month AT TIME ZONE ''UTC'')\x3B
    ends timestamp := starts + interval ''1 month''\x3B
    suffix text := ''_'' || to_char(starts, ''YYYY_MM'')\x3B
    low text := ''alr_'' || ulid_time(starts AT TIME ZONE ''UTC'') || repeat(''0'', 16)\x3B
    high text := ''alr_'' || ulid_time(ends AT TIME ZONE ''UTC'') || repeat(''0'', 16)\x3B
    idx record\x3B
  BEGIN
    IF tbl = ''audit_events'' THEN
      IF to_regclass(tbl || suffix) IS NULL THEN
        EXECUTE format(''CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)'', tbl || suffix, tbl, starts || ''+00'', ends || ''+00'')\x3B
        -- A statement trigger of the parent does not fire for a TRUNCATE of the partition itself.
        EXECUTE format(''CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()'', tbl || suffix)\x3B
      END IF\x3B
      RETURN tbl || suffix\x3B
    END IF\x3B
    IF tbl NOT IN (''alerts'', ''alert_timeline'') THEN
      RAISE EXCEPTION ''partition_create: % is not partitioned by month'', tbl\x3B
    END IF\x3B
    IF to_regclass(''alerts'' || suffix) IS NULL THEN
      EXECUTE format(''CREATE TABLE %I (LIKE alerts INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMPRESSION)'', ''alerts'' || suffix)\x3B
      FOR idx IN SELECT pg_get_indexdef(i.indexrelid) AS definition FROM pg_index i
                  WHERE i.indrelid = ''alerts''::regclass AND NOT i.indisprimary ORDER BY i.indexrelid LOOP
        -- "CREATE INDEX alerts_x_idx ON ONLY public.alerts USING ..." made on the month, named as PARTITION OF names it.
        EXECUTE regexp_replace(idx.definition, ''^(CREATE (UNIQUE )?INDEX) \\S+ ON ONLY \\S+ '', format(''\\1 ON %I '', ''alerts'' || suffix))\x3B
      END LOOP\x3B
      EXECUTE format(''ALTER TABLE %I ADD CONSTRAINT %I PRIMARY KEY (id)'', ''alerts'' || suffix, ''alerts'' || suffix || ''_pkey'')\x3B
      EXECUTE format(''ALTER TABLE alerts ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)'', ''alerts'' || suffix, low, high)\x3B
    END IF\x3B
    IF to_regclass(''alert_timeline'' || suffix) IS NULL THEN
      EXECUTE format(''CREATE TABLE %I PARTITION OF alert_timeline FOR VALUES FROM (%L) TO (%L)'', ''alert_timeline'' || suffix, low, high)\x3B
      PERFORM partition_timeline_key(suffix)\x3B
    END IF\x3B
    RETURN tbl || suffix\x3B
  END';
