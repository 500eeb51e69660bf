package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"csperf/scorecard"
)

// AnnualResults returns the results in effect (signed off: reviewed or
// closed) of the annual cycles, one per employee and year: when an
// employee was in several annual cycles of a year, the one signed off or
// closed last. year 0 means every year.
func (db *DB) AnnualResults(ctx context.Context, year int) ([]scorecard.Annual, error) {
	rows, err := db.r.QueryContext(ctx, db.q(`SELECT c.cycle_id, c.period, r.employee_id, r.score, r.grade, m.name, m.position, m.group_id
		FROM cycles c
		JOIN cycle_results r ON r.cycle_id = c.cycle_id
		JOIN cycle_members m ON m.cycle_id = r.cycle_id AND m.employee_id = r.employee_id
		WHERE c.kind = ? AND c.state IN (?, ?)
		ORDER BY c.period_start, COALESCE(c.closed_at, c.approved_at), c.cycle_id, r.employee_id`),
		scorecard.KindAnnual, scorecard.StateReviewed, scorecard.StateClosed)
	if err != nil {
		return nil, fmt.Errorf("annual results: %w", err)
	}
	defer rows.Close()
	type key struct {
		emp  string
		year int
	}
	at := map[key]int{}
	var out []scorecard.Annual
	for rows.Next() {
		var a scorecard.Annual
		var period string
		var score sql.NullString
		if err := rows.Scan(&a.CycleID, &period, &a.EmployeeID, &score, &a.Grade, &a.Name, &a.Position, &a.GroupID); err != nil {
			return nil, err
		}
		if _, err := fmt.Sscanf(period, "%d", &a.Year); err != nil {
			return nil, fmt.Errorf("cycle %s: period %q: %w", a.CycleID, period, err)
		}
		if year != 0 && a.Year != year {
			continue
		}
		if score.Valid {
			n, err := scorecard.ParseNumber(score.String)
			if err != nil {
				return nil, err
			}
			a.Score = &n
		}
		k := key{a.EmployeeID, a.Year}
		if i, ok := at[k]; ok {
			out[i] = a
			continue
		}
		at[k] = len(out)
		out = append(out, a)
	}
	return out, rows.Err()
}

// Promotions lists the employees rated excellent in two consecutive annual
// cycles (results in effect only).
func (db *DB) Promotions(ctx context.Context) ([]scorecard.Promotion, error) {
	as, err := db.AnnualResults(ctx, 0)
	if err != nil {
		return nil, err
	}
	return scorecard.Promotions(as)
}

// Raises ranks the annual results in effect of year within each position,
// with the suggested raise of each quartile from the current scorecard
// settings.
func (db *DB) Raises(ctx context.Context, year int) ([]scorecard.Raise, error) {
	as, err := db.AnnualResults(ctx, year)
	if err != nil {
		return nil, err
	}
	s, err := db.ScorecardSettings(ctx)
	if err != nil {
		return nil, err
	}
	return scorecard.Raises(as, s), nil
}
