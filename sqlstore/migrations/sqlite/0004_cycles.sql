-- 0004: scorecard templates and evaluation cycles (SPEC §7, §10).
--
-- A cycle keeps its setup (settings, templates, KPI definitions) as JSON
-- taken when it was created, and its inputs as rows: the members as they
-- were (position, group, bonus base), the KPI values pulled from events at
-- the last computation, and the self and supervisor ratings. The results
-- are rows too, and the canonical JSON of the whole computation sits in
-- cycle_outputs (its SHA-256 on the cycle), apart from the cycle's row so
-- that reading or updating a cycle never wades through megabytes. Closing a cycle freezes all of that: the
-- triggers below refuse every INSERT, UPDATE and DELETE of a closed cycle's
-- rows, whoever runs it, and every change of a closed cycle itself except
-- the reopening (a state change with a reason, counted), which the store
-- allows only to an admin and audits.
CREATE TABLE scorecard_templates (
    template_id TEXT NOT NULL PRIMARY KEY,
    definition TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);

CREATE TABLE cycles (
    cycle_id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    period TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    scope_level TEXT NOT NULL,
    scope_id TEXT NOT NULL,
    state TEXT NOT NULL,
    setup_json TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    computed_at TEXT,
    computed_by TEXT,
    result_sha256 TEXT,
    approved_at TEXT,
    approved_by TEXT,
    closed_at TEXT,
    closed_by TEXT,
    reopen_count INTEGER NOT NULL DEFAULT 0,
    reopen_reason TEXT,
    CHECK (state IN ('open', 'rated', 'computed', 'reviewed', 'closed'))
);
CREATE INDEX cycles_period ON cycles (kind, period_start);

CREATE TABLE cycle_outputs (
    cycle_id TEXT NOT NULL PRIMARY KEY REFERENCES cycles(cycle_id),
    result_json TEXT NOT NULL
);

CREATE TABLE cycle_members (
    cycle_id TEXT NOT NULL REFERENCES cycles(cycle_id),
    employee_id TEXT NOT NULL,
    name TEXT NOT NULL,
    position TEXT NOT NULL,
    group_id TEXT NOT NULL DEFAULT '',
    hire_date TEXT,
    bonus_base BIGINT,
    PRIMARY KEY (cycle_id, employee_id)
) WITHOUT ROWID;

CREATE TABLE cycle_kpi_values (
    cycle_id TEXT NOT NULL REFERENCES cycles(cycle_id),
    employee_id TEXT NOT NULL,
    kpi_id TEXT NOT NULL,
    numerator BIGINT NOT NULL,
    denominator BIGINT NOT NULL,
    PRIMARY KEY (cycle_id, employee_id, kpi_id)
) WITHOUT ROWID;

CREATE TABLE cycle_ratings (
    cycle_id TEXT NOT NULL REFERENCES cycles(cycle_id),
    employee_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    source TEXT NOT NULL,
    points TEXT NOT NULL,
    rated_by TEXT NOT NULL,
    rated_at TEXT NOT NULL,
    PRIMARY KEY (cycle_id, employee_id, item_id, source),
    CHECK (source IN ('self', 'supervisor'))
) WITHOUT ROWID;

CREATE TABLE cycle_results (
    cycle_id TEXT NOT NULL REFERENCES cycles(cycle_id),
    employee_id TEXT NOT NULL,
    template_id TEXT NOT NULL,
    score TEXT,
    score_shown TEXT NOT NULL,
    grade TEXT NOT NULL,
    coefficient TEXT,
    bonus_base BIGINT,
    bonus BIGINT,
    missing_inputs INTEGER NOT NULL,
    explanation TEXT NOT NULL,
    PRIMARY KEY (cycle_id, employee_id)
) WITHOUT ROWID;

CREATE TABLE cycle_objections (
    objection_id INTEGER NOT NULL PRIMARY KEY,
    cycle_id TEXT NOT NULL REFERENCES cycles(cycle_id),
    employee_id TEXT NOT NULL,
    text TEXT NOT NULL,
    filed_by TEXT NOT NULL,
    filed_at TEXT NOT NULL,
    answer TEXT,
    answered_by TEXT,
    answered_at TEXT
);
CREATE INDEX cycle_objections_cycle ON cycle_objections (cycle_id, employee_id);

