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
    day DATE NOT NULL,
    employee_id TEXT NOT NULL DEFAULT '',
    src_group TEXT NOT NULL DEFAULT '',
    group_id TEXT NOT NULL DEFAULT '',
    value BIGINT NOT NULL,
    events BIGINT NOT NULL,
    PRIMARY KEY (measure_id, day, employee_id, src_group)
);

-- The measures kpi_daily holds, with the settings they were built under
-- (time zone and KPI parameters): a measure whose fingerprint differs is
-- rebuilt before it is read.
CREATE TABLE kpi_measures (
    measure_id TEXT NOT NULL PRIMARY KEY,
    kind TEXT NOT NULL,
    date_field TEXT NOT NULL,
    spec TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    built_at TIMESTAMPTZ NOT NULL
);

-- Days whose roll-ups an update or delete made stale (the old values of the
-- rows' date and time fields, as UTC days), and employees whose group
-- history changed; drained by the next import or read.
CREATE TABLE kpi_dirty_days (
    kind TEXT NOT NULL,
    day DATE NOT NULL,
    PRIMARY KEY (kind, day)
);
CREATE TABLE kpi_dirty_employees (
    employee_id TEXT NOT NULL PRIMARY KEY
);

-- Custom KPIs (and overrides of catalog KPIs, e.g. an edited target), as
-- the JSON of kpi.Definition.
CREATE TABLE kpi_definitions (
    kpi_id TEXT NOT NULL PRIMARY KEY,
    definition TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
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
    start_date DATE NOT NULL,
    deadline DATE NOT NULL,
    owner_id TEXT NOT NULL REFERENCES employees(employee_id),
    baseline_start DATE NOT NULL,
    baseline_end DATE NOT NULL,
    baseline_num BIGINT NOT NULL,
    baseline_den BIGINT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    created_by TEXT NOT NULL
);
CREATE TABLE goal_actions (
    goal_id BIGINT NOT NULL REFERENCES goals(goal_id),
    seq INTEGER NOT NULL,
    description TEXT NOT NULL,
    responsible_id TEXT NOT NULL REFERENCES employees(employee_id),
    due_date DATE NOT NULL,
    done_date DATE,
    PRIMARY KEY (goal_id, seq)
);

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
    created_at TIMESTAMPTZ NOT NULL,
    acknowledged_at TIMESTAMPTZ,
    acknowledged_by TEXT,
    UNIQUE (rule, kpi_id, scope, scope_id, period, goal_id)
);
CREATE INDEX alerts_recipient ON alerts (recipient_id, created_at);
CREATE TABLE alert_recipients (
    alert_id BIGINT NOT NULL REFERENCES alerts(alert_id),
    user_id TEXT NOT NULL,
    PRIMARY KEY (alert_id, user_id)
);
CREATE INDEX alert_recipients_user ON alert_recipients (user_id);
-- Webhook deliveries, processed by a worker with retries and backoff.
CREATE TABLE alert_deliveries (
    alert_id BIGINT NOT NULL PRIMARY KEY REFERENCES alerts(alert_id),
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    delivered_at TIMESTAMPTZ
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
    computed_at TIMESTAMPTZ NOT NULL
);
CREATE FUNCTION kpi_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE kpi_versions SET version = version + 1 WHERE kind = TG_ARGV[0] AND month = '';
    RETURN NULL;
END $$;
CREATE TRIGGER customers_kpi AFTER UPDATE OR DELETE ON customers FOR EACH STATEMENT EXECUTE FUNCTION kpi_bump_version('customers');
CREATE TRIGGER kpi_facts_kpi AFTER UPDATE OR DELETE ON kpi_facts FOR EACH STATEMENT EXECUTE FUNCTION kpi_bump_version('kpi_facts');
CREATE TRIGGER groups_kpi AFTER UPDATE OR DELETE ON groups_ FOR EACH STATEMENT EXECUTE FUNCTION kpi_bump_version('org');

-- Indexes the roll-ups and supplied fields read by.
CREATE INDEX qa_evaluations_call ON qa_evaluations (call_id);
CREATE INDEX qa_evaluations_evaluated ON qa_evaluations (evaluated_at);
CREATE INDEX return_visits_plan ON return_visits (plan_id);
CREATE INDEX promises_due ON promises (due_date);
CREATE INDEX change_requests_requested ON change_requests (requested_at);
CREATE INDEX proposals_filed ON proposals (filed_date);
CREATE INDEX suggestions_filed ON suggestions (filed_date);


