-- 0007: survey invitations answered through a one-use link without
-- signing in (SPEC §3). Only the SHA-256 of the token is kept; the link is
-- marked answered in the transaction that stores the survey.
CREATE TABLE survey_links (
    link_id BIGINT NOT NULL PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    customer_id TEXT,
    employee_id TEXT,
    source_kind TEXT,
    source_id TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    created_by TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    answered_at TIMESTAMPTZ,
    survey_id TEXT
);

CREATE INDEX survey_links_employee ON survey_links (employee_id);
