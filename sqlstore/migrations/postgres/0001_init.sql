-- 0001: every record kind of SPEC §1–3, users, tokens, settings and the audit log.
-- Timestamps are UTC (TIMESTAMPTZ); days are DATE;
-- money is integer fen. Event tables carry no foreign keys: the importer checks every reference
-- set-wise before it writes, and the store refuses deletes of referenced records; per-row
-- foreign-key triggers would cost the bulk-load speed the import targets need.
-- import_id names the import that last wrote a row (NULL for rows written by forms or the API).
CREATE TABLE departments (
    department_id TEXT NOT NULL,
    name TEXT NOT NULL,
    import_id BIGINT,
    PRIMARY KEY (department_id)
);

CREATE TABLE positions (
    position_id TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    name_en TEXT,
    family TEXT,
    import_id BIGINT,
    PRIMARY KEY (position_id)
);

CREATE TABLE groups_ (
    group_id TEXT NOT NULL,
    name TEXT NOT NULL,
    department_id TEXT REFERENCES departments(department_id),
    group_type TEXT,
    import_id BIGINT,
    PRIMARY KEY (group_id)
);

CREATE TABLE employees (
    employee_id TEXT NOT NULL,
    name TEXT NOT NULL,
    position TEXT NOT NULL REFERENCES positions(position_id),
    group_id TEXT REFERENCES groups_(group_id),
    department_id TEXT REFERENCES departments(department_id),
    hire_date DATE,
    leave_date DATE,
    supervisor_id TEXT REFERENCES employees(employee_id),
    phone TEXT,
    email TEXT,
    bonus_base BIGINT,
    import_id BIGINT,
    PRIMARY KEY (employee_id)
);

CREATE TABLE memberships (
    employee_id TEXT NOT NULL REFERENCES employees(employee_id),
    group_id TEXT NOT NULL REFERENCES groups_(group_id),
    from_date DATE NOT NULL,
    to_date DATE,
    import_id BIGINT,
    PRIMARY KEY (employee_id, from_date)
);

CREATE TABLE coverage (
    specialist_id TEXT NOT NULL REFERENCES employees(employee_id),
    advisor_id TEXT NOT NULL REFERENCES employees(employee_id),
    from_date DATE NOT NULL,
    to_date DATE,
    import_id BIGINT,
    PRIMARY KEY (specialist_id, advisor_id, from_date)
);

CREATE TABLE customers (
    customer_id TEXT NOT NULL,
    name TEXT NOT NULL,
    phone TEXT,
    email TEXT,
    address TEXT,
    company TEXT,
    id_number TEXT,
    region TEXT,
    tier TEXT,
    key_account BOOLEAN,
    credit_grade TEXT,
    consent_date DATE,
    notes TEXT,
    import_id BIGINT,
    PRIMARY KEY (customer_id)
);

CREATE TABLE visits (
    visit_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    advisor_id TEXT NOT NULL,
    visit_date DATE NOT NULL,
    service_type TEXT,
    amount BIGINT,
    next_date DATE,
    import_id BIGINT,
    PRIMARY KEY (visit_id)
);

CREATE TABLE calls (
    call_id TEXT NOT NULL,
    agent_id TEXT,
    customer_id TEXT,
    group_id TEXT,
    direction TEXT NOT NULL,
    queued_at TIMESTAMPTZ NOT NULL,
    answered_at TIMESTAMPTZ,
    ended_at TIMESTAMPTZ,
    talk_seconds BIGINT,
    hold_seconds BIGINT,
    abandoned BOOLEAN,
    effective BOOLEAN,
    resolved_first_contact BOOLEAN,
    import_id BIGINT,
    PRIMARY KEY (call_id)
);

CREATE TABLE qa_evaluations (
    evaluation_id TEXT NOT NULL,
    call_id TEXT NOT NULL,
    inspector_id TEXT NOT NULL,
    evaluated_at TIMESTAMPTZ NOT NULL,
    score BIGINT NOT NULL,
    etiquette BIGINT,
    accuracy BIGINT,
    solution BIGINT,
    compliance BIGINT,
    comment TEXT,
    import_id BIGINT,
    PRIMARY KEY (evaluation_id)
);

