package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"csperf"
)

// rowRule is a check on one imported row that needs more than one column:
// cond selects the rows that break it.
type rowRule struct {
	column, cond, reason string
}

// kindRules are the cross-column checks of each kind, run set-wise over the
// import table (dates and instants compare correctly as text on SQLite and
// as DATE/TIMESTAMPTZ on PostgreSQL).
var kindRules = map[string][]rowRule{
	"memberships": {{"to_date", "i.to_date < i.from_date", "to_date is before from_date"}},
	"coverage":    {{"to_date", "i.to_date < i.from_date", "to_date is before from_date"}},
	"calls": {
		{"answered_at", "i.abandoned AND i.answered_at IS NOT NULL", "an abandoned call has no answer time"},
		{"answered_at", "NOT COALESCE(i.abandoned, FALSE) AND i.direction = 'in' AND i.answered_at IS NULL", "an inbound call that was not abandoned needs answered_at"},
		{"answered_at", "i.answered_at < i.queued_at", "answered_at is before queued_at"},
		{"ended_at", "i.ended_at < i.queued_at", "ended_at is before queued_at"},
		{"agent_id", "i.agent_id IS NULL AND NOT COALESCE(i.abandoned, FALSE)", "agent_id is needed unless the call was abandoned"},
	},
	"complaints": {{"closed_at", "i.closed_at < i.opened_at", "closed_at is before opened_at"}},
	"contracts":  {{"expiry_date", "i.expiry_date < i.start_date", "expiry_date is before start_date"}},
	"service_requests": {
		{"first_response_at", "i.first_response_at < i.opened_at", "first_response_at is before opened_at"},
		{"resolved_at", "i.resolved_at < i.opened_at", "resolved_at is before opened_at"},
	},
	"kpi_facts": {
		{"period_end", "i.period_end < i.period_start", "period_end is before period_start"},
		{"denominator", "i.denominator < 0 OR i.numerator < 0", "numerator and denominator cannot be negative"},
	},
}

func (db *DB) checkKindRules(ctx context.Context, conn *sql.Conn, k *csperf.Kind, opt csperf.ImportOptions, errs *csperf.ImportError) error {
	for _, r := range kindRules[k.Name] {
		rows, err := conn.QueryContext(ctx, fmt.Sprintf(`SELECT i.row_no, 0, '' FROM imp i WHERE %s ORDER BY i.row_no LIMIT %d`, r.cond, csperf.MaxRowErrors))
		if err != nil {
			return fmt.Errorf("check %s: %w", r.column, err)
		}
		if err := scanErrors(rows, 1, func(row, _ int64, _ []string) {
			errs.Add(csperf.RowError{File: opt.File, Row: int(row), Column: header(opt, r.column), Reason: r.reason})
		}); err != nil {
			return err
		}
	}
	if k.Name == "memberships" {
		// Two memberships of one employee may not overlap: an employee is in
		// one group at a time.
		q := `SELECT i.row_no, 0, i.employee_id FROM imp i WHERE EXISTS (
			SELECT 1 FROM (SELECT employee_id, from_date, to_date, row_no FROM imp
			               UNION ALL SELECT employee_id, from_date, to_date, -1 FROM memberships m
			               WHERE NOT EXISTS (SELECT 1 FROM imp x WHERE x.employee_id = m.employee_id AND x.from_date = m.from_date)) o
			WHERE o.employee_id = i.employee_id AND o.row_no <> i.row_no AND o.from_date <> i.from_date
			  AND o.from_date <= COALESCE(i.to_date, '9999-12-31') AND i.from_date <= COALESCE(o.to_date, '9999-12-31'))
			ORDER BY i.row_no LIMIT 1000`
		rows, err := conn.QueryContext(ctx, db.d.dateLiterals(q))
		if err != nil {
			return fmt.Errorf("check memberships: %w", err)
		}
		if err := scanErrors(rows, 1, func(row, _ int64, v []string) {
			errs.Add(csperf.RowError{File: opt.File, Row: int(row), Column: header(opt, "from_date"), Reason: fmt.Sprintf("membership overlaps another membership of employee %s", v[0])})
		}); err != nil {
			return err
		}
	}
	return nil
}

// derivedMembership is the import_id of memberships that csperf opened
// itself from an employee's group_id; an import of memberships for that
// employee is the real history and replaces them.
const derivedMembership = "-1"