-- Group history changes re-attribute the roll-ups of the employee.
CREATE FUNCTION kpi_mark_employee() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO kpi_dirty_employees (employee_id) VALUES (OLD.employee_id) ON CONFLICT DO NOTHING;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO kpi_dirty_employees (employee_id) VALUES (NEW.employee_id) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER memberships_kpi AFTER INSERT OR UPDATE OR DELETE ON memberships FOR EACH ROW
    EXECUTE FUNCTION kpi_mark_employee();

-- An update or delete of an event marks the UTC days of its old date and
-- time values dirty (arguments: the kind, then its date and time fields).
-- Inserts need no trigger: the import recomputes the days of its rows.
-- visits: next_date is derived, so updates of it alone are skipped.
CREATE FUNCTION kpi_mark_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r jsonb := to_jsonb(OLD);
    v text;
BEGIN
    FOR i IN 1 .. TG_NARGS - 1 LOOP
        v := r ->> TG_ARGV[i];
        IF v IS NOT NULL THEN
            INSERT INTO kpi_dirty_days (kind, day)
            VALUES (TG_ARGV[0], CASE WHEN length(v) = 10 THEN v::date ELSE (v::timestamptz AT TIME ZONE 'UTC')::date END)
            ON CONFLICT DO NOTHING;
        END IF;
    END LOOP;
    RETURN NULL;
END $$;

-- The events whose supplied fields an event feeds: a QA evaluation marks
-- its call (qa_scored), a return visit its plan (done), a call its
-- evaluations (their agent_id).
CREATE FUNCTION kpi_mark_dependent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'qa_evaluations' THEN
        INSERT INTO kpi_dirty_days (kind, day)
        SELECT 'calls.qa_scored', (c.queued_at AT TIME ZONE 'UTC')::date FROM calls c WHERE c.call_id = OLD.call_id
        ON CONFLICT DO NOTHING;
    ELSIF TG_TABLE_NAME = 'return_visits' THEN
        INSERT INTO kpi_dirty_days (kind, day)
        SELECT 'return_visit_plans.done', p.planned_date FROM return_visit_plans p WHERE p.plan_id = OLD.plan_id
        ON CONFLICT DO NOTHING;
    ELSIF TG_TABLE_NAME = 'calls' THEN
        INSERT INTO kpi_dirty_days (kind, day)
        SELECT DISTINCT 'qa_evaluations', (q.evaluated_at AT TIME ZONE 'UTC')::date FROM qa_evaluations q WHERE q.call_id = OLD.call_id
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER calls_kpi_dep AFTER UPDATE OR DELETE ON calls FOR EACH ROW EXECUTE FUNCTION kpi_mark_dependent();
CREATE TRIGGER qa_evaluations_kpi_dep AFTER UPDATE OR DELETE ON qa_evaluations FOR EACH ROW EXECUTE FUNCTION kpi_mark_dependent();
CREATE TRIGGER return_visits_kpi_dep AFTER UPDATE OR DELETE ON return_visits FOR EACH ROW EXECUTE FUNCTION kpi_mark_dependent();
CREATE TRIGGER calls_kpi_upd AFTER UPDATE ON calls FOR EACH ROW
    EXECUTE FUNCTION kpi_mark_dirty('calls', 'queued_at', 'answered_at', 'ended_at');
CREATE TRIGGER calls_kpi_del AFTER DELETE ON calls FOR EACH ROW
    EXECUTE FUNCTION kpi_mark_dirty('calls', 'queued_at', 'answered_at', 'ended_at');
CREATE TRIGGER visits_kpi_upd AFTER UPDATE ON visits FOR EACH ROW
    WHEN (OLD.next_date IS NOT DISTINCT FROM NEW.next_date)
    EXECUTE FUNCTION kpi_mark_dirty('visits', 'visit_date');
CREATE TRIGGER visits_kpi_del AFTER DELETE ON visits FOR EACH ROW
    EXECUTE FUNCTION kpi_mark_dirty('visits', 'visit_date');
CREATE TRIGGER surveys_kpi_upd AFTER UPDATE ON surveys FOR EACH ROW
    EXECUTE FUNCTION kpi_mark_dirty('surveys', 'answered_at');
CREATE TRIGGER surveys_kpi_del AFTER DELETE ON surveys FOR EACH ROW
    EXECUTE FUNCTION kpi_mark_dirty('surveys', 'answered_at');
CREATE TRIGGER complaints_kpi_upd AFTER UPDATE ON complaints FOR EACH ROW
    EXECUTE FUNCTION kpi_mark_dirty('complaints', 'opened_at', 'closed_at');
