package sqlstore

import (
	"context"
	"database/sql"
)

// QueryRowForBench runs a read query for benchmarks in package sqlstore_test.
func (db *DB) QueryRowForBench(ctx context.Context, q string, args ...any) *sql.Row {
	return db.r.QueryRowContext(ctx, db.q(q), args...)
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

// ReaderStatsForTest is the reader pool's database/sql statistics.
func (db *DB) ReaderStatsForTest() sql.DBStats { return db.r.Stats() }

// ReaderRowsForTest opens a read query; its connection is held until the
// rows are closed.
func (db *DB) ReaderRowsForTest(ctx context.Context, q string) (*sql.Rows, error) {
	return db.r.QueryContext(ctx, db.q(q))
}
