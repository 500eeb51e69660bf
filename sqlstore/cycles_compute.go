package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"csperf"
	"csperf/kpi"
	"csperf/scorecard"
)

// cycleKPIValues returns the values of the KPIs ids for every employee over
// p, by employee then KPI, from the KPI engine: the same definitions,
// roll-ups and special paths as KPIValues at employee scope (the stored
// definitions, the roll-ups brought up to date first), but for the one
// period — a cycle needs no previous period, which would double the work.
// A KPI without events for an employee has a zero denominator: a missing
// input of the scorecard.
func (db *DB) cycleKPIValues(ctx context.Context, ids []string, p kpi.Period) (map[string]map[string]kpi.Value, error) {
	out := map[string]map[string]kpi.Value{}
	if len(ids) == 0 {
		return out, nil
	}
	all, err := db.KPIDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	var defs []kpi.Definition
	for _, id := range ids {
		i := slices.IndexFunc(all, func(d kpi.Definition) bool { return d.ID == id })
		if i < 0 {
			return nil, csperf.Errorf(csperf.ENOTFOUND, "no KPI %q (the cycle's templates name it)", id)
		}
		if !all[i].AppliesTo(kpi.LevelEmployee) {
			return nil, csperf.FieldErrorf("kpi", "%s is not computed for an employee", id)
		}
		defs = append(defs, all[i])
	}
	params, err := db.KPIParams(ctx)
	if err != nil {
		return nil, err
	}
	if slices.ContainsFunc(defs, rolledUp) {
		if err := db.ensureRollups(ctx, all, params); err != nil {
			return nil, err
		}
	}
	c, err := db.newCalc(ctx, params, kpi.LevelEmployee, "", defs)
	if err != nil {
		return nil, err
	}
	for _, def := range defs {
		figs, err := c.figuresFor(ctx, def, []kpi.Period{p})
		if err != nil {
			return nil, fmt.Errorf("cycle KPI values: %w", err)
		}
		for _, id := range c.ids {
			v, err := c.value(def, kpi.Scope{Level: kpi.LevelEmployee, ID: id}, p, figs[p][id])
			if err != nil {
				return nil, err
			}
			v.Valid = v.Den > 0
			m := out[id]
			if m == nil {
				m = map[string]kpi.Value{}
				out[id] = m
			}
			m[def.ID] = v
		}
	}
	return out, nil
}

