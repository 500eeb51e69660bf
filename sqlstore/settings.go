package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"csperf"
)

// Setting returns the stored value of key and whether it is set.
func (db *DB) Setting(ctx context.Context, key string) (string, bool, error) {
	var v string
	err := db.r.QueryRowContext(ctx, db.q(`SELECT value FROM settings WHERE key = ?`), key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("setting %s: %w", key, err)
	}
	return v, true, nil
}

// SetSetting stores key = value and audits the change with the value
// before and after.
func (db *DB) SetSetting(ctx context.Context, key, value string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var old string
		err := tx.QueryRowContext(ctx, db.q(`SELECT value FROM settings WHERE key = ?`), key).Scan(&old)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err == nil && old == value {
			return nil
		}
		who := csperf.ActorFrom(ctx).UserID
		if who == "" {
			who = "system"
		}
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`),
			key, value, db.d.arg(db.Now()), who); err != nil {
			return fmt.Errorf("set %s: %w", key, err)
		}
		if err := db.bumpSettings(ctx, tx); err != nil {
			return err
		}
		return db.auditTx(ctx, tx, "setting", "settings/"+key, old, value)
	})
}

// SettingTimeZone is the key of the organisation's time zone.
const SettingTimeZone = "org.timezone"

// LoadOrgSettings reads the organisation's time zone into db.Loc.
func (db *DB) LoadOrgSettings(ctx context.Context) error {
	tz, ok, err := db.Setting(ctx, SettingTimeZone)
	if err != nil || !ok {
		return err
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return csperf.Errorf(csperf.EINVALID, "setting %s: unknown time zone %q", SettingTimeZone, tz)
	}
	db.Loc = loc
	return nil
}
