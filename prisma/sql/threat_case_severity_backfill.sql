-- Written by hand (data, not schema), appended by
-- `npm run db:migration -- tags_and_case_triage --append prisma/sql/threat_case_severity_backfill.sql`.
-- A case opened before cases had a severity takes the highest severity of its linked alerts, as a new
-- case does when its creator names none (the enum's declared order is its rank): a case without alerts
-- keeps the column's default, medium.
UPDATE "threat_cases" c
   SET "severity" = s.severity
  FROM (SELECT l.case_id, max(a.severity) AS severity
          FROM "threat_case_alerts" l JOIN "alerts" a ON a.id = l.alert_id
         GROUP BY l.case_id) s
 WHERE s.case_id = c.id;
