-- 0002: churn assessment. The visits_date index covers what a month's
-- assessment reads (advisor, next visit, customer; visit_id rides along as
-- the key), so one range scan answers it without touching the table.
DROP INDEX visits_date;
CREATE INDEX visits_date ON visits (visit_date, advisor_id, next_date, customer_id);

-- A closed month keeps its report as computed; later data never changes it.
CREATE TABLE churn_closed (
    month TEXT NOT NULL PRIMARY KEY,
    report_json TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    closed_at TEXT NOT NULL,
    closed_by TEXT NOT NULL
);
