package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib" // also registers the "pgx" driver
	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"csperf"
)

// engine names a database engine.
type engine string

const (
	sqlite   engine = "sqlite"
	postgres engine = "postgres"
)

// dialect is the only place that knows which engine it talks to.
type dialect struct{ engine engine }

// openSQLite opens path for production use: WAL, a busy timeout, foreign
// keys and NORMAL sync (durable at checkpoints, safe under WAL).
func openSQLite(path string, readOnly bool) (*sql.DB, error) {
	db, err := sql.Open("sqlite", sqliteDSN(path, readOnly))
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return db, nil
}

// sqliteDSN is the driver's name of the file at path with our settings.
//
// Page caches are kept modest: SQLite's sorters take the cache size as
// their in-memory budget too, and a 1,000,000-row import must stay under
// 300 MiB (16 MiB here measured 162 MiB peak, 64 MiB 431 MiB).
//
// Readers keep a small page cache (2 MiB) and read the file through a
// memory map (mmap_size; SQLite maps at most the first 2 GiB). In WAL mode
// every write, even one session's last-seen time, makes each reader drop
// its whole page cache when it next begins to read; SQLite's page caches
// share one lock (this build enables memory management), and the pure-Go
// allocator hands freed cache pages back to the system one call each.
// With 32 MiB caches, the first write after a quiet spell froze all four
// readers for 3–5 s (goroutine dumps during `csperf bench load` showed
// pager_reset → pcache1Truncate → madvise holding the cache lock while
// every other reader waited for it). Pages read through the map are not
// held in the page cache, so there is little to drop, and the
// operating system's file cache keeps the data warm.
func sqliteDSN(path string, readOnly bool) string {
	q := "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_pragma=cache_size(-16384)&_txlock=immediate"
	if readOnly {
		q = "?_pragma=busy_timeout(10000)&_pragma=foreign_keys(ON)&_pragma=query_only(ON)&_pragma=cache_size(-2048)&_pragma=mmap_size(2147418112)"
	}
	return "file:" + path + q
}

// rebind turns ? placeholders into $1, $2 … for PostgreSQL. Statements are
// our own text, so a ? inside a string literal never occurs.
func (d dialect) rebind(q string) string {
	if d.engine != postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// timeFormat is how SQLite stores instants: UTC, second precision, sortable.
const timeFormat = "2006-01-02T15:04:05Z"

// arg converts a record value into a bind argument for the engine.
func (d dialect) arg(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case time.Time:
		if d.engine == sqlite {
			return x.UTC().Format(timeFormat)
		}
		return x.UTC()
	case csperf.Date:
		return x.String()
	case csperf.Money:
		return int64(x)
	case bool:
		if d.engine == sqlite {
			if x {
				return int64(1)
			}
			return int64(0)
		}
		return x
	}
	return v
}

// scanValue converts what a driver returned for a column of type t into the
// record value.
func (d dialect) scanValue(t csperf.FieldType, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch t {
	case csperf.TInt:
		return toInt64(v)
	case csperf.TMoney:
		n, err := toInt64(v)
		return csperf.Money(n), err
	case csperf.TBool:
		switch x := v.(type) {
		case bool:
			return x, nil
		case int64:
			return x != 0, nil
		}
		return nil, fmt.Errorf("bool column holds %T", v)
	case csperf.TDate:
		var dt csperf.Date
		err := dt.Scan(v)
		return dt, err
	case csperf.TTime:
		return scanTime(v)
	}
	switch x := v.(type) {
	case string:
		return x, nil
	case []byte:
		return string(x), nil
	}
	return fmt.Sprint(v), nil
}

func toInt64(v any) (int64, error) {
	switch x := v.(type) {
	case int64:
		return x, nil
	case int32:
		return int64(x), nil
	case int:
		return int64(x), nil
	}
	return 0, fmt.Errorf("integer column holds %T", v)
}

func scanTime(v any) (time.Time, error) {
	switch x := v.(type) {
	case time.Time:
		return x.UTC(), nil
	case string:
		return time.Parse(time.RFC3339, x)
	case []byte:
		return time.Parse(time.RFC3339, string(x))
	}
	return time.Time{}, fmt.Errorf("time column holds %T", v)
}

