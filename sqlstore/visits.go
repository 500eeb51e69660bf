package sqlstore

import (
	"context"
	"fmt"

	"csperf"
)

// NextVisitDates returns, for each visit of the customer, the date of the
// customer's next visit ("" for the last): the derived column churn reads.
func (db *DB) NextVisitDates(ctx context.Context, customerID string) (map[string]string, error) {
	rows, err := db.r.QueryContext(ctx, db.q(`SELECT visit_id, next_date FROM visits WHERE customer_id = ?`), customerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id string
		var nd any
		if err := rows.Scan(&id, &nd); err != nil {
			return nil, err
		}
		if nd != nil {
			var dt csperf.Date
			if err := dt.Scan(nd); err != nil {
				return nil, err
			}
			out[id] = dt.String()
		} else {
			out[id] = ""
		}
	}
	return out, rows.Err()
}

// addVisitDays adds to visit_days the counts that sel selects as
// (visit_date, advisor_id, n) rows, n negative for visits that left a day;
// days left without visits are removed. visit_days holds the denominators
// of every churn rate, so each write of visits goes through here: new
// visits of an import (insertVisits), visits an update moves to another day
// or advisor (beforeUpdate) and deleted visits (DeleteRecord).
func (db *DB) addVisitDays(ctx context.Context, conn querier, sel string, args ...any) error {
	if _, err := conn.ExecContext(ctx, db.q(`INSERT INTO visit_days (visit_date, advisor_id, visits)
		SELECT d.visit_date, d.advisor_id, d.n FROM (`+sel+`) d WHERE d.n <> 0
		ON CONFLICT (visit_date, advisor_id) DO UPDATE SET visits = visit_days.visits + excluded.visits`), args...); err != nil {
		return fmt.Errorf("visit days: %w", err)
	}
	return nil
}

// dropEmptyVisitDays removes the days that removals left with no visits,
// so that an advisor without visits in a month shows no rate rather than 0.
func (db *DB) dropEmptyVisitDays(ctx context.Context, conn querier) error {
	if _, err := conn.ExecContext(ctx, `DELETE FROM visit_days WHERE visits = 0`); err != nil {
		return fmt.Errorf("visit days: %w", err)
	}
	return nil
}

// VisitRefs is what a benchmark file of new visits may refer to in a
// filled database (csperf bench import --onto).
type VisitRefs struct {
	Customers   []string    // every customer id
	Advisors    []string    // the service advisors
	First, Last csperf.Date // the first and last visit dates
	Visits      int64       // visits stored
}

// BenchVisitRefs reads the VisitRefs of the database.
func (db *DB) BenchVisitRefs(ctx context.Context) (*VisitRefs, error) {
	r := &VisitRefs{}
	var err error
	if r.Customers, err = scanStrings(db.r.QueryContext(ctx, `SELECT customer_id FROM customers ORDER BY customer_id`)); err != nil {
		return nil, err
	}
	if r.Advisors, err = scanStrings(db.r.QueryContext(ctx, `SELECT employee_id FROM employees WHERE position = 'service_advisor' ORDER BY employee_id`)); err != nil {
		return nil, err
	}
	var lo, hi any
	if err = db.r.QueryRowContext(ctx, `SELECT MIN(visit_date), MAX(visit_date), COUNT(*) FROM visits`).Scan(&lo, &hi, &r.Visits); err != nil || lo == nil {
		return r, err
	}
	if err = r.First.Scan(lo); err == nil {
		err = r.Last.Scan(hi)
	}
	return r, err
}
