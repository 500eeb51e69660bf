package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"csperf"
)

const userCols = `user_id, username, display_name, role, employee_id, lang, disabled, password_hash, password_changed_at, failed_logins, locked_until, totp_secret, created_at`

func (db *DB) scanUser(sc interface{ Scan(...any) error }) (*csperf.User, error) {
	var u csperf.User
	var emp, totp sql.NullString
	var disabled, changed, locked, created any
	if err := sc.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &emp, &u.Lang, &disabled, &u.PasswordHash, &changed, &u.FailedLogins, &locked, &totp, &created); err != nil {
		return nil, err
	}
	u.EmployeeID, u.TOTPSecret = emp.String, totp.String
	b, err := db.d.scanValue(csperf.TBool, disabled)
	if err != nil {
		return nil, err
	}
	u.Disabled = b.(bool)
	if u.PasswordChangedAt, err = scanTime(changed); err != nil {
		return nil, err
	}
	if u.CreatedAt, err = scanTime(created); err != nil {
		return nil, err
	}
	if locked != nil {
		t, err := scanTime(locked)
		if err != nil {
			return nil, err
		}
		u.LockedUntil = &t
	}
	return &u, nil
}

func (db *DB) userGroups(ctx context.Context, u *csperf.User) error {
	rows, err := db.r.QueryContext(ctx, db.q(`SELECT group_id FROM user_groups WHERE user_id = ? ORDER BY group_id`), u.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var g string
		if err := rows.Scan(&g); err != nil {
			return err
		}
		u.GroupIDs = append(u.GroupIDs, g)
	}
	return rows.Err()
}

// UserByName returns the user with the given user name.
func (db *DB) UserByName(ctx context.Context, username string) (*csperf.User, error) {
	return db.userWhere(ctx, "username = ?", username)
}

// UserByID returns the user with the given id.
func (db *DB) UserByID(ctx context.Context, id string) (*csperf.User, error) {
	return db.userWhere(ctx, "user_id = ?", id)
}

func (db *DB) userWhere(ctx context.Context, cond string, arg any) (*csperf.User, error) {
	u, err := db.scanUser(db.r.QueryRowContext(ctx, db.q(`SELECT `+userCols+` FROM users WHERE `+cond), arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, csperf.Errorf(csperf.ENOTFOUND, "no such user")
	}
	if err != nil {
		return nil, err
	}
	return u, db.userGroups(ctx, u)
}

// ListUsers returns every user.
func (db *DB) ListUsers(ctx context.Context) ([]*csperf.User, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+userCols+` FROM users ORDER BY username`)
	if err != nil {
		return nil, err
	}
	var out []*csperf.User
	for rows.Next() {
		u, err := db.scanUser(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, u)
	}
	rows.Close()
	for _, u := range out {
		if err := db.userGroups(ctx, u); err != nil {
			return nil, err
		}
	}
	return out, rows.Err()
}

