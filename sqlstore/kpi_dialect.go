package sqlstore

import (
	"context"

	"csperf"
)

// The engine differences of the KPI store. They sit beside dialect.go
// rather than in it only because the KPI engine was written alongside;
// nothing else here knows the engine.

// utcDay is an expression giving the UTC calendar day of a date or time
// column: SQLite stores instants as "YYYY-MM-DDTHH:MM:SSZ" text.
func (d dialect) utcDay(col string, t csperf.FieldType) string {
	if t == csperf.TDate {
		return col
	}
	if d.engine == postgres {
		return "CAST(" + col + " AT TIME ZONE 'UTC' AS DATE)"
	}
	return "substr(" + col + ", 1, 10)"
}

// noIndex keeps SQLite from using an index on a column in a condition
// (unary +); PostgreSQL's planner picks a scan by itself.
func (d dialect) noIndex(col string) string {
	if d.engine == sqlite {
		return "+" + col
	}
	return col
}

// monthOf is an expression giving the "YYYY-MM" of a date column.
func (d dialect) monthOf(col string) string {
	if d.engine == postgres {
		return "to_char(" + col + ", 'YYYY-MM')"
	}
	return "substr(" + col + ", 1, 7)"
}

// sumInt is SUM of an integer column as a 64-bit integer on both engines
// (PostgreSQL widens SUM(bigint) to numeric).
func (d dialect) sumInt(expr string) string {
	if d.engine == postgres {
		return "CAST(SUM(" + expr + ") AS BIGINT)"
	}
	return "SUM(" + expr + ")"
}

// onConflictIgnore ends an INSERT that skips rows whose key exists (an
// INSERT … SELECT needs a WHERE clause before it on SQLite).
func (d dialect) onConflictIgnore() string { return " ON CONFLICT DO NOTHING" }

// lockRollups serialises roll-up maintenance: two PostgreSQL transactions
// recomputing the same days would both insert them. SQLite has one writer.
func (d dialect) lockRollups(ctx context.Context, conn querier) error {
	if d.engine != postgres {
		return nil
	}
	_, err := conn.ExecContext(ctx, "LOCK TABLE kpi_measures IN SHARE ROW EXCLUSIVE MODE")
	return err
}