// beforeCheck prepares the table for an import's checks: explicit
// membership history takes precedence over the memberships derived from
// employees' group_id (otherwise importing employees and then their history
// would collide on the first membership). A derived membership whose start
// an imported one covers is dropped; one that an imported membership starts
// within ends the day before. Only a file does this: a history file is the
// authority, while a single membership entered in a form or through the API
// that overlaps another is refused like any other overlap.
func (db *DB) beforeCheck(ctx context.Context, conn *sql.Conn, k *csperf.Kind, opt csperf.ImportOptions) error {
	if k.Name != "memberships" || opt.File == "" {
		return nil
	}
	type span struct {
		emp      string
		from, to csperf.Date
	}
	read := func(q string) ([]span, error) {
		rows, err := conn.QueryContext(ctx, q)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []span
		for rows.Next() {
			var s span
			var to any
			if err := rows.Scan(&s.emp, &s.from, &to); err != nil {
				return nil, err
			}
			if s.to, err = openEnd(to); err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, rows.Err()
	}
	derived, err := read(`SELECT employee_id, from_date, to_date FROM memberships WHERE import_id = ` + derivedMembership + `
		AND employee_id IN (SELECT employee_id FROM imp)`)
	if err != nil || len(derived) == 0 {
		return err
	}
	imported, err := read(`SELECT employee_id, from_date, to_date FROM imp`)
	if err != nil {
		return err
	}
	for _, m := range derived {
		end, drop := m.to, false
		for _, i := range imported {
			if i.emp != m.emp {
				continue
			}
			if i.from <= m.from && m.from <= i.to {
				drop = true
			} else if m.from < i.from && i.from <= end {
				end = i.from - 1
			}
		}
		key := []any{m.emp, db.d.arg(m.from)}
		switch {
		case drop:
			_, err = conn.ExecContext(ctx, db.q(`DELETE FROM memberships WHERE employee_id = ? AND from_date = ?`), key...)
		case end != m.to:
			_, err = conn.ExecContext(ctx, db.q(`UPDATE memberships SET to_date = ? WHERE employee_id = ? AND from_date = ?`), append([]any{db.d.arg(end)}, key...)...)
		}
		if err != nil {
			return fmt.Errorf("derived memberships: %w", err)
		}
	}
	return nil
}

// afterImport keeps derived data in step with what an import wrote.
func (db *DB) afterImport(ctx context.Context, conn *sql.Conn, k *csperf.Kind) error {
	switch k.Name {
	case "employees":
		// An employee's group column is their current group: open a
		// membership when it changes, closing the previous one the day
		// before, so that past months stay with the group of their time.
		today := csperf.DateOf(db.Now().In(db.Loc))
		if _, err := conn.ExecContext(ctx, db.q(`UPDATE memberships SET to_date = ?
			WHERE to_date IS NULL AND from_date < ? AND EXISTS (SELECT 1 FROM imp i WHERE i.employee_id = memberships.employee_id
			  AND i.group_id IS DISTINCT FROM memberships.group_id)`), db.d.arg(today-1), db.d.arg(today)); err != nil {
			return fmt.Errorf("close memberships: %w", err)
		}
		if _, err := conn.ExecContext(ctx, db.q(`INSERT INTO memberships (employee_id, group_id, from_date, import_id)
			SELECT i.employee_id, i.group_id,
			       CASE WHEN EXISTS (SELECT 1 FROM memberships m WHERE m.employee_id = i.employee_id) THEN ? ELSE COALESCE(i.hire_date, ?) END, `+derivedMembership+`
			FROM imp i WHERE i.group_id IS NOT NULL
			  AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.employee_id = i.employee_id AND m.to_date IS NULL AND m.group_id = i.group_id)
			  AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.employee_id = i.employee_id AND m.from_date = ?)`),
			db.d.arg(today), db.d.arg(csperf.MakeDate(1900, 1, 1)), db.d.arg(today)); err != nil {
			return fmt.Errorf("open memberships: %w", err)
		}
	}
	return db.refreshRollups(ctx, conn, k)
}

// beforeUpdate notes what an update is about to overwrite that derived data
// depends on: the customers that updated visits are leaving.
func (db *DB) beforeUpdate(ctx context.Context, conn *sql.Conn, k *csperf.Kind) error {
	if k.Name != "visits" {
		return nil
	}
	conn.ExecContext(ctx, "DROP TABLE IF EXISTS imp_moved")
	if _, err := conn.ExecContext(ctx, `CREATE TEMPORARY TABLE imp_moved AS SELECT v.customer_id FROM visits v JOIN imp i ON i.visit_id = v.visit_id
		WHERE v.customer_id <> i.customer_id OR v.visit_date <> i.visit_date`); err != nil {
		return err
	}
	// A visit the update moves to another day or advisor leaves its old
	// day's count for the new one (the update below writes every such row).
	moved := ` FROM visits v JOIN imp i ON i.visit_id = v.visit_id WHERE v.visit_date <> i.visit_date OR v.advisor_id <> i.advisor_id`
	if err := db.addVisitDays(ctx, conn, `SELECT v.visit_date, v.advisor_id, -COUNT(*) AS n`+moved+` GROUP BY v.visit_date, v.advisor_id`); err != nil {
		return err
	}
	if err := db.addVisitDays(ctx, conn, `SELECT i.visit_date, i.advisor_id, COUNT(*) AS n`+moved+` GROUP BY i.visit_date, i.advisor_id`); err != nil {
		return err
	}
	return db.dropEmptyVisitDays(ctx, conn)
}

// insertVisits inserts the new visits of the import with their next-visit
// dates, counts them in visit_days, and moves the next-visit date of each existing visit that a new
// one now follows. A new visit's next date is the earlier of its successor
// in the file and its successor already stored; an existing visit's next
// date becomes a new visit's date when that visit is its new successor.
// When the import updated existing visits (dates or customers changed),
// the customers involved are recomputed whole instead.
func (db *DB) insertVisits(ctx context.Context, conn *sql.Conn, importID int64, updated bool) (int64, error) {
	var n int
	if err := conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM visits LIMIT 1) t`).Scan(&n); err != nil {
		return 0, err
	}
	empty := n == 0
	bid := db.d.binary
	after := func(a, b string) string { // (a.visit_date, a.visit_id) > (b.visit_date, b.visit_id)
		return fmt.Sprintf("(%s.visit_date > %s.visit_date OR (%s.visit_date = %s.visit_date AND %s > %s))", a, b, a, b, bid(a+".visit_id"), bid(b+".visit_id"))
	}
	isNew := `NOT EXISTS (SELECT 1 FROM visits x WHERE x.visit_id = i.visit_id)`
	if !empty && !updated {
		_, err := conn.ExecContext(ctx, `UPDATE visits SET next_date = p.d FROM (
			SELECT q.pid, MIN(q.d) AS d FROM (
				SELECT (SELECT v.visit_id FROM visits v WHERE v.customer_id = i.customer_id AND `+after("i", "v")+`
				        ORDER BY v.visit_date DESC, `+bid("v.visit_id")+` DESC LIMIT 1) AS pid, i.visit_date AS d
				FROM imp i WHERE `+isNew+`) q
			WHERE q.pid IS NOT NULL GROUP BY q.pid) p
			WHERE visits.visit_id = p.pid AND (visits.next_date IS NULL OR visits.next_date > p.d)`)
		if err != nil {
			return 0, fmt.Errorf("visit next dates: %w", err)
		}
	}
	newVisits := ` WHERE ` + isNew
	if empty {
		newVisits = ""
	}
	if err := db.addVisitDays(ctx, conn, `SELECT i.visit_date, i.advisor_id, COUNT(*) AS n FROM imp i`+newVisits+` GROUP BY i.visit_date, i.advisor_id`); err != nil {
		return 0, err
	}
	existing := "CAST(NULL AS " + db.d.sqlType(csperf.TDate) + ")"
	if !empty {
		existing = `(SELECT v.visit_date FROM visits v WHERE v.customer_id = i.customer_id AND ` + after("v", "i") + `
			ORDER BY v.visit_date, ` + bid("v.visit_id") + ` LIMIT 1)`
	}
	k := csperf.KindByName("visits")
	cols := fieldNames(k)
	r, err := conn.ExecContext(ctx, `INSERT INTO visits (`+strings.Join(cols, ", ")+`, next_date, import_id)
		SELECT `+prefixed("s", cols)+`, CASE WHEN s.nd IS NULL THEN s.es WHEN s.es IS NULL OR s.nd <= s.es THEN s.nd ELSE s.es END, `+importIDSQL(importID)+`
		FROM (SELECT `+prefixed("i", cols)+`,
		             LEAD(i.visit_date) OVER (PARTITION BY i.customer_id ORDER BY i.visit_date, `+bid("i.visit_id")+`) AS nd,
		             `+existing+` AS es
		      FROM imp i WHERE `+isNew+`) s`+db.d.insertOrder("s.visit_id"))
	if err != nil {
		return 0, fmt.Errorf("insert visits: %w", db.d.mapErr(err))
	}
	inserted, err := r.RowsAffected()
	if err != nil {
		return 0, err
	}
	if updated {
		if err := db.refreshNextDates(ctx, conn, `SELECT customer_id FROM imp UNION SELECT customer_id FROM imp_moved`); err != nil {
			return 0, err
		}
	}
	return inserted, nil
}

// refreshNextDates recomputes visits.next_date — the date of the customer's
// next visit, ordered by (date, id) — for the customers the subquery names.
// Churn reads it: a customer is churned in M when their visit in M−N has no
// next visit up to the end of M.
func (db *DB) refreshNextDates(ctx context.Context, conn querier, customers string, args ...any) error {
	_, err := conn.ExecContext(ctx, db.q(`UPDATE visits SET next_date = n.nd FROM (
		SELECT v.visit_id, LEAD(v.visit_date) OVER (PARTITION BY v.customer_id ORDER BY v.visit_date, `+db.d.binary("v.visit_id")+`) AS nd
		FROM visits v WHERE v.customer_id IN (`+customers+`)) n
		WHERE visits.visit_id = n.visit_id AND visits.next_date IS DISTINCT FROM n.nd`), args...)
	if err != nil {
		return fmt.Errorf("visit next dates: %w", err)
	}
	return nil
}