// CreateUser stores a new user whose PasswordHash is already set.
func (db *DB) CreateUser(ctx context.Context, u *csperf.User) error {
	if !csperf.ValidRole(u.Role) {
		return csperf.FieldErrorf("role", "%q is not a role (%s)", u.Role, strings.Join(csperf.Roles, ", "))
	}
	if strings.TrimSpace(u.Username) == "" {
		return csperf.FieldErrorf("username", "is required")
	}
	if u.ID == "" {
		u.ID = u.Username
	}
	if u.Lang == "" {
		u.Lang = "zh"
	}
	if u.DisplayName == "" {
		u.DisplayName = u.Username
	}
	now := db.Now().UTC().Truncate(time.Second)
	u.CreatedAt, u.PasswordChangedAt = now, now
	var emp any
	if u.EmployeeID != "" {
		emp = u.EmployeeID
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, db.q(`INSERT INTO users (user_id, username, display_name, role, employee_id, lang, disabled, password_hash, password_changed_at, failed_logins, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`), u.ID, u.Username, u.DisplayName, u.Role, emp, u.Lang, db.d.arg(false), u.PasswordHash, db.d.arg(now), db.d.arg(now))
		if err != nil {
			if db.d.isUnique(err) {
				return csperf.FieldErrorf("username", "user %s exists already", u.Username)
			}
			if db.d.isForeignKey(err) {
				return csperf.FieldErrorf("employee_id", "no employee %s", u.EmployeeID)
			}
			return err
		}
		if err := db.setGroups(ctx, tx, u.ID, u.GroupIDs); err != nil {
			return err
		}
		if err := db.addPasswordHistory(ctx, tx, u.ID, now, u.PasswordHash); err != nil {
			return err
		}
		return db.auditTx(ctx, tx, "user.create", "users/"+u.ID, "", fmt.Sprintf(`{"username":%q,"role":%q,"employee_id":%q,"groups":%q}`, u.Username, u.Role, u.EmployeeID, strings.Join(u.GroupIDs, ",")))
	})
}

func (db *DB) setGroups(ctx context.Context, tx *sql.Tx, userID string, groups []string) error {
	if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM user_groups WHERE user_id = ?`), userID); err != nil {
		return err
	}
	for _, g := range groups {
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO user_groups (user_id, group_id) VALUES (?, ?)`), userID, g); err != nil {
			if db.d.isForeignKey(err) {
				return csperf.FieldErrorf("group_ids", "no group %s", g)
			}
			return err
		}
	}
	return nil
}

// UpdateUser changes a user and audits every change of role, groups,
// password or state.
func (db *DB) UpdateUser(ctx context.Context, id string, upd csperf.UserUpdate) error {
	old, err := db.UserByID(ctx, id)
	if err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var changes []string
		if upd.Role != nil {
			if !csperf.ValidRole(*upd.Role) {
				return csperf.FieldErrorf("role", "%q is not a role", *upd.Role)
			}
			if _, err := tx.ExecContext(ctx, db.q(`UPDATE users SET role = ? WHERE user_id = ?`), *upd.Role, id); err != nil {
				return err
			}
			changes = append(changes, fmt.Sprintf("role %s→%s", old.Role, *upd.Role))
		}
		if upd.Lang != nil {
			if *upd.Lang != "zh" && *upd.Lang != "en" {
				return csperf.FieldErrorf("lang", "must be zh or en")
			}
			if _, err := tx.ExecContext(ctx, db.q(`UPDATE users SET lang = ? WHERE user_id = ?`), *upd.Lang, id); err != nil {
				return err
			}
		}
		if upd.Disabled != nil {
			if _, err := tx.ExecContext(ctx, db.q(`UPDATE users SET disabled = ? WHERE user_id = ?`), db.d.arg(*upd.Disabled), id); err != nil {
				return err
			}
			changes = append(changes, fmt.Sprintf("disabled=%v", *upd.Disabled))
		}
		if upd.GroupIDs != nil {
			if err := db.setGroups(ctx, tx, id, *upd.GroupIDs); err != nil {
				return err
			}
			changes = append(changes, "groups "+strings.Join(old.GroupIDs, ",")+"→"+strings.Join(*upd.GroupIDs, ","))
		}
		if upd.PasswordHash != nil {
			now := db.Now().UTC().Truncate(time.Second)
			if _, err := tx.ExecContext(ctx, db.q(`UPDATE users SET password_hash = ?, password_changed_at = ?, failed_logins = 0, locked_until = NULL WHERE user_id = ?`), *upd.PasswordHash, db.d.arg(now), id); err != nil {
				return err
			}
			if err := db.addPasswordHistory(ctx, tx, id, now, *upd.PasswordHash); err != nil {
				return err
			}
			changes = append(changes, "password changed")
		}
		if upd.TOTPSecret != nil {
			var v any
			if *upd.TOTPSecret != "" {
				v = *upd.TOTPSecret
			}
			if _, err := tx.ExecContext(ctx, db.q(`UPDATE users SET totp_secret = ? WHERE user_id = ?`), v, id); err != nil {
				return err
			}
			changes = append(changes, fmt.Sprintf("two-factor %v", *upd.TOTPSecret != ""))
		}
		if len(changes) == 0 {
			return nil
		}
		return db.auditTx(ctx, tx, "user.update", "users/"+id, "", strings.Join(changes, "; "))
	})
}