CREATE TRIGGER complaints_kpi_del AFTER DELETE ON complaints FOR EACH ROW
    EXECUTE FUNCTION kpi_mark_dirty('complaints', 'opened_at', 'closed_at');
CREATE TRIGGER contracts_kpi_upd AFTER UPDATE ON contracts FOR EACH ROW
    EXECUTE FUNCTION kpi_mark_dirty('contracts', 'start_date', 'expiry_date', 'contacted_at');
CREATE TRIGGER contracts_kpi_del AFTER DELETE ON contracts FOR EACH ROW
    EXECUTE FUNCTION kpi_mark_dirty('contracts', 'start_date', 'expiry_date', 'contacted_at');
CREATE TRIGGER service_requests_kpi_upd AFTER UPDATE ON service_requests FOR EACH ROW
    EXECUTE FUNCTION kpi_mark_dirty('service_requests', 'opened_at', 'first_response_at', 'resolved_at');
CREATE TRIGGER service_requests_kpi_del AFTER DELETE ON service_requests FOR EACH ROW
    EXECUTE FUNCTION kpi_mark_dirty('service_requests', 'opened_at', 'first_response_at', 'resolved_at');
CREATE TRIGGER return_visit_plans_kpi_upd AFTER UPDATE ON return_visit_plans FOR EACH ROW
    EXECUTE FUNCTION kpi_mark_dirty('return_visit_plans', 'planned_date');
CREATE TRIGGER return_visit_plans_kpi_del AFTER DELETE ON return_visit_plans FOR EACH ROW
    EXECUTE FUNCTION kpi_mark_dirty('return_visit_plans', 'planned_date');
CREATE TRIGGER return_visits_kpi_upd AFTER UPDATE ON return_visits FOR EACH ROW
    EXECUTE FUNCTION kpi_mark_dirty('return_visits', 'done_date');
CREATE TRIGGER return_visits_kpi_del AFTER DELETE ON return_visits FOR EACH ROW
    EXECUTE FUNCTION kpi_mark_dirty('return_visits', 'done_date');
CREATE TRIGGER orders_kpi_upd AFTER UPDATE ON orders FOR EACH ROW
    EXECUTE FUNCTION kpi_mark_dirty('orders', 'ordered_at', 'shipped_at', 'returned_date', 'followed_up_at');
CREATE TRIGGER orders_kpi_del AFTER DELETE ON orders FOR EACH ROW
    EXECUTE FUNCTION kpi_mark_dirty('orders', 'ordered_at', 'shipped_at', 'returned_date', 'followed_up_at');
CREATE TRIGGER qa_evaluations_kpi_upd AFTER UPDATE ON qa_evaluations FOR EACH ROW
    EXECUTE FUNCTION kpi_mark_dirty('qa_evaluations', 'evaluated_at');
CREATE TRIGGER qa_evaluations_kpi_del AFTER DELETE ON qa_evaluations FOR EACH ROW
    EXECUTE FUNCTION kpi_mark_dirty('qa_evaluations', 'evaluated_at');
CREATE TRIGGER promises_kpi_upd AFTER UPDATE ON promises FOR EACH ROW
    EXECUTE FUNCTION kpi_mark_dirty('promises', 'due_date');
CREATE TRIGGER promises_kpi_del AFTER DELETE ON promises FOR EACH ROW
    EXECUTE FUNCTION kpi_mark_dirty('promises', 'due_date');
CREATE TRIGGER change_requests_kpi_upd AFTER UPDATE ON change_requests FOR EACH ROW
    EXECUTE FUNCTION kpi_mark_dirty('change_requests', 'requested_at');
CREATE TRIGGER change_requests_kpi_del AFTER DELETE ON change_requests FOR EACH ROW
    EXECUTE FUNCTION kpi_mark_dirty('change_requests', 'requested_at');
CREATE TRIGGER proposals_kpi_upd AFTER UPDATE ON proposals FOR EACH ROW
    EXECUTE FUNCTION kpi_mark_dirty('proposals', 'filed_date');
CREATE TRIGGER proposals_kpi_del AFTER DELETE ON proposals FOR EACH ROW
    EXECUTE FUNCTION kpi_mark_dirty('proposals', 'filed_date');
CREATE TRIGGER suggestions_kpi_upd AFTER UPDATE ON suggestions FOR EACH ROW
    EXECUTE FUNCTION kpi_mark_dirty('suggestions', 'filed_date');
CREATE TRIGGER suggestions_kpi_del AFTER DELETE ON suggestions FOR EACH ROW
    EXECUTE FUNCTION kpi_mark_dirty('suggestions', 'filed_date');
