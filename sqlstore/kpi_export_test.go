package sqlstore

import (
	"context"
	"database/sql"
)

// QueryRowForBench runs a read query for benchmarks in package sqlstore_test.
func (db *DB) QueryRowForBench(ctx context.Context, q string, args ...any) *sql.Row {
	return db.r.QueryRowContext(ctx, db.q(q), args...)
}

// DrainForBench runs a read query and reads every row, as a report would.
func (db *DB) DrainForBench(ctx context.Context, q string, args ...any) error {
	rows, err := db.r.QueryContext(ctx, db.q(q), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	vals := make([]any, len(cols))
	dest := make([]any, len(cols))
	for i := range vals {
		dest[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
	}
	return rows.Err()
}

// MonthlyDriftForTest counts the rows in which kpi_monthly and kpi_daily
// summed by month differ, either way (0 when they agree).
func (db *DB) MonthlyDriftForTest(ctx context.Context) (int, error) {
	month := db.d.monthOf("day")
	grouped := `SELECT measure_id, ` + month + ` AS month, employee_id, src_group, group_id, ` + db.d.sumInt("value") + ` AS value, ` + db.d.sumInt("events") + ` AS events
		FROM kpi_daily GROUP BY measure_id, ` + month + `, employee_id, src_group, group_id`
	monthly := `SELECT measure_id, month, employee_id, src_group, group_id, value, events FROM kpi_monthly`
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM (`+grouped+` EXCEPT `+monthly+`) a) + (SELECT COUNT(*) FROM (`+monthly+` EXCEPT `+grouped+`) b)`).Scan(&n)
	return n, err
}