// sqlType is the column type of a field type on the engine, for temporary
// tables the importer builds.
func (d dialect) sqlType(t csperf.FieldType) string {
	switch t {
	case csperf.TInt, csperf.TMoney:
		return "BIGINT"
	case csperf.TBool:
		if d.engine == postgres {
			return "BOOLEAN"
		}
		return "INTEGER"
	case csperf.TDate:
		if d.engine == postgres {
			return "DATE"
		}
		return "TEXT"
	case csperf.TTime:
		if d.engine == postgres {
			return "TIMESTAMPTZ"
		}
		return "TEXT"
	}
	return "TEXT"
}

// isUnique reports whether err is a unique or primary-key violation,
// recognised by the driver's code, never by its message.
func (d dialect) isUnique(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	var se *msqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY || se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE
	}
	return false
}

// isForeignKey reports whether err is a foreign-key violation.
func (d dialect) isForeignKey(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23503"
	}
	var se *msqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	}
	return false
}

// isRaised reports whether err was raised by one of our triggers (a closed
// period, the append-only audit log).
func (d dialect) isRaised(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "P0001"
	}
	var se *msqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_TRIGGER || se.Code()&0xff == sqlite3.SQLITE_CONSTRAINT
	}
	return false
}

// mapErr turns constraint violations into csperf errors.
func (d dialect) mapErr(err error) error {
	switch {
	case err == nil:
		return nil
	case d.isUnique(err):
		return &csperf.Error{Code: csperf.ECONFLICT, Message: "a record with this id exists already"}
	case d.isForeignKey(err):
		return &csperf.Error{Code: csperf.ECONFLICT, Message: "the record refers to a missing record, or other records refer to it"}
	case d.isRaised(err):
		return &csperf.Error{Code: csperf.ECONFLICT, Message: triggerMessage(err)}
	}
	return err
}

func triggerMessage(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Message
	}
	return err.Error()
}

// begin opens a write transaction on a dedicated connection. SQLite takes
// the write lock at once (IMMEDIATE) so that a long import never fails
// half-way on a busy database.
func (d dialect) begin(ctx context.Context, conn *sql.Conn) error {
	q := "BEGIN"
	if d.engine == sqlite {
		q = "BEGIN IMMEDIATE"
	}
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if d.engine == postgres {
		// An import sorts and hashes whole files: let it do so in memory
		// (this transaction only) rather than spill to disk.
		if _, err := conn.ExecContext(ctx, "SET LOCAL work_mem = '256MB'; SET LOCAL maintenance_work_mem = '512MB'"); err != nil {
			return fmt.Errorf("begin: %w", err)
		}
	}
	return nil
}

