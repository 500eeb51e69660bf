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
