package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"csperf"
)

// Audit appends one entry to the audit log in its own transaction.
func (db *DB) Audit(ctx context.Context, action, object, before, after string) error {
	return db.tx(ctx, func(tx *sql.Tx) error { return db.auditTx(ctx, tx, action, object, before, after) })
}

// auditTx appends one entry inside tx: its hash covers the previous entry's
// hash and every field of its own, so that a changed, removed or inserted
// row breaks the chain (VerifyAudit).
func (db *DB) auditTx(ctx context.Context, tx querier, action, object, before, after string) error {
	if err := db.d.lockAudit(ctx, tx); err != nil {
		return err
	}
	var seq int64
	var prev string
	err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&seq, &prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("audit: %w", err)
	}
	a := csperf.ActorFrom(ctx)
	user := a.UserID
	if user == "" {
		user = "system"
	}
	e := csperf.AuditEntry{Seq: seq + 1, At: db.Now().UTC().Truncate(time.Second), UserID: user, IP: a.IP,
		Action: action, Object: object, Before: before, After: after, PrevHash: prev}
	e.Hash = auditHash(e)
	_, err = tx.ExecContext(ctx, db.q(`INSERT INTO audit_log (seq, at, user_id, ip, action, object, before_json, after_json, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`), e.Seq, db.d.arg(e.At), e.UserID, e.IP, e.Action, e.Object, e.Before, e.After, e.PrevHash, e.Hash)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

func auditHash(e csperf.AuditEntry) string {
	h := sha256.New()
	for _, s := range []string{e.PrevHash, strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(time.RFC3339), e.UserID, e.IP, e.Action, e.Object, e.Before, e.After} {
		// Length-prefixed so that moving text between fields changes the hash.
		fmt.Fprintf(h, "%d:%s|", len(s), s)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ListAudit returns audit entries, newest first, and how many match.
func (db *DB) ListAudit(ctx context.Context, f csperf.AuditFilter) ([]csperf.AuditEntry, int, error) {
	q := `SELECT seq, at, user_id, ip, action, object, before_json, after_json, prev_hash, hash, COUNT(*) OVER () FROM audit_log WHERE 1 = 1`
	var args []any
	if f.UserID != "" {
		q += " AND user_id = ?"
		args = append(args, f.UserID)
	}
	if f.Action != "" {
		q += " AND action = ?"
		args = append(args, f.Action)
	}
	if f.Object != "" {
		q += " AND object LIKE ?"
		args = append(args, f.Object+"%")
	}
	limit := f.Limit
	if limit <= 0 || limit > 10000 {
		limit = 100
	}
	q += fmt.Sprintf(" ORDER BY seq DESC LIMIT %d OFFSET %d", limit, max(f.Offset, 0))
	rows, err := db.r.QueryContext(ctx, db.q(q), args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []csperf.AuditEntry
	total := 0
	for rows.Next() {
		var e csperf.AuditEntry
		var at any
		if err := rows.Scan(&e.Seq, &at, &e.UserID, &e.IP, &e.Action, &e.Object, &e.Before, &e.After, &e.PrevHash, &e.Hash, &total); err != nil {
			return nil, 0, err
		}
		if e.At, err = scanTime(at); err != nil {
			return nil, 0, err
		}
		out = append(out, e)
	}
	return out, total, rows.Err()
}

// VerifyAudit walks the whole log in order and returns the number of
// entries checked, or an error naming the first entry whose hash or link
// does not hold (a changed, removed or inserted row).
func (db *DB) VerifyAudit(ctx context.Context) (int64, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT seq, at, user_id, ip, action, object, before_json, after_json, prev_hash, hash FROM audit_log ORDER BY seq`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var n, want int64
	prev := ""
	for rows.Next() {
		var e csperf.AuditEntry
		var at any
		if err := rows.Scan(&e.Seq, &at, &e.UserID, &e.IP, &e.Action, &e.Object, &e.Before, &e.After, &e.PrevHash, &e.Hash); err != nil {
			return n, err
		}
		if e.At, err = scanTime(at); err != nil {
			return n, err
		}
		want++
		switch {
		case e.Seq != want:
			return n, csperf.Errorf(csperf.ECONFLICT, "audit log broken at entry %d: expected entry %d (a row was removed or inserted)", e.Seq, want)
		case e.PrevHash != prev:
			return n, csperf.Errorf(csperf.ECONFLICT, "audit log broken at entry %d: it does not link to entry %d", e.Seq, e.Seq-1)
		case auditHash(e) != e.Hash:
			return n, csperf.Errorf(csperf.ECONFLICT, "audit log broken at entry %d: its content was changed", e.Seq)
		}
		prev = e.Hash
		n++
	}
	return n, rows.Err()
}

// maskedJSON renders a record for the audit log with personal data masked:
// the log records that a phone changed, never the number.
func (db *DB) maskedJSON(k *csperf.Kind, r csperf.Record) string {
	m := make(map[string]string, len(r))
	for _, f := range k.Fields {
		v := r[f.Name]
		if v == nil {
			continue
		}
		s := textOf(v)
		if f.PII != csperf.PIINone {
			s = csperf.Mask(f.PII, s)
		}
		m[f.Name] = s
	}
	b, _ := json.Marshal(m)
	return string(b)
}
