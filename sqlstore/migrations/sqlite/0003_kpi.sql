-- 0003: the KPI engine (SPEC §4–5): daily roll-ups kept at import, custom
-- KPI definitions, goals with their measures, alerts and their webhook
-- deliveries.
--
-- kpi_daily holds, for every measure of every roll-up KPI (catalog and
-- custom), the per-day sum of contributions and number of matching events
-- by responsible employee and by the event's own group (src_group: a call's
-- queue group, '' for other kinds). group_id is the group the event is
-- attributed to: the employee's group that day (memberships), else
-- src_group. It is kept in step when memberships change.
CREATE TABLE kpi_daily (
    measure_id TEXT NOT NULL,
    day TEXT NOT NULL,
    employee_id TEXT NOT NULL DEFAULT '',
    src_group TEXT NOT NULL DEFAULT '',
    group_id TEXT NOT NULL DEFAULT '',
    value BIGINT NOT NULL,
    events BIGINT NOT NULL,
    PRIMARY KEY (measure_id, day, employee_id, src_group)
) WITHOUT ROWID;

-- The measures kpi_daily holds, with the settings they were built under
-- (time zone and KPI parameters): a measure whose fingerprint differs is
-- rebuilt before it is read.
CREATE TABLE kpi_measures (
    measure_id TEXT NOT NULL PRIMARY KEY,
    kind TEXT NOT NULL,
    date_field TEXT NOT NULL,
    spec TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    built_at TEXT NOT NULL
);

