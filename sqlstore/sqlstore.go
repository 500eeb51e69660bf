// Package sqlstore is the one database/sql implementation of csperf's
// services, on SQLite (modernc.org/sqlite, pure Go) and PostgreSQL (pgx).
// One SQL text serves both engines: statements are written with ? binds and
// every difference between the engines sits in dialect.go.
package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"csperf"
)

// DB is an open csperf database.
type DB struct {
	// r serves reads; w serves writes. On SQLite w is a single connection
	// so that writers queue in Go instead of failing on SQLITE_BUSY; on
	// PostgreSQL both are the same pool.
	r, w *sql.DB
	d    dialect
	dsn  string

	// Now is the clock; tests replace it so that no result depends on the
	// wall clock.
	Now func() time.Time
	// Loc is the organisation's time zone (default Asia/Shanghai), in which
	// times without an offset are read and events are dated.
	Loc *time.Location

	counts    countCache
	kpiCache  kpiCache
	deptChurn deptChurnCache
}

// Open opens the database named by dsn: "sqlite:PATH" (a bare path is taken
// as SQLite too) or a postgres:// URL. It does not migrate; call Migrate.
func Open(dsn string) (*DB, error) {
	db := &DB{dsn: dsn, Now: time.Now}
	var err error
	switch {
	case strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://"):
		db.d = dialect{engine: postgres}
		db.r, err = sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		db.r.SetMaxOpenConns(8)
		db.r.SetMaxIdleConns(8) // a new connection costs a round of authentication
		db.w = db.r
	default:
		path := strings.TrimPrefix(dsn, "sqlite:")
		if path == "" {
			return nil, csperf.Errorf(csperf.EINVALID, "empty sqlite path in %q", dsn)
		}
		db.d = dialect{engine: sqlite}
		if db.w, err = openSQLite(path, false); err != nil {
			return nil, err
		}
		db.w.SetMaxOpenConns(1)
		if db.r, err = openSQLite(path, true); err != nil {
			db.w.Close()
			return nil, err
		}
		db.r.SetMaxOpenConns(4)
		// Keep every reader open: database/sql keeps 2 idle by default
		// and closes the others, and a reopened connection starts with
		// an empty cache and reads the schema again.
		db.r.SetMaxIdleConns(4)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := db.w.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s: %w", db.d.engine, err)
	}
	db.Loc, _ = time.LoadLocation("Asia/Shanghai")
	if db.Loc == nil {
		db.Loc = time.FixedZone("CST", 8*3600)
	}
	return db, nil
}

// Engine returns "sqlite" or "postgres".
func (db *DB) Engine() string { return string(db.d.engine) }

// Close closes the database.
func (db *DB) Close() error {
	var err error
	if db.w != nil {
		err = db.w.Close()
	}
	if db.r != nil && db.r != db.w {
		if e := db.r.Close(); err == nil {
			err = e
		}
	}
	return err
}

// tx runs fn in a write transaction, committing when fn returns nil.
func (db *DB) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", db.d.mapErr(err))
	}
	return nil
}

// q rewrites a ? statement for the engine.
func (db *DB) q(s string) string { return db.d.rebind(s) }

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}