CREATE TABLE service_requests (
    request_id TEXT NOT NULL,
    customer_id TEXT,
    employee_id TEXT,
    channel TEXT,
    category TEXT,
    opened_at TIMESTAMPTZ NOT NULL,
    first_response_at TIMESTAMPTZ,
    resolved_at TIMESTAMPTZ,
    resolved_first_visit BOOLEAN,
    import_id BIGINT,
    PRIMARY KEY (request_id)
);

CREATE TABLE complaints (
    complaint_id TEXT NOT NULL,
    customer_id TEXT,
    employee_id TEXT,
    class TEXT NOT NULL,
    channel TEXT,
    cause TEXT,
    description TEXT,
    opened_at TIMESTAMPTZ NOT NULL,
    closed_at TIMESTAMPTZ,
    status TEXT,
    escalated BOOLEAN,
    escalated_to TEXT,
    resolved BOOLEAN,
    skip_level BOOLEAN,
    order_cancelled BOOLEAN,
    unresolvable_reason TEXT,
    import_id BIGINT,
    PRIMARY KEY (complaint_id)
);

CREATE TABLE return_visit_plans (
    plan_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    specialist_id TEXT NOT NULL,
    planned_date DATE NOT NULL,
    purpose TEXT,
    mode TEXT,
    planned_cost BIGINT,
    import_id BIGINT,
    PRIMARY KEY (plan_id)
);

CREATE TABLE return_visits (
    return_visit_id TEXT NOT NULL,
    plan_id TEXT,
    customer_id TEXT NOT NULL,
    specialist_id TEXT NOT NULL,
    done_date DATE NOT NULL,
    satisfaction TEXT,
    opinions TEXT,
    actions TEXT,
    reviewed_by TEXT,
    churn_reason TEXT,
    import_id BIGINT,
    PRIMARY KEY (return_visit_id)
);

CREATE TABLE surveys (
    survey_id TEXT NOT NULL,
    customer_id TEXT,
    employee_id TEXT,
    answered_at TIMESTAMPTZ NOT NULL,
    overall TEXT,
    product_function TEXT,
    product_quality TEXT,
    product_price TEXT,
    product_packaging TEXT,
    service_attitude TEXT,
    service_responsibility TEXT,
    service_efficiency TEXT,
    technical_skill TEXT,
    complaint_handling TEXT,
    repair_quality TEXT,
    fault_resolution TEXT,
    suggestions TEXT,
    import_id BIGINT,
    PRIMARY KEY (survey_id)
);

CREATE TABLE contracts (
    contract_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    employee_id TEXT,
    start_date DATE NOT NULL,
    expiry_date DATE NOT NULL,
    renewed BOOLEAN,
    contacted_at TIMESTAMPTZ,
    termination_reason TEXT,
    import_id BIGINT,
    PRIMARY KEY (contract_id)
);

CREATE TABLE orders (
    order_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    employee_id TEXT,
    ordered_at TIMESTAMPTZ NOT NULL,
    product TEXT,
    quote_price BIGINT,
    final_price BIGINT,
    shipped_at TIMESTAMPTZ,
    returned BOOLEAN,
    returned_date DATE,
    cancelled_for_complaint BOOLEAN,
    followed_up_at TIMESTAMPTZ,
    import_id BIGINT,
    PRIMARY KEY (order_id)
);

CREATE TABLE promises (
    promise_id TEXT NOT NULL,
    customer_id TEXT,
    employee_id TEXT NOT NULL,
    due_date DATE NOT NULL,
    kept BOOLEAN,
    content TEXT,
    import_id BIGINT,
    PRIMARY KEY (promise_id)
);

CREATE TABLE change_requests (
    request_id TEXT NOT NULL,
    customer_id TEXT,
    employee_id TEXT NOT NULL,
    requested_at TIMESTAMPTZ NOT NULL,
    reason TEXT,
    import_id BIGINT,
    PRIMARY KEY (request_id)
);

