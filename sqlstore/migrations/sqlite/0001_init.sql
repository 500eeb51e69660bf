-- 0001: every record kind of SPEC §1–3, users, tokens, settings and the audit log.
-- Timestamps are UTC (TEXT 'YYYY-MM-DDTHH:MM:SSZ'); days are TEXT 'YYYY-MM-DD';
-- money is integer fen. Event tables carry no foreign keys: the importer checks every reference
-- set-wise before it writes, and the store refuses deletes of referenced records; per-row
-- foreign-key triggers would cost the bulk-load speed the import targets need.
-- import_id names the import that last wrote a row (NULL for rows written by forms or the API).
CREATE TABLE departments (
    department_id TEXT NOT NULL,
    name TEXT NOT NULL,
    import_id BIGINT,
    PRIMARY KEY (department_id)
) WITHOUT ROWID;

CREATE TABLE positions (
    position_id TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    name_en TEXT,
    family TEXT,
    import_id BIGINT,
    PRIMARY KEY (position_id)
) WITHOUT ROWID;

CREATE TABLE groups_ (
    group_id TEXT NOT NULL,
    name TEXT NOT NULL,
    department_id TEXT REFERENCES departments(department_id),
    group_type TEXT,
    import_id BIGINT,
    PRIMARY KEY (group_id)
) WITHOUT ROWID;

CREATE TABLE employees (
    employee_id TEXT NOT NULL,
    name TEXT NOT NULL,
    position TEXT NOT NULL REFERENCES positions(position_id),
    group_id TEXT REFERENCES groups_(group_id),
    department_id TEXT REFERENCES departments(department_id),
    hire_date TEXT,
    leave_date TEXT,
    supervisor_id TEXT REFERENCES employees(employee_id),
    phone TEXT,
    email TEXT,
    bonus_base INTEGER,
    import_id BIGINT,
    PRIMARY KEY (employee_id)
) WITHOUT ROWID;

CREATE TABLE memberships (
    employee_id TEXT NOT NULL REFERENCES employees(employee_id),
    group_id TEXT NOT NULL REFERENCES groups_(group_id),
    from_date TEXT NOT NULL,
    to_date TEXT,
    import_id BIGINT,
    PRIMARY KEY (employee_id, from_date)
) WITHOUT ROWID;

CREATE TABLE coverage (
    specialist_id TEXT NOT NULL REFERENCES employees(employee_id),
    advisor_id TEXT NOT NULL REFERENCES employees(employee_id),
    from_date TEXT NOT NULL,
    to_date TEXT,
    import_id BIGINT,
    PRIMARY KEY (specialist_id, advisor_id, from_date)
) WITHOUT ROWID;

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
    key_account INTEGER,
    credit_grade TEXT,
    consent_date TEXT,
    notes TEXT,
    import_id BIGINT,
    PRIMARY KEY (customer_id)
) WITHOUT ROWID;

CREATE TABLE visits (
    visit_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    advisor_id TEXT NOT NULL,
    visit_date TEXT NOT NULL,
    service_type TEXT,
    amount INTEGER,
    next_date TEXT,
    import_id BIGINT,
    PRIMARY KEY (visit_id)
) WITHOUT ROWID;

CREATE TABLE calls (
    call_id TEXT NOT NULL,
    agent_id TEXT,
    customer_id TEXT,
    group_id TEXT,
    direction TEXT NOT NULL,
    queued_at TEXT NOT NULL,
    answered_at TEXT,
    ended_at TEXT,
    talk_seconds INTEGER,
    hold_seconds INTEGER,
    abandoned INTEGER,
    effective INTEGER,
    resolved_first_contact INTEGER,
    import_id BIGINT,
    PRIMARY KEY (call_id)
) WITHOUT ROWID;

CREATE TABLE qa_evaluations (
    evaluation_id TEXT NOT NULL,
    call_id TEXT NOT NULL,
    inspector_id TEXT NOT NULL,
    evaluated_at TEXT NOT NULL,
    score INTEGER NOT NULL,
    etiquette INTEGER,
    accuracy INTEGER,
    solution INTEGER,
    compliance INTEGER,
    comment TEXT,
    import_id BIGINT,
    PRIMARY KEY (evaluation_id)
) WITHOUT ROWID;

CREATE TABLE service_requests (
    request_id TEXT NOT NULL,
    customer_id TEXT,
    employee_id TEXT,
    channel TEXT,
    category TEXT,
    opened_at TEXT NOT NULL,
    first_response_at TEXT,
    resolved_at TEXT,
    resolved_first_visit INTEGER,
    import_id BIGINT,
    PRIMARY KEY (request_id)
) WITHOUT ROWID;

CREATE TABLE complaints (
    complaint_id TEXT NOT NULL,
    customer_id TEXT,
    employee_id TEXT,
    class TEXT NOT NULL,
    channel TEXT,
    cause TEXT,
    description TEXT,
    opened_at TEXT NOT NULL,
    closed_at TEXT,
    status TEXT,
    escalated INTEGER,
    escalated_to TEXT,
    resolved INTEGER,
    skip_level INTEGER,
    order_cancelled INTEGER,
    unresolvable_reason TEXT,
    import_id BIGINT,
    PRIMARY KEY (complaint_id)
) WITHOUT ROWID;