-- Days whose roll-ups an update or delete made stale (the old values of the
-- rows' date and time fields, as UTC days), and employees whose group
-- history changed; drained by the next import or read.
CREATE TABLE kpi_dirty_days (
    kind TEXT NOT NULL,
    day TEXT NOT NULL,
    PRIMARY KEY (kind, day)
) WITHOUT ROWID;
CREATE TABLE kpi_dirty_employees (
    employee_id TEXT NOT NULL PRIMARY KEY
) WITHOUT ROWID;

-- Custom KPIs (and overrides of catalog KPIs, e.g. an edited target), as
-- the JSON of kpi.Definition.
CREATE TABLE kpi_definitions (
    kpi_id TEXT NOT NULL PRIMARY KEY,
    definition TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);

-- Goals (SPEC §5, seed 003) and their measures (措施).
CREATE TABLE goals (
    goal_id BIGINT NOT NULL PRIMARY KEY,
    title TEXT NOT NULL,
    kpi_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    scope_id TEXT NOT NULL,
    target_op TEXT NOT NULL,
    target_num BIGINT NOT NULL,
    target_den BIGINT NOT NULL,
    start_date TEXT NOT NULL,
    deadline TEXT NOT NULL,
    owner_id TEXT NOT NULL REFERENCES employees(employee_id),
    baseline_start TEXT NOT NULL,
    baseline_end TEXT NOT NULL,
    baseline_num BIGINT NOT NULL,
    baseline_den BIGINT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE TABLE goal_actions (
    goal_id BIGINT NOT NULL REFERENCES goals(goal_id),
    seq INTEGER NOT NULL,
    description TEXT NOT NULL,
    responsible_id TEXT NOT NULL REFERENCES employees(employee_id),
    due_date TEXT NOT NULL,
    done_date TEXT,
    PRIMARY KEY (goal_id, seq)
) WITHOUT ROWID;

-- Alerts: one per figure, rule and goal (the unique key refuses duplicates;
-- goal_id 0 for KPI alerts).
CREATE TABLE alerts (
    alert_id BIGINT NOT NULL PRIMARY KEY,
    rule TEXT NOT NULL,
    kpi_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    scope_id TEXT NOT NULL,
    period TEXT NOT NULL,
    goal_id BIGINT NOT NULL DEFAULT 0,
    numerator BIGINT NOT NULL,
    denominator BIGINT NOT NULL,
    value TEXT NOT NULL,
    reference TEXT NOT NULL,
    message TEXT NOT NULL,
    recipient_id TEXT,
    created_at TEXT NOT NULL,
    acknowledged_at TEXT,
    acknowledged_by TEXT,
    UNIQUE (rule, kpi_id, scope, scope_id, period, goal_id)
);
CREATE INDEX alerts_recipient ON alerts (recipient_id, created_at);
CREATE TABLE alert_recipients (
    alert_id BIGINT NOT NULL REFERENCES alerts(alert_id),
    user_id TEXT NOT NULL,
    PRIMARY KEY (alert_id, user_id)
) WITHOUT ROWID;
CREATE INDEX alert_recipients_user ON alert_recipients (user_id);
-- Webhook deliveries, processed by a worker with retries and backoff.
CREATE TABLE alert_deliveries (
    alert_id BIGINT NOT NULL PRIMARY KEY REFERENCES alerts(alert_id),
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    delivered_at TEXT
);
CREATE INDEX alert_deliveries_due ON alert_deliveries (status, next_attempt_at);

-- Special aggregations (repeat customers, churn, snapshots, facts) read
-- histories rather than roll-ups; their results are kept by KPI, level and
-- period in kpi_results, stamped with the versions of the data they read,
-- so that a result is reused until its data changes. kpi_versions counts
-- changes by kind and month of the events' days (month '' for the kind as
-- a whole, and for the organisation, kind 'org'): bumped by every import,
-- by drained dirty days, by group-history changes and by the triggers
-- below. A result over a window of months (repeat customers, churn)
-- depends only on the versions of those months, so new data for later
-- months leaves past results alone.
CREATE TABLE kpi_versions (
    kind TEXT NOT NULL,
    month TEXT NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (kind, month)
);
INSERT INTO kpi_versions (kind, month, version) VALUES ('customers', '', 0), ('kpi_facts', '', 0), ('org', '', 0);
CREATE TABLE kpi_results (
    result_key TEXT NOT NULL PRIMARY KEY,
    stamp TEXT NOT NULL,
    result TEXT NOT NULL,
    computed_at TEXT NOT NULL
);
CREATE TRIGGER customers_kpi_upd AFTER UPDATE ON customers FOR EACH ROW
BEGIN UPDATE kpi_versions SET version = version + 1 WHERE kind = 'customers' AND month = ''; END;
CREATE TRIGGER customers_kpi_del AFTER DELETE ON customers FOR EACH ROW
BEGIN UPDATE kpi_versions SET version = version + 1 WHERE kind = 'customers' AND month = ''; END;
CREATE TRIGGER kpi_facts_kpi_upd AFTER UPDATE ON kpi_facts FOR EACH ROW
BEGIN UPDATE kpi_versions SET version = version + 1 WHERE kind = 'kpi_facts' AND month = ''; END;
CREATE TRIGGER kpi_facts_kpi_del AFTER DELETE ON kpi_facts FOR EACH ROW
BEGIN UPDATE kpi_versions SET version = version + 1 WHERE kind = 'kpi_facts' AND month = ''; END;
CREATE TRIGGER groups_kpi_upd AFTER UPDATE ON groups_ FOR EACH ROW
BEGIN UPDATE kpi_versions SET version = version + 1 WHERE kind = 'org' AND month = ''; END;
CREATE TRIGGER groups_kpi_del AFTER DELETE ON groups_ FOR EACH ROW
BEGIN UPDATE kpi_versions SET version = version + 1 WHERE kind = 'org' AND month = ''; END;

-- Indexes the roll-ups and supplied fields read by.
CREATE INDEX qa_evaluations_call ON qa_evaluations (call_id);
CREATE INDEX qa_evaluations_evaluated ON qa_evaluations (evaluated_at);
CREATE INDEX return_visits_plan ON return_visits (plan_id);
CREATE INDEX promises_due ON promises (due_date);
CREATE INDEX change_requests_requested ON change_requests (requested_at);
CREATE INDEX proposals_filed ON proposals (filed_date);
CREATE INDEX suggestions_filed ON suggestions (filed_date);

-- Group history changes re-attribute the roll-ups of the employee.
CREATE TRIGGER memberships_kpi_ins AFTER INSERT ON memberships FOR EACH ROW
BEGIN INSERT OR IGNORE INTO kpi_dirty_employees (employee_id) VALUES (NEW.employee_id); END;
CREATE TRIGGER memberships_kpi_upd AFTER UPDATE ON memberships FOR EACH ROW
BEGIN
    INSERT OR IGNORE INTO kpi_dirty_employees (employee_id) VALUES (OLD.employee_id);
    INSERT OR IGNORE INTO kpi_dirty_employees (employee_id) VALUES (NEW.employee_id);
END;
CREATE TRIGGER memberships_kpi_del AFTER DELETE ON memberships FOR EACH ROW
BEGIN INSERT OR IGNORE INTO kpi_dirty_employees (employee_id) VALUES (OLD.employee_id); END;

-- An update or delete of an event marks the UTC days of its old date and
-- time values (and of the events whose supplied fields it feeds) dirty.
-- Inserts need no trigger: the import recomputes the days of its rows.
-- visits: next_date is derived, so updates of it alone are skipped.
CREATE TRIGGER calls_kpi_upd AFTER UPDATE ON calls FOR EACH ROW
BEGIN
    INSERT OR IGNORE INTO kpi_dirty_days (kind, day) SELECT 'calls', substr(v, 1, 10) FROM (SELECT OLD.queued_at AS v UNION ALL SELECT OLD.answered_at AS v UNION ALL SELECT OLD.ended_at AS v) WHERE v IS NOT NULL;
    INSERT OR IGNORE INTO kpi_dirty_days (kind, day) SELECT DISTINCT 'qa_evaluations', substr(q.evaluated_at, 1, 10) FROM qa_evaluations q WHERE q.call_id = OLD.call_id;
END;
CREATE TRIGGER calls_kpi_del AFTER DELETE ON calls FOR EACH ROW
BEGIN
    INSERT OR IGNORE INTO kpi_dirty_days (kind, day) SELECT 'calls', substr(v, 1, 10) FROM (SELECT OLD.queued_at AS v UNION ALL SELECT OLD.answered_at AS v UNION ALL SELECT OLD.ended_at AS v) WHERE v IS NOT NULL;
    INSERT OR IGNORE INTO kpi_dirty_days (kind, day) SELECT DISTINCT 'qa_evaluations', substr(q.evaluated_at, 1, 10) FROM qa_evaluations q WHERE q.call_id = OLD.call_id;
END;
CREATE TRIGGER visits_kpi_upd AFTER UPDATE ON visits FOR EACH ROW
    WHEN OLD.next_date IS NEW.next_date
BEGIN
    INSERT OR IGNORE INTO kpi_dirty_days (kind, day) SELECT 'visits', substr(v, 1, 10) FROM (SELECT OLD.visit_date AS v) WHERE v IS NOT NULL;
END;
CREATE TRIGGER visits_kpi_del AFTER DELETE ON visits FOR EACH ROW
BEGIN
    INSERT OR IGNORE INTO kpi_dirty_days (kind, day) SELECT 'visits', substr(v, 1, 10) FROM (SELECT OLD.visit_date AS v) WHERE v IS NOT NULL;
END;
CREATE TRIGGER surveys_kpi_upd AFTER UPDATE ON surveys FOR EACH ROW
BEGIN
    INSERT OR IGNORE INTO kpi_dirty_days (kind, day) SELECT 'surveys', substr(v, 1, 10) FROM (SELECT OLD.answered_at AS v) WHERE v IS NOT NULL;
END;
CREATE TRIGGER surveys_kpi_del AFTER DELETE ON surveys FOR EACH ROW
BEGIN
    INSERT OR IGNORE INTO kpi_dirty_days (kind, day) SELECT 'surveys', substr(v, 1, 10) FROM (SELECT OLD.answered_at AS v) WHERE v IS NOT NULL;
END;
CREATE TRIGGER complaints_kpi_upd AFTER UPDATE ON complaints FOR EACH ROW
BEGIN
    INSERT OR IGNORE INTO kpi_dirty_days (kind, day) SELECT 'complaints', substr(v, 1, 10) FROM (SELECT OLD.opened_at AS v UNION ALL SELECT OLD.closed_at AS v) WHERE v IS NOT NULL;
END;
CREATE TRIGGER complaints_kpi_del AFTER DELETE ON complaints FOR EACH ROW
BEGIN
    INSERT OR IGNORE INTO kpi_dirty_days (kind, day) SELECT 'complaints', substr(v, 1, 10) FROM (SELECT OLD.opened_at AS v UNION ALL SELECT OLD.closed_at AS v) WHERE v IS NOT NULL;
END;
CREATE TRIGGER contracts_kpi_upd AFTER UPDATE ON contracts FOR EACH ROW
BEGIN
    INSERT OR IGNORE INTO kpi_dirty_days (kind, day) SELECT 'contracts', substr(v, 1, 10) FROM (SELECT OLD.start_date AS v UNION ALL SELECT OLD.expiry_date AS v UNION ALL SELECT OLD.contacted_at AS v) WHERE v IS NOT NULL;
END;
CREATE TRIGGER contracts_kpi_del AFTER DELETE ON contracts FOR EACH ROW
BEGIN
    INSERT OR IGNORE INTO kpi_dirty_days (kind, day) SELECT 'contracts', substr(v, 1, 10) FROM (SELECT OLD.start_date AS v UNION ALL SELECT OLD.expiry_date AS v UNION ALL SELECT OLD.contacted_at AS v) WHERE v IS NOT NULL;
END;
CREATE TRIGGER service_requests_kpi_upd AFTER UPDATE ON service_requests FOR EACH ROW
BEGIN
    INSERT OR IGNORE INTO kpi_dirty_days (kind, day) SELECT 'service_requests', substr(v, 1, 10) FROM (SELECT OLD.opened_at AS v UNION ALL SELECT OLD.first_response_at AS v UNION ALL SELECT OLD.resolved_at AS v) WHERE v IS NOT NULL;
END;
CREATE TRIGGER service_requests_kpi_del AFTER DELETE ON service_requests FOR EACH ROW
BEGIN
    INSERT OR IGNORE INTO kpi_dirty_days (kind, day) SELECT 'service_requests', substr(v, 1, 10) FROM (SELECT OLD.opened_at AS v UNION ALL SELECT OLD.first_response_at AS v UNION ALL SELECT OLD.resolved_at AS v) WHERE v IS NOT NULL;
END;
CREATE TRIGGER return_visit_plans_kpi_upd AFTER UPDATE ON return_visit_plans FOR EACH ROW
BEGIN
    INSERT OR IGNORE INTO kpi_dirty_days (kind, day) SELECT 'return_visit_plans', substr(v, 1, 10) FROM (SELECT OLD.planned_date AS v) WHERE v IS NOT NULL;
END;
CREATE TRIGGER return_visit_plans_kpi_del AFTER DELETE ON return_visit_plans FOR EACH ROW
BEGIN
    INSERT OR IGNORE INTO kpi_dirty_days (kind, day) SELECT 'return_visit_plans', substr(v, 1, 10) FROM (SELECT OLD.planned_date AS v) WHERE v IS NOT NULL;
END;
CREATE TRIGGER return_visits_kpi_upd AFTER UPDATE ON return_visits FOR EACH ROW
BEGIN
    INSERT OR IGNORE INTO kpi_dirty_days (kind, day) SELECT 'return_visits', substr(v, 1, 10) FROM (SELECT OLD.done_date AS v) WHERE v IS NOT NULL;
    INSERT OR IGNORE INTO kpi_dirty_days (kind, day) SELECT 'return_visit_plans.done', p.planned_date FROM return_visit_plans p WHERE p.plan_id = OLD.plan_id;
END;
CREATE TRIGGER return_visits_kpi_del AFTER DELETE ON return_visits FOR EACH ROW
BEGIN
    INSERT OR IGNORE INTO kpi_dirty_days (kind, day) SELECT 'return_visits', substr(v, 1, 10) FROM (SELECT OLD.done_date AS v) WHERE v IS NOT NULL;
    INSERT OR IGNORE INTO kpi_dirty_days (kind, day) SELECT 'return_visit_plans.done', p.planned_date FROM return_visit_plans p WHERE p.plan_id = OLD.plan_id;
END;
CREATE TRIGGER orders_kpi_upd AFTER UPDATE ON orders FOR EACH ROW
BEGIN
    INSERT OR IGNORE INTO kpi_dirty_days (kind, day) SELECT 'orders', substr(v, 1, 10) FROM (SELECT OLD.ordered_at AS v UNION ALL SELECT OLD.shipped_at AS v UNION ALL SELECT OLD.returned_date AS v UNION ALL SELECT OLD.followed_up_at AS v) WHERE v IS NOT NULL;
END;
CREATE TRIGGER orders_kpi_del AFTER DELETE ON orders FOR EACH ROW
BEGIN
    INSERT OR IGNORE INTO kpi_dirty_days (kind, day) SELECT 'orders', substr(v, 1, 10) FROM (SELECT OLD.ordered_at AS v UNION ALL SELECT OLD.shipped_at AS v UNION ALL SELECT OLD.returned_date AS v UNION ALL SELECT OLD.followed_up_at AS v) WHERE v IS NOT NULL;
END;
CREATE TRIGGER qa_evaluations_kpi_upd AFTER UPDATE ON qa_evaluations FOR EACH ROW
BEGIN
    INSERT OR IGNORE INTO kpi_dirty_days (kind, day) SELECT 'qa_evaluations', substr(v, 1, 10) FROM (SELECT OLD.evaluated_at AS v) WHERE v IS NOT NULL;
    INSERT OR IGNORE INTO kpi_dirty_days (kind, day) SELECT 'calls.qa_scored', substr(c.queued_at, 1, 10) FROM calls c WHERE c.call_id = OLD.call_id;
END;
CREATE TRIGGER qa_evaluations_kpi_del AFTER DELETE ON qa_evaluations FOR EACH ROW
BEGIN
    INSERT OR IGNORE INTO kpi_dirty_days (kind, day) SELECT 'qa_evaluations', substr(v, 1, 10) FROM (SELECT OLD.evaluated_at AS v) WHERE v IS NOT NULL;
    INSERT OR IGNORE INTO kpi_dirty_days (kind, day) SELECT 'calls.qa_scored', substr(c.queued_at, 1, 10) FROM calls c WHERE c.call_id = OLD.call_id;
END;
CREATE TRIGGER promises_kpi_upd AFTER UPDATE ON promises FOR EACH ROW
BEGIN
    INSERT OR IGNORE INTO kpi_dirty_days (kind, day) SELECT 'promises', substr(v, 1, 10) FROM (SELECT OLD.due_date AS v) WHERE v IS NOT NULL;
END;
CREATE TRIGGER promises_kpi_del AFTER DELETE ON promises FOR EACH ROW
BEGIN
    INSERT OR IGNORE INTO kpi_dirty_days (kind, day) SELECT 'promises', substr(v, 1, 10) FROM (SELECT OLD.due_date AS v) WHERE v IS NOT NULL;
END;
CREATE TRIGGER change_requests_kpi_upd AFTER UPDATE ON change_requests FOR EACH ROW
BEGIN
    INSERT OR IGNORE INTO kpi_dirty_days (kind, day) SELECT 'change_requests', substr(v, 1, 10) FROM (SELECT OLD.requested_at AS v) WHERE v IS NOT NULL;
END;
CREATE TRIGGER change_requests_kpi_del AFTER DELETE ON change_requests FOR EACH ROW
BEGIN
    INSERT OR IGNORE INTO kpi_dirty_days (kind, day) SELECT 'change_requests', substr(v, 1, 10) FROM (SELECT OLD.requested_at AS v) WHERE v IS NOT NULL;
END;
CREATE TRIGGER proposals_kpi_upd AFTER UPDATE ON proposals FOR EACH ROW
BEGIN
    INSERT OR IGNORE INTO kpi_dirty_days (kind, day) SELECT 'proposals', substr(v, 1, 10) FROM (SELECT OLD.filed_date AS v) WHERE v IS NOT NULL;
END;
CREATE TRIGGER proposals_kpi_del AFTER DELETE ON proposals FOR EACH ROW
BEGIN
    INSERT OR IGNORE INTO kpi_dirty_days (kind, day) SELECT 'proposals', substr(v, 1, 10) FROM (SELECT OLD.filed_date AS v) WHERE v IS NOT NULL;
END;
CREATE TRIGGER suggestions_kpi_upd AFTER UPDATE ON suggestions FOR EACH ROW
BEGIN
    INSERT OR IGNORE INTO kpi_dirty_days (kind, day) SELECT 'suggestions', substr(v, 1, 10) FROM (SELECT OLD.filed_date AS v) WHERE v IS NOT NULL;
END;
CREATE TRIGGER suggestions_kpi_del AFTER DELETE ON suggestions FOR EACH ROW
BEGIN
    INSERT OR IGNORE INTO kpi_dirty_days (kind, day) SELECT 'suggestions', substr(v, 1, 10) FROM (SELECT OLD.filed_date AS v) WHERE v IS NOT NULL;
END;