// loadRows streams src into the temporary table imp: COPY on PostgreSQL,
// batched multi-row INSERTs on SQLite.
func (d dialect) loadRows(ctx context.Context, conn *sql.Conn, k *csperf.Kind, src csperf.RowSource, progress func(int64)) (int64, error) {
	var n int64
	next := func() (int, []any, bool) {
		row, vals, ok := src.Next()
		if ok {
			n++
			if progress != nil && n%50000 == 0 {
				progress(n)
			}
		}
		return row, vals, ok
	}
	cols := append([]string{"row_no"}, fieldNames(k)...)
	if d.engine == postgres {
		err := conn.Raw(func(dc any) error {
			pc := dc.(*stdlib.Conn).Conn()
			_, err := pc.CopyFrom(ctx, pgx.Identifier{"imp"}, cols, pgx.CopyFromFunc(func() ([]any, error) {
				row, vals, ok := next()
				if !ok {
					return nil, nil
				}
				out := make([]any, 0, len(vals)+1)
				out = append(out, int64(row))
				for _, v := range vals {
					out = append(out, d.copyArg(v))
				}
				return out, nil
			}))
			return err
		})
		if progress != nil {
			progress(n)
		}
		return n, err
	}
	const batch = 100
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
	full := "INSERT INTO imp (" + strings.Join(cols, ",") + ") VALUES " + strings.TrimSuffix(strings.Repeat(one+",", batch), ",")
	stmt, err := conn.PrepareContext(ctx, full)
	if err != nil {
		return 0, err
	}
	defer stmt.Close()
	args := make([]any, 0, batch*len(cols))
	rowsIn := 0
	flush := func() error {
		if rowsIn == 0 {
			return nil
		}
		var err error
		if rowsIn == batch {
			_, err = stmt.ExecContext(ctx, args...)
		} else {
			q := "INSERT INTO imp (" + strings.Join(cols, ",") + ") VALUES " + strings.TrimSuffix(strings.Repeat(one+",", rowsIn), ",")
			_, err = conn.ExecContext(ctx, q, args...)
		}
		args, rowsIn = args[:0], 0
		return err
	}
	for {
		row, vals, ok := next()
		if !ok {
			break
		}
		args = append(args, int64(row))
		for _, v := range vals {
			args = append(args, d.arg(v))
		}
		rowsIn++
		if rowsIn == batch {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if progress != nil {
		progress(n)
	}
	return n, flush()
}

// copyArg converts a record value for PostgreSQL's binary COPY.
func (d dialect) copyArg(v any) any {
	switch x := v.(type) {
	case csperf.Date:
		y, m, dd := x.Civil()
		return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
	case csperf.Money:
		return int64(x)
	case time.Time:
		return x.UTC()
	}
	return v
}

// dateLiterals types the date literals of a statement for PostgreSQL.
func (d dialect) dateLiterals(q string) string {
	if d.engine == postgres {
		return strings.ReplaceAll(q, "'9999-12-31'", "DATE '9999-12-31'")
	}
	return q
}

// lockAudit serialises appends to the audit log so that two writers never
// take the same sequence number. SQLite has one writer already.
func (d dialect) lockAudit(ctx context.Context, tx querier) error {
	if d.engine != postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, "LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE")
	return err
}

// binary makes a text expression sort byte-wise, as SQLite always does, so
// that "V10" < "V9" on both engines whatever PostgreSQL's locale is.
func (d dialect) binary(expr string) string {
	if d.engine == postgres {
		return expr + ` COLLATE "C"`
	}
	return expr
}

// dropIndexes drops the secondary indexes of table and returns the
// statements that recreate them.
func (d dialect) dropIndexes(ctx context.Context, conn *sql.Conn, table string) ([]string, error) {
	q := `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL`
	if d.engine == postgres {
		q = `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1
			AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))`
	}
	rows, err := conn.QueryContext(ctx, q, table)
	if err != nil {
		return nil, err
	}
	var names, ddls []string
	for rows.Next() {
		var n, s string
		if err := rows.Scan(&n, &s); err != nil {
			rows.Close()
			return nil, err
		}
		names, ddls = append(names, n), append(ddls, s)
	}
	rows.Close()
	for _, n := range names {
		if _, err := conn.ExecContext(ctx, `DROP INDEX `+n); err != nil {
			return nil, err
		}
	}
	return ddls, rows.Err()
}

// insertOrder is the ORDER BY of a bulk INSERT … SELECT: SQLite's tables
// are clustered on their key (WITHOUT ROWID), so inserting in key order
// appends; PostgreSQL's heap gains nothing from a sort.
func (d dialect) insertOrder(key string) string {
	if d.engine == sqlite {
		return " ORDER BY " + key
	}
	return ""
}

// visitMonth is the expression of the visits_churn index (migration 0006)
// that groups a visit date by month; a query must spell it exactly so for
// the index to serve it.
func (d dialect) visitMonth(col string) string {
	if d.engine == postgres {
		return "date_trunc('month', " + col + "::timestamp)"
	}
	return "substr(" + col + ", 1, 7)"
}

// visitMonthArg is the placeholder text that visitMonth equals for month
// m, and its bind argument.
func (d dialect) visitMonthArg(m csperf.Month) (string, any) {
	if d.engine == postgres {
		return "CAST(CAST(? AS DATE) AS TIMESTAMP)", d.arg(m.First())
	}
	return "?", m.String()
}
