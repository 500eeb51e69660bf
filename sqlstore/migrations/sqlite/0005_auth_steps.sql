-- 0005: password history keyed by a per-user sequence (two changes within
-- one second no longer collide), and the last accepted TOTP time step of
-- each user, so that a one-time code is accepted once.
CREATE TABLE password_history_new (
    user_id TEXT NOT NULL REFERENCES users(user_id),
    seq BIGINT NOT NULL,
    changed_at TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    PRIMARY KEY (user_id, seq)
) WITHOUT ROWID;

INSERT INTO password_history_new (user_id, seq, changed_at, password_hash)
SELECT user_id, ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY changed_at), changed_at, password_hash
FROM password_history;

DROP TABLE password_history;

ALTER TABLE password_history_new RENAME TO password_history;

ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
