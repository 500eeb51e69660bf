-- 0006: churn at scale. A customer is churned in M with threshold N when
-- their visit in month M−N has no next visit up to the end of M; this index
-- puts a month's visits in next-date order, so that the churned customers
-- of any month and threshold are one contiguous range of it (plus the
-- visits with no next visit), read without touching the table.
CREATE INDEX visits_churn ON visits (date_trunc('month', visit_date::timestamp), next_date) INCLUDE (customer_id, visit_id, visit_date, advisor_id);

-- Visits per advisor and day: the denominators of every churn rate (a visit
-- counts for its advisor's group on its day). Kept by every import, update
-- and delete of visits (sqlstore/visits.go).
CREATE TABLE visit_days (
    visit_date DATE NOT NULL,
    advisor_id TEXT NOT NULL,
    visits BIGINT NOT NULL,
    PRIMARY KEY (visit_date, advisor_id)
);
INSERT INTO visit_days (visit_date, advisor_id, visits)
    SELECT visit_date, advisor_id, COUNT(*) FROM visits GROUP BY visit_date, advisor_id;
