package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5/stdlib"
	msqlite "modernc.org/sqlite"
)

// StatementLog counts the statements a DB sends, by text, for benchmarks
// and tests that measure how many round trips a page costs.
type StatementLog struct {
	mu sync.Mutex
	n  int
	by map[string]int
}

// Reset forgets what was counted.
func (l *StatementLog) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n, l.by = 0, map[string]int{}
}

// Count is the number of statements since the last Reset.
func (l *StatementLog) Count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n
}

// Texts returns each statement's first words with its count.
func (l *StatementLog) Texts() map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	m := map[string]int{}
	for k, v := range l.by {
		m[k] = v
	}
	return m
}

func (l *StatementLog) add(q string) {
	q = strings.Join(strings.Fields(q), " ")
	if len(q) > 90 {
		q = q[:90]
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.by == nil {
		l.by = map[string]int{}
	}
	l.n++
	l.by[q]++
}

// CountStatements reopens db's pools through a driver wrapper that counts
// every statement, with the same settings, and returns the log.
func CountStatements(db *DB) (*StatementLog, error) {
	l := &StatementLog{}
	open := func(drv driver.Driver, dsn string) *sql.DB {
		return sql.OpenDB(countingConnector{drv: drv, dsn: dsn, log: l})
	}
	switch db.d.engine {
	case sqlite:
		path := strings.TrimPrefix(db.dsn, "sqlite:")
		w, r := open(&msqlite.Driver{}, sqliteDSN(path, false)), open(&msqlite.Driver{}, sqliteDSN(path, true))
		w.SetMaxOpenConns(1)
		r.SetMaxOpenConns(4)
		r.SetMaxIdleConns(4)
		db.w.Close()
		db.r.Close()
		db.w, db.r = w, r
	case postgres:
		p := open(stdlib.GetDefaultDriver(), db.dsn)
		p.SetMaxOpenConns(8)
		p.SetMaxIdleConns(8)
		db.r.Close()
		db.r, db.w = p, p
	default:
		return nil, fmt.Errorf("engine %s", db.d.engine)
	}
	return l, nil
}

type countingConnector struct {
	drv driver.Driver
	dsn string
	log *StatementLog
}

func (c countingConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: conn, log: c.log}, nil
}

func (c countingConnector) Driver() driver.Driver { return c.drv }

// countingConn passes everything to the driver's connection and counts
// queries, executions and prepared statements.
type countingConn struct {
	driver.Conn
	log *StatementLog
}

func (c *countingConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	qc, ok := c.Conn.(driver.QueryerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	rows, err := qc.QueryContext(ctx, q, args)
	if err != driver.ErrSkip {
		c.log.add(q)
	}
	return rows, err
}

func (c *countingConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	ec, ok := c.Conn.(driver.ExecerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	res, err := ec.ExecContext(ctx, q, args)
	if err != driver.ErrSkip {
		c.log.add(q)
	}
	return res, err
}

func (c *countingConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	c.log.add(q)
	if pc, ok := c.Conn.(driver.ConnPrepareContext); ok {
		return pc.PrepareContext(ctx, q)
	}
	return c.Conn.Prepare(q)
}

func (c *countingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if bc, ok := c.Conn.(driver.ConnBeginTx); ok {
		return bc.BeginTx(ctx, opts)
	}
	return c.Conn.Begin() //nolint:staticcheck // the driver offers nothing else
}

func (c *countingConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *countingConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *countingConn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

func (c *countingConn) CheckNamedValue(nv *driver.NamedValue) error {
	if ch, ok := c.Conn.(driver.NamedValueChecker); ok {
		return ch.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}