-- Training (SPEC §10): plans, their participants with exam and practical
-- scores, and the KPIs a course targets.
CREATE TABLE training_plans (
    plan_id TEXT NOT NULL PRIMARY KEY,
    course TEXT NOT NULL,
    content TEXT NOT NULL DEFAULT '',
    mode TEXT NOT NULL,
    trainer TEXT NOT NULL DEFAULT '',
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    horizon TEXT NOT NULL,
    targets TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    CHECK (mode IN ('online', 'offline')),
    CHECK (horizon IN ('annual', 'quarterly', 'monthly'))
);
CREATE TABLE training_participants (
    plan_id TEXT NOT NULL REFERENCES training_plans(plan_id),
    employee_id TEXT NOT NULL,
    exam_score TEXT,
    practical_score TEXT,
    PRIMARY KEY (plan_id, employee_id)
) WITHOUT ROWID;

-- Frozen rows of closed cycles.
CREATE TRIGGER cycle_members_frozen_ins BEFORE INSERT ON cycle_members
WHEN (SELECT state FROM cycles WHERE cycle_id = NEW.cycle_id) = 'closed'
BEGIN SELECT RAISE(ABORT, 'the cycle is closed: its members are frozen'); END;
CREATE TRIGGER cycle_members_frozen_upd BEFORE UPDATE ON cycle_members
WHEN (SELECT state FROM cycles WHERE cycle_id = OLD.cycle_id) = 'closed' OR (SELECT state FROM cycles WHERE cycle_id = NEW.cycle_id) = 'closed'
BEGIN SELECT RAISE(ABORT, 'the cycle is closed: its members are frozen'); END;
CREATE TRIGGER cycle_members_frozen_del BEFORE DELETE ON cycle_members
WHEN (SELECT state FROM cycles WHERE cycle_id = OLD.cycle_id) = 'closed'
BEGIN SELECT RAISE(ABORT, 'the cycle is closed: its members are frozen'); END;

CREATE TRIGGER cycle_outputs_frozen_ins BEFORE INSERT ON cycle_outputs
WHEN (SELECT state FROM cycles WHERE cycle_id = NEW.cycle_id) = 'closed'
BEGIN SELECT RAISE(ABORT, 'the cycle is closed: its results are frozen'); END;
CREATE TRIGGER cycle_outputs_frozen_upd BEFORE UPDATE ON cycle_outputs
WHEN (SELECT state FROM cycles WHERE cycle_id = OLD.cycle_id) = 'closed' OR (SELECT state FROM cycles WHERE cycle_id = NEW.cycle_id) = 'closed'
BEGIN SELECT RAISE(ABORT, 'the cycle is closed: its results are frozen'); END;
CREATE TRIGGER cycle_outputs_frozen_del BEFORE DELETE ON cycle_outputs
WHEN (SELECT state FROM cycles WHERE cycle_id = OLD.cycle_id) = 'closed'
BEGIN SELECT RAISE(ABORT, 'the cycle is closed: its results are frozen'); END;

CREATE TRIGGER cycle_kpi_values_frozen_ins BEFORE INSERT ON cycle_kpi_values
WHEN (SELECT state FROM cycles WHERE cycle_id = NEW.cycle_id) = 'closed'
BEGIN SELECT RAISE(ABORT, 'the cycle is closed: its KPI values are frozen'); END;
CREATE TRIGGER cycle_kpi_values_frozen_upd BEFORE UPDATE ON cycle_kpi_values
WHEN (SELECT state FROM cycles WHERE cycle_id = OLD.cycle_id) = 'closed' OR (SELECT state FROM cycles WHERE cycle_id = NEW.cycle_id) = 'closed'
BEGIN SELECT RAISE(ABORT, 'the cycle is closed: its KPI values are frozen'); END;
CREATE TRIGGER cycle_kpi_values_frozen_del BEFORE DELETE ON cycle_kpi_values
WHEN (SELECT state FROM cycles WHERE cycle_id = OLD.cycle_id) = 'closed'
BEGIN SELECT RAISE(ABORT, 'the cycle is closed: its KPI values are frozen'); END;