// ComputeCycle computes a cycle that is not closed: it takes the members
// as they are now, pulls their KPI values over the cycle's period, reads
// the ratings, scores everyone with the cycle's setup, and stores the
// inputs, every result row and the canonical JSON of the whole computation
// with its SHA-256. The cycle becomes computed, with the acting user as
// the maker; an earlier sign-off lapses. The same inputs give the same
// bytes on SQLite and PostgreSQL. Audited.
func (db *DB) ComputeCycle(ctx context.Context, id string) (*scorecard.Cycle, *scorecard.Computation, error) {
	if _, err := db.manager(ctx, "compute cycles"); err != nil {
		return nil, nil, err
	}
	c, err := db.cycleQ(ctx, db.r, id)
	if err != nil {
		return nil, nil, err
	}
	if c.State == scorecard.StateClosed {
		return nil, nil, closedErr(c)
	}
	members, err := db.cycleMembers(ctx, db.r, c.Setup)
	if err != nil {
		return nil, nil, err
	}
	values, err := db.cycleKPIValues(ctx, c.Setup.KPIIDs(), periodOf(c))
	if err != nil {
		return nil, nil, err
	}
	var comp *scorecard.Computation
	var after *scorecard.Cycle
	err = db.tx(ctx, func(tx *sql.Tx) error {
		// A close that commits while this runs wins: the triggers refuse
		// the rows written after it, and the last UPDATE, which changes
		// only a cycle that is not closed, finds none. (The cycle's row is
		// not claimed first: on SQLite an UPDATE rewrites the row with its
		// megabytes of JSON.)
		before, err := db.cycleQ(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.State == scorecard.StateClosed {
			return closedErr(before)
		}
		ratings, err := db.ratingsQ(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := db.replaceMembers(ctx, tx, id, members); err != nil {
			return err
		}
		if err := db.replaceKPIValues(ctx, tx, id, members, c.Setup.KPIIDs(), values); err != nil {
			return err
		}
		comp, err = scorecard.Compute(id, c.Setup, inputsOf(members, values, ratings))
		if err != nil {
			return err
		}
		js, sum, parts, err := comp.CanonicalParts()
		if err != nil {
			return err
		}
		if err := db.replaceResults(ctx, tx, id, comp, parts); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM cycle_outputs WHERE cycle_id = ?`), id); err != nil {
			return db.d.mapErr(err)
		}
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO cycle_outputs (cycle_id, result_json) VALUES (?, ?)`), id, string(js)); err != nil {
			return db.d.mapErr(err)
		}
		res, err := tx.ExecContext(ctx, db.q(`UPDATE cycles SET state = ?, computed_at = ?, computed_by = ?, result_sha256 = ?,
			approved_at = NULL, approved_by = NULL WHERE cycle_id = ? AND state <> ?`),
			scorecard.StateComputed, db.d.arg(db.Now()), actorID(ctx), sum, id, scorecard.StateClosed)
		if err != nil {
			return db.d.mapErr(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return csperf.Errorf(csperf.ECONFLICT, "cycle %s was closed meanwhile", id)
		}
		if err := db.auditTx(ctx, tx, "cycle.compute", "cycles/"+id, before.State+" "+before.SHA256, scorecard.StateComputed+" "+sum); err != nil {
			return err
		}
		// Read back through the writer: on SQLite a reader's first read
		// after a write drops its page cache, which costs more than this.
		if after, err = db.cycleQ(ctx, tx, id); err != nil {
			return err
		}
		return db.cycleCounts(ctx, tx, after)
	})
	if err != nil {
		return nil, nil, err
	}
	return after, comp, nil
}

func closedErr(c *scorecard.Cycle) error {
	return csperf.Errorf(csperf.ECONFLICT, "cycle %s is closed: its inputs and results are frozen (an admin may reopen it, with a reason)", c.ID)
}

// inputsOf assembles the scorecard inputs.
func inputsOf(members []scorecard.Employee, values map[string]map[string]kpi.Value, ratings []scorecard.Rating) []scorecard.Input {
	byEmp := map[string]map[scorecard.RatingKey]scorecard.Number{}
	for _, r := range ratings {
		m := byEmp[r.EmployeeID]
		if m == nil {
			m = map[scorecard.RatingKey]scorecard.Number{}
			byEmp[r.EmployeeID] = m
		}
		m[scorecard.RatingKey{Item: r.Item, Source: r.Source}] = r.Points
	}
	out := make([]scorecard.Input, len(members))
	for i, e := range members {
		out[i] = scorecard.Input{Employee: e, KPIs: values[e.ID], Ratings: byEmp[e.ID]}
	}
	return out
}

// replaceKPIValues stores the KPI values a computation used: every value
// the KPI engine gave for a member, a zero denominator included.
func (db *DB) replaceKPIValues(ctx context.Context, tx *sql.Tx, id string, members []scorecard.Employee, ids []string, values map[string]map[string]kpi.Value) error {
	if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM cycle_kpi_values WHERE cycle_id = ?`), id); err != nil {
		return db.d.mapErr(err)
	}
	var rows [][]any
	for _, e := range members {
		for _, k := range ids {
			if v, ok := values[e.ID][k]; ok {
				rows = append(rows, []any{id, e.ID, k, v.Num, v.Den})
			}
		}
	}
	return db.insertRows(ctx, tx, "cycle_kpi_values", []string{"cycle_id", "employee_id", "kpi_id", "numerator", "denominator"}, rows)
}

// storedKPIValues reads the KPI values a cycle was last computed with.
func (db *DB) storedKPIValues(ctx context.Context, q querier, id string) (map[string]map[string]kpi.Value, error) {
	rows, err := q.QueryContext(ctx, db.q(`SELECT employee_id, kpi_id, numerator, denominator FROM cycle_kpi_values WHERE cycle_id = ?`), id)
	if err != nil {
		return nil, fmt.Errorf("cycle KPI values: %w", err)
	}
	defer rows.Close()
	out := map[string]map[string]kpi.Value{}
	for rows.Next() {
		var e, k string
		var v kpi.Value
		if err := rows.Scan(&e, &k, &v.Num, &v.Den); err != nil {
			return nil, err
		}
		v.Valid = v.Den > 0
		if out[e] == nil {
			out[e] = map[string]kpi.Value{}
		}
		out[e][k] = v
	}
	return out, rows.Err()
}

// replaceResults stores one row per result: the figures payroll and the
// lists read, and the employee's whole explanation as its canonical JSON
// (expl, from Computation.CanonicalParts).
func (db *DB) replaceResults(ctx context.Context, tx *sql.Tx, id string, comp *scorecard.Computation, expl [][]byte) error {
	if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM cycle_results WHERE cycle_id = ?`), id); err != nil {
		return db.d.mapErr(err)
	}
	rows := make([][]any, 0, len(comp.Results))
	for i, r := range comp.Results {
		var score, coef, base, bonus any
		shown := "—"
		if r.Score != nil {
			score, shown = r.Score.Exact(), r.Score.String()
		}
		if r.Coefficient != nil {
			coef = r.Coefficient.Exact()
		}
		if r.BonusBase != nil {
			base = int64(*r.BonusBase)
		}
		if r.Bonus != nil {
			bonus = int64(*r.Bonus)
		}
		missing := 0
		for _, m := range r.Missing {
			if m.Input != "bonus_base" {
				missing++
			}
		}
		rows = append(rows, []any{id, r.ID, r.Template, score, shown, r.Grade, coef, base, bonus, missing, string(expl[i])})
	}
	return db.insertRows(ctx, tx, "cycle_results", []string{"cycle_id", "employee_id", "template_id", "score", "score_shown", "grade",
		"coefficient", "bonus_base", "bonus", "missing_inputs", "explanation"}, rows)
}