CREATE TABLE return_visit_plans (
    plan_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    specialist_id TEXT NOT NULL,
    planned_date TEXT NOT NULL,
    purpose TEXT,
    mode TEXT,
    planned_cost INTEGER,
    import_id BIGINT,
    PRIMARY KEY (plan_id)
) WITHOUT ROWID;

CREATE TABLE return_visits (
    return_visit_id TEXT NOT NULL,
    plan_id TEXT,
    customer_id TEXT NOT NULL,
    specialist_id TEXT NOT NULL,
    done_date TEXT NOT NULL,
    satisfaction TEXT,
    opinions TEXT,
    actions TEXT,
    reviewed_by TEXT,
    churn_reason TEXT,
    import_id BIGINT,
    PRIMARY KEY (return_visit_id)
) WITHOUT ROWID;

CREATE TABLE surveys (
    survey_id TEXT NOT NULL,
    customer_id TEXT,
    employee_id TEXT,
    answered_at TEXT NOT NULL,
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
) WITHOUT ROWID;

CREATE TABLE contracts (
    contract_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    employee_id TEXT,
    start_date TEXT NOT NULL,
    expiry_date TEXT NOT NULL,
    renewed INTEGER,
    contacted_at TEXT,
    termination_reason TEXT,
    import_id BIGINT,
    PRIMARY KEY (contract_id)
) WITHOUT ROWID;

CREATE TABLE orders (
    order_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    employee_id TEXT,
    ordered_at TEXT NOT NULL,
    product TEXT,
    quote_price INTEGER,
    final_price INTEGER,
    shipped_at TEXT,
    returned INTEGER,
    returned_date TEXT,
    cancelled_for_complaint INTEGER,
    followed_up_at TEXT,
    import_id BIGINT,
    PRIMARY KEY (order_id)
) WITHOUT ROWID;

CREATE TABLE promises (
    promise_id TEXT NOT NULL,
    customer_id TEXT,
    employee_id TEXT NOT NULL,
    due_date TEXT NOT NULL,
    kept INTEGER,
    content TEXT,
    import_id BIGINT,
    PRIMARY KEY (promise_id)
) WITHOUT ROWID;

CREATE TABLE change_requests (
    request_id TEXT NOT NULL,
    customer_id TEXT,
    employee_id TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    reason TEXT,
    import_id BIGINT,
    PRIMARY KEY (request_id)
) WITHOUT ROWID;

CREATE TABLE proposals (
    proposal_id TEXT NOT NULL,
    customer_id TEXT,
    employee_id TEXT,
    title TEXT NOT NULL,
    filed_date TEXT NOT NULL,
    economic_benefit INTEGER,
    completeness INTEGER,
    creativity INTEGER,
    scope INTEGER,
    research_time INTEGER,
    improvement_cost INTEGER,
    status TEXT,
    award INTEGER,
    import_id BIGINT,
    PRIMARY KEY (proposal_id)
) WITHOUT ROWID;

CREATE TABLE suggestions (
    suggestion_id TEXT NOT NULL,
    employee_id TEXT NOT NULL,
    filed_date TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    content TEXT,
    status TEXT,
    import_id BIGINT,
    PRIMARY KEY (suggestion_id)
) WITHOUT ROWID;

CREATE TABLE kpi_facts (
    kpi_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    scope_id TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    numerator INTEGER NOT NULL,
    denominator INTEGER NOT NULL,
    import_id BIGINT,
    PRIMARY KEY (kpi_id, scope, scope_id, period_start)
) WITHOUT ROWID;;

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
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);

CREATE TABLE imports (
    import_id BIGINT NOT NULL PRIMARY KEY,
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    started_at TEXT NOT NULL,
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
    password_changed_at TEXT NOT NULL,
    lang TEXT NOT NULL DEFAULT 'zh',
    disabled INTEGER NOT NULL DEFAULT 0,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    totp_secret TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE user_groups (
    user_id TEXT NOT NULL REFERENCES users(user_id),
    group_id TEXT NOT NULL REFERENCES groups_(group_id),
    PRIMARY KEY (user_id, group_id)
) WITHOUT ROWID;

CREATE TABLE password_history (
    user_id TEXT NOT NULL REFERENCES users(user_id),
    changed_at TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    PRIMARY KEY (user_id, changed_at)
) WITHOUT ROWID;

CREATE TABLE api_tokens (
    token_hash TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(user_id),
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT
);

CREATE TABLE sessions (
    session_hash TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(user_id),
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    csrf TEXT NOT NULL,
    ip TEXT NOT NULL,
    mfa_pending INTEGER NOT NULL DEFAULT 0
);

-- The audit log is append-only: the triggers below refuse UPDATE and DELETE,
-- and each row's hash chains over the previous row's (csperf audit verify).
CREATE TABLE audit_log (
    seq BIGINT NOT NULL PRIMARY KEY,
    at TEXT NOT NULL,
    user_id TEXT NOT NULL,
    ip TEXT NOT NULL,
    action TEXT NOT NULL,
    object TEXT NOT NULL,
    before_json TEXT NOT NULL,
    after_json TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