// addPasswordHistory appends a password to the user's history under the
// next number of the user's own sequence: changes within one second (or
// one tick of a test clock) are kept apart. Callers update the user's row
// first, which on PostgreSQL locks it, so two changes of one user cannot
// pick the same number.
func (db *DB) addPasswordHistory(ctx context.Context, tx *sql.Tx, userID string, at time.Time, hash string) error {
	_, err := tx.ExecContext(ctx, db.q(`INSERT INTO password_history (user_id, seq, changed_at, password_hash)
		VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM password_history WHERE user_id = ?), ?, ?)`), userID, userID, db.d.arg(at), hash)
	return err
}

// PasswordHistory returns the user's last n password hashes, newest first.
func (db *DB) PasswordHistory(ctx context.Context, id string, n int) ([]string, error) {
	rows, err := db.r.QueryContext(ctx, db.q(`SELECT password_hash FROM password_history WHERE user_id = ? ORDER BY seq DESC LIMIT ?`), id, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// RecordLogin notes a failed (ok false) or successful sign-in; after
// maxFailures failures in a row the account is locked until lockUntil.
func (db *DB) RecordLogin(ctx context.Context, id string, ok bool, maxFailures int, lockUntil time.Time) error {
	if ok {
		_, err := db.w.ExecContext(ctx, db.q(`UPDATE users SET failed_logins = 0, locked_until = NULL WHERE user_id = ?`), id)
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.q(`UPDATE users SET failed_logins = failed_logins + 1 WHERE user_id = ?`), id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, db.q(`UPDATE users SET locked_until = ?, failed_logins = 0 WHERE user_id = ? AND failed_logins >= ?`), db.d.arg(lockUntil), id, maxFailures)
		return err
	})
}

// CreateToken stores the hash of a new API token for the user.
func (db *DB) CreateToken(ctx context.Context, userID, name, tokenHash string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO api_tokens (token_hash, user_id, name, created_at) VALUES (?, ?, ?, ?)`),
			tokenHash, userID, name, db.d.arg(db.Now())); err != nil {
			return db.d.mapErr(err)
		}
		return db.auditTx(ctx, tx, "token.create", "users/"+userID, "", name)
	})
}

// UserByToken returns the user an API token (by its hash) belongs to.
func (db *DB) UserByToken(ctx context.Context, tokenHash string) (*csperf.User, error) {
	var id string
	err := db.r.QueryRowContext(ctx, db.q(`SELECT user_id FROM api_tokens WHERE token_hash = ?`), tokenHash).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, csperf.Errorf(csperf.EUNAUTHORIZED, "unknown API token")
	}
	if err != nil {
		return nil, err
	}
	return db.UserByID(ctx, id)
}

// UseTOTPStep records that the user signed in (or enrolled) with the
// one-time code of the given time step. It returns false, changing
// nothing, when a code of that step or a later one was accepted already:
// a code is good once, even within its 30-second window. The check and
// the write are one conditional UPDATE, so two requests racing with the
// same code cannot both win.
func (db *DB) UseTOTPStep(ctx context.Context, id string, step int64) (bool, error) {
	res, err := db.w.ExecContext(ctx, db.q(`UPDATE users SET totp_last_step = ? WHERE user_id = ? AND (totp_last_step IS NULL OR totp_last_step < ?)`), step, id, step)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, err
	}
	return n == 1, nil
}
