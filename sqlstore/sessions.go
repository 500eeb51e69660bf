package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"csperf"
)

// Sessions of signed-in browsers. Only the hash of a session id is stored
// (auth.HashSecret), so that a copy of the database gives no usable
// cookie. The caller passes the hash; the store never sees the id.

// touchEvery is how stale last_seen_at may get before a request writes it
// again: a write per page view would queue every reader behind SQLite's
// single writer for a figure that only needs minute precision.
const touchEvery = time.Minute

// CreateSession stores a new session of userID. csrf is the session's form
// token; mfaPending marks a session that still owes its second factor.
func (db *DB) CreateSession(ctx context.Context, hash, userID, csrf, ip string, mfaPending bool) error {
	now := db.Now().UTC().Truncate(time.Second)
	_, err := db.w.ExecContext(ctx, db.q(`INSERT INTO sessions (session_hash, user_id, created_at, last_seen_at, csrf, ip, mfa_pending) VALUES (?, ?, ?, ?, ?, ?, ?)`),
		hash, userID, db.d.arg(now), db.d.arg(now), csrf, ip, db.d.arg(mfaPending))
	if err != nil {
		return db.d.mapErr(err)
	}
	return nil
}

// SessionUser returns the user, form token and second-factor state of the
// session with the given hash, and notes that it was seen now. A session
// idle for longer than idle, or older than absolute, is deleted and
// reported as EUNAUTHORIZED, as is an unknown one.
func (db *DB) SessionUser(ctx context.Context, hash string, idle, absolute time.Duration) (userID, csrf string, mfaPending bool, err error) {
	var created, seen, pending any
	err = db.r.QueryRowContext(ctx, db.q(`SELECT user_id, csrf, created_at, last_seen_at, mfa_pending FROM sessions WHERE session_hash = ?`), hash).
		Scan(&userID, &csrf, &created, &seen, &pending)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", false, csperf.Errorf(csperf.EUNAUTHORIZED, "not signed in")
	}
	if err != nil {
		return "", "", false, err
	}
	p, err := db.keepSession(ctx, hash, created, seen, pending, idle, absolute)
	if err != nil {
		return "", "", false, err
	}
	return userID, csrf, p, nil
}

// keepSession checks a session's limits from its stored times: one past
// them is deleted and reported as EUNAUTHORIZED; one not seen for
// touchEvery is noted as seen now. It returns the second-factor state.
func (db *DB) keepSession(ctx context.Context, hash string, created, seen, pending any, idle, absolute time.Duration) (bool, error) {
	c, err := scanTime(created)
	if err != nil {
		return false, err
	}
	s, err := scanTime(seen)
	if err != nil {
		return false, err
	}
	p, err := db.d.scanValue(csperf.TBool, pending)
	if err != nil {
		return false, err
	}
	now := db.Now().UTC()
	if now.Sub(s) > idle || now.Sub(c) > absolute {
		if err := db.DeleteSession(ctx, hash); err != nil {
			return false, err
		}
		return false, csperf.Errorf(csperf.EUNAUTHORIZED, "the session has expired; sign in again")
	}
	if now.Sub(s) >= touchEvery {
		if _, err := db.w.ExecContext(ctx, db.q(`UPDATE sessions SET last_seen_at = ? WHERE session_hash = ?`), db.d.arg(now.Truncate(time.Second)), hash); err != nil {
			return false, err
		}
	}
	return p.(bool), nil
}

// SessionWithUser is SessionUser followed by UserByID in one statement
// (the session, its user and the user's groups), with the same limits,
// touch and errors: every page and API call with a cookie starts here, and
// under load each statement waits for a pooled connection. A session whose
// user is gone is EUNAUTHORIZED.
func (db *DB) SessionWithUser(ctx context.Context, hash string, idle, absolute time.Duration) (*csperf.User, string, bool, error) {
	groups := `group_concat(g.group_id, char(31))`
	if db.d.engine == postgres {
		groups = `string_agg(g.group_id, chr(31) ORDER BY g.group_id)`
	}
	cols := "u." + strings.ReplaceAll(userCols, ", ", ", u.")
	row := db.r.QueryRowContext(ctx, db.q(`SELECT s.csrf, s.created_at, s.last_seen_at, s.mfa_pending, `+groups+`, `+cols+`
		FROM sessions s JOIN users u ON u.user_id = s.user_id LEFT JOIN user_groups g ON g.user_id = u.user_id
		WHERE s.session_hash = ? GROUP BY s.session_hash, u.user_id`), hash)
	var csrf string
	var created, seen, pending any
	var gs sql.NullString
	u, err := db.scanUser(prefixScan{row, []any{&csrf, &created, &seen, &pending, &gs}})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", false, csperf.Errorf(csperf.EUNAUTHORIZED, "not signed in")
	}
	if err != nil {
		return nil, "", false, err
	}
	if gs.Valid {
		u.GroupIDs = strings.Split(gs.String, "\x1f")
		slices.Sort(u.GroupIDs)
	}
	p, err := db.keepSession(ctx, hash, created, seen, pending, idle, absolute)
	if err != nil {
		return nil, "", false, err
	}
	return u, csrf, p, nil
}

// prefixScan scans a row whose first columns are extra, then a user's.
type prefixScan struct {
	row   *sql.Row
	extra []any
}

func (p prefixScan) Scan(dest ...any) error { return p.row.Scan(append(p.extra, dest...)...) }

// SetSessionMFA records that the session has (pending false) or still owes
// (true) its second factor.
func (db *DB) SetSessionMFA(ctx context.Context, hash string, pending bool) error {
	_, err := db.w.ExecContext(ctx, db.q(`UPDATE sessions SET mfa_pending = ? WHERE session_hash = ?`), db.d.arg(pending), hash)
	return err
}

// DeleteSession ends one session (sign-out); an unknown hash is no error.
func (db *DB) DeleteSession(ctx context.Context, hash string) error {
	_, err := db.w.ExecContext(ctx, db.q(`DELETE FROM sessions WHERE session_hash = ?`), hash)
	return err
}

// DeleteUserSessions ends every session of a user, as a password change,
// a role change or disabling the account must.
func (db *DB) DeleteUserSessions(ctx context.Context, userID string) error {
	_, err := db.w.ExecContext(ctx, db.q(`DELETE FROM sessions WHERE user_id = ?`), userID)
	return err
}

// PurgeSessions deletes every session past its idle or absolute limit and
// returns how many.
func (db *DB) PurgeSessions(ctx context.Context, idle, absolute time.Duration) (int64, error) {
	now := db.Now().UTC()
	r, err := db.w.ExecContext(ctx, db.q(`DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?`),
		db.d.arg(now.Add(-idle)), db.d.arg(now.Add(-absolute)))
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}