CREATE TRIGGER cycle_ratings_frozen_ins BEFORE INSERT ON cycle_ratings
WHEN (SELECT state FROM cycles WHERE cycle_id = NEW.cycle_id) = 'closed'
BEGIN SELECT RAISE(ABORT, 'the cycle is closed: its ratings are frozen'); END;
CREATE TRIGGER cycle_ratings_frozen_upd BEFORE UPDATE ON cycle_ratings
WHEN (SELECT state FROM cycles WHERE cycle_id = OLD.cycle_id) = 'closed' OR (SELECT state FROM cycles WHERE cycle_id = NEW.cycle_id) = 'closed'
BEGIN SELECT RAISE(ABORT, 'the cycle is closed: its ratings are frozen'); END;
CREATE TRIGGER cycle_ratings_frozen_del BEFORE DELETE ON cycle_ratings
WHEN (SELECT state FROM cycles WHERE cycle_id = OLD.cycle_id) = 'closed'
BEGIN SELECT RAISE(ABORT, 'the cycle is closed: its ratings are frozen'); END;

CREATE TRIGGER cycle_results_frozen_ins BEFORE INSERT ON cycle_results
WHEN (SELECT state FROM cycles WHERE cycle_id = NEW.cycle_id) = 'closed'
BEGIN SELECT RAISE(ABORT, 'the cycle is closed: its results are frozen'); END;
CREATE TRIGGER cycle_results_frozen_upd BEFORE UPDATE ON cycle_results
WHEN (SELECT state FROM cycles WHERE cycle_id = OLD.cycle_id) = 'closed' OR (SELECT state FROM cycles WHERE cycle_id = NEW.cycle_id) = 'closed'
BEGIN SELECT RAISE(ABORT, 'the cycle is closed: its results are frozen'); END;
CREATE TRIGGER cycle_results_frozen_del BEFORE DELETE ON cycle_results
WHEN (SELECT state FROM cycles WHERE cycle_id = OLD.cycle_id) = 'closed'
BEGIN SELECT RAISE(ABORT, 'the cycle is closed: its results are frozen'); END;

CREATE TRIGGER cycle_objections_frozen_ins BEFORE INSERT ON cycle_objections
WHEN (SELECT state FROM cycles WHERE cycle_id = NEW.cycle_id) = 'closed'
BEGIN SELECT RAISE(ABORT, 'the cycle is closed: its objections are frozen'); END;
CREATE TRIGGER cycle_objections_frozen_upd BEFORE UPDATE ON cycle_objections
WHEN (SELECT state FROM cycles WHERE cycle_id = OLD.cycle_id) = 'closed' OR (SELECT state FROM cycles WHERE cycle_id = NEW.cycle_id) = 'closed'
BEGIN SELECT RAISE(ABORT, 'the cycle is closed: its objections are frozen'); END;
CREATE TRIGGER cycle_objections_frozen_del BEFORE DELETE ON cycle_objections
WHEN (SELECT state FROM cycles WHERE cycle_id = OLD.cycle_id) = 'closed'
BEGIN SELECT RAISE(ABORT, 'the cycle is closed: its objections are frozen'); END;

-- A closed cycle changes only by being reopened: its state leaves
-- 'closed', its reopen count goes up by one, a reason is given, and what
-- it was computed from and to stays as it was.
CREATE TRIGGER cycles_frozen_upd BEFORE UPDATE ON cycles
WHEN OLD.state = 'closed' AND (
    NEW.state = 'closed' OR NEW.reopen_count IS NOT OLD.reopen_count + 1
    OR NEW.reopen_reason IS NULL OR NEW.reopen_reason = ''
    OR NEW.cycle_id IS NOT OLD.cycle_id OR NEW.kind IS NOT OLD.kind OR NEW.period IS NOT OLD.period
    OR NEW.period_start IS NOT OLD.period_start OR NEW.period_end IS NOT OLD.period_end
    OR NEW.scope_level IS NOT OLD.scope_level OR NEW.scope_id IS NOT OLD.scope_id
    OR NEW.setup_json IS NOT OLD.setup_json
    OR NEW.result_sha256 IS NOT OLD.result_sha256 OR NEW.computed_at IS NOT OLD.computed_at
    OR NEW.computed_by IS NOT OLD.computed_by)
BEGIN SELECT RAISE(ABORT, 'the cycle is closed: reopen it (an admin, with a reason) before changing it'); END;
CREATE TRIGGER cycles_frozen_del BEFORE DELETE ON cycles
WHEN OLD.state = 'closed'
BEGIN SELECT RAISE(ABORT, 'the cycle is closed: it cannot be deleted'); END;