// VerifyCycle recomputes a cycle from its stored inputs (members, KPI
// values, ratings, setup) and compares the canonical JSON with the stored
// one byte for byte. It returns the stored SHA-256 and whether the
// recomputation matches. A closed cycle must always match.
func (db *DB) VerifyCycle(ctx context.Context, id string) (string, bool, error) {
	return db.verifyCycle(ctx, db.r, id)
}

func (db *DB) verifyCycle(ctx context.Context, q querier, id string) (string, bool, error) {
	c, err := db.cycleQ(ctx, q, id)
	if err != nil {
		return "", false, err
	}
	var stored sql.NullString
	err = q.QueryRowContext(ctx, db.q(`SELECT result_json FROM cycle_outputs WHERE cycle_id = ?`), id).Scan(&stored)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, csperf.Errorf(csperf.ECONFLICT, "cycle %s has not been computed", id)
	}
	if err != nil {
		return "", false, err
	}
	comp, err := db.recompute(ctx, q, c)
	if err != nil {
		return "", false, err
	}
	js, sum, err := comp.Canonical()
	if err != nil {
		return "", false, err
	}
	return c.SHA256, sum == c.SHA256 && bytes.Equal(js, []byte(stored.String)), nil
}

// recompute scores a cycle from its stored inputs.
func (db *DB) recompute(ctx context.Context, q querier, c *scorecard.Cycle) (*scorecard.Computation, error) {
	members, err := db.storedMembers(ctx, q, c.ID)
	if err != nil {
		return nil, err
	}
	values, err := db.storedKPIValues(ctx, q, c.ID)
	if err != nil {
		return nil, err
	}
	ratings, err := db.ratingsQ(ctx, q, c.ID)
	if err != nil {
		return nil, err
	}
	return scorecard.Compute(c.ID, c.Setup, inputsOf(members, values, ratings))
}

// CycleComputation returns a cycle's stored computation (its canonical
// JSON, read back) and the SHA-256 it was stored with. A signed-in user
// must be allowed to read every result (scorecard.CanReadAll).
func (db *DB) CycleComputation(ctx context.Context, id string) (*scorecard.Computation, string, error) {
	u, err := db.cycleUser(ctx)
	if err != nil {
		return nil, "", err
	}
	if u != nil && !scorecard.CanReadAll(u) {
		return nil, "", csperf.Errorf(csperf.EFORBIDDEN, "your role (%s) may read only the results it is allowed to (your own, or your groups')", u.Role)
	}
	return db.computation(ctx, id)
}

func (db *DB) computation(ctx context.Context, id string) (*scorecard.Computation, string, error) {
	var js, sum sql.NullString
	err := db.r.QueryRowContext(ctx, db.q(`SELECT o.result_json, c.result_sha256 FROM cycles c LEFT JOIN cycle_outputs o ON o.cycle_id = c.cycle_id
		WHERE c.cycle_id = ?`), id).Scan(&js, &sum)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", csperf.Errorf(csperf.ENOTFOUND, "no cycle %q", id)
	}
	if err != nil {
		return nil, "", err
	}
	if !js.Valid {
		return nil, "", csperf.Errorf(csperf.ECONFLICT, "cycle %s has not been computed yet", id)
	}
	comp, err := scorecard.ParseComputation([]byte(js.String))
	if err != nil {
		return nil, "", fmt.Errorf("cycle %s: %w", id, err)
	}
	return comp, sum.String, nil
}

// CycleResult returns one employee's result and explanation. A signed-in
// user must be allowed to read it (scorecard.CanReadResult): every
// employee reads their own.
func (db *DB) CycleResult(ctx context.Context, id, employeeID string) (*scorecard.Result, error) {
	u, err := db.cycleUser(ctx)
	if err != nil {
		return nil, err
	}
	var js, group string
	err = db.r.QueryRowContext(ctx, db.q(`SELECT r.explanation, m.group_id FROM cycle_results r
		JOIN cycle_members m ON m.cycle_id = r.cycle_id AND m.employee_id = r.employee_id
		WHERE r.cycle_id = ? AND r.employee_id = ?`), id, employeeID).Scan(&js, &group)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, csperf.Errorf(csperf.ENOTFOUND, "cycle %s has no result for employee %s", id, employeeID)
	}
	if err != nil {
		return nil, err
	}
	if u != nil && !scorecard.CanReadResult(u, employeeID, group) {
		return nil, csperf.Errorf(csperf.EFORBIDDEN, "you may not read the result of employee %s", employeeID)
	}
	return scorecard.ParseResult([]byte(js))
}