CREATE TABLE proposals (
    proposal_id TEXT NOT NULL,
    customer_id TEXT,
    employee_id TEXT,
    title TEXT NOT NULL,
    filed_date DATE NOT NULL,
    economic_benefit BIGINT,
    completeness BIGINT,
    creativity BIGINT,
    scope BIGINT,
    research_time BIGINT,
    improvement_cost BIGINT,
    status TEXT,
    award BIGINT,
    import_id BIGINT,
    PRIMARY KEY (proposal_id)
);

CREATE TABLE suggestions (
    suggestion_id TEXT NOT NULL,
    employee_id TEXT NOT NULL,
    filed_date DATE NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    content TEXT,
    status TEXT,
    import_id BIGINT,
    PRIMARY KEY (suggestion_id)
);

CREATE TABLE kpi_facts (
    kpi_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    scope_id TEXT NOT NULL,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    numerator BIGINT NOT NULL,
    denominator BIGINT NOT NULL,
    import_id BIGINT,
    PRIMARY KEY (kpi_id, scope, scope_id, period_start)
);;

CREATE INDEX visits_date ON visits (visit_date);
CREATE INDEX visits_customer ON visits (customer_id, visit_date, visit_id);
CREATE INDEX calls_queued ON calls (queued_at);
CREATE INDEX calls_agent ON calls (agent_id, queued_at);
CREATE INDEX surveys_answered ON surveys (answered_at);
CREATE INDEX complaints_opened ON complaints (opened_at);
CREATE INDEX complaints_closed ON complaints (closed_at);
CREATE INDEX contracts_expiry ON contracts (expiry_date);
CREATE INDEX service_requests_opened ON service_requests (opened_at);
CREATE INDEX return_visit_plans_planned ON return_visit_plans (planned_date);
CREATE INDEX return_visits_done ON return_visits (done_date);
CREATE INDEX orders_ordered ON orders (ordered_at);
CREATE INDEX memberships_group ON memberships (group_id);

CREATE TABLE settings (
    key TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by TEXT NOT NULL
);

CREATE TABLE imports (
    import_id BIGINT NOT NULL PRIMARY KEY,
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    user_id TEXT NOT NULL,
    inserted BIGINT NOT NULL,
    updated BIGINT NOT NULL,
    unchanged BIGINT NOT NULL
);

CREATE TABLE users (
    user_id TEXT NOT NULL PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    employee_id TEXT REFERENCES employees(employee_id),
    password_hash TEXT NOT NULL,
    password_changed_at TIMESTAMPTZ NOT NULL,
    lang TEXT NOT NULL DEFAULT 'zh',
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMPTZ,
    totp_secret TEXT,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE user_groups (
    user_id TEXT NOT NULL REFERENCES users(user_id),
    group_id TEXT NOT NULL REFERENCES groups_(group_id),
    PRIMARY KEY (user_id, group_id)
);

CREATE TABLE password_history (
    user_id TEXT NOT NULL REFERENCES users(user_id),
    changed_at TIMESTAMPTZ NOT NULL,
    password_hash TEXT NOT NULL,
    PRIMARY KEY (user_id, changed_at)
);

CREATE TABLE api_tokens (
    token_hash TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(user_id),
    name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ
);

CREATE TABLE sessions (
    session_hash TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(user_id),
    created_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    csrf TEXT NOT NULL,
    ip TEXT NOT NULL,
    mfa_pending BOOLEAN NOT NULL DEFAULT FALSE
);

-- The audit log is append-only: the triggers below refuse UPDATE and DELETE,
-- and each row's hash chains over the previous row's (csperf audit verify).
CREATE TABLE audit_log (
    seq BIGINT NOT NULL PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    user_id TEXT NOT NULL,
    ip TEXT NOT NULL,
    action TEXT NOT NULL,
    object TEXT NOT NULL,
    before_json TEXT NOT NULL,
    after_json TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

CREATE FUNCTION audit_log_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse();
