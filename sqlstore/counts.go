package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"sync"
)

// countCache keeps the totals of record lists, so that a list page does
// not count hundreds of thousands of rows on every view. An entry is valid
// while the data versions it was counted under are unchanged: every write
// to a record table bumps its kind's version in kpi_versions in the same
// transaction (imports, and so creates and updates, in refreshRollups;
// deletes in DeleteRecord), so a total is never served after the rows it
// counts have changed — also when another process (a CLI import) wrote
// them. The version is read before the count: a write in between makes
// the entry older than its data, which only costs a recount.
type countCache struct {
	mu sync.Mutex
	m  map[string]countEntry
}

type countEntry struct {
	versions string
	n        int
}

// maxCounts bounds the cache; when full it starts over (searches make
// new keys, the default lists a handful).
const maxCounts = 4096

// countVersions is the text of the data versions a count of kind depends
// on: the kind's own, and the organisation's when the filter reads group
// memberships (a supervisor's scope).
func (db *DB) countVersions(ctx context.Context, kind string, org bool) (string, error) {
	kinds := []any{versionKind(kind)}
	if org {
		kinds = append(kinds, "org")
	}
	rows, err := db.r.QueryContext(ctx, db.q(`SELECT kind, version FROM kpi_versions WHERE month = '' AND kind IN (`+placeholders(len(kinds))+`) ORDER BY kind`), kinds...)
	if err != nil {
		return "", fmt.Errorf("count versions: %w", err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var k string
		var v int64
		if err := rows.Scan(&k, &v); err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "%s=%d;", k, v)
	}
	return b.String(), rows.Err()
}

// countRecords is SELECT COUNT(*) FROM table t WHERE where, from the cache
// when the data it counts has not changed since.
func (db *DB) countRecords(ctx context.Context, kind, table, where string, args []any, org bool) (int, error) {
	vers, err := db.countVersions(ctx, kind, org)
	if err != nil {
		return 0, err
	}
	var kb strings.Builder
	kb.WriteString(table)
	kb.WriteByte(0)
	kb.WriteString(where)
	for _, a := range args {
		fmt.Fprintf(&kb, "\x00%T:%v", a, a)
	}
	key := kb.String()
	db.counts.mu.Lock()
	e, ok := db.counts.m[key]
	db.counts.mu.Unlock()
	if ok && e.versions == vers {
		return e.n, nil
	}
	q := `SELECT COUNT(*) FROM ` + table + ` t`
	if where != "" {
		q += " WHERE " + where
	}
	var n int
	if err := db.r.QueryRowContext(ctx, db.q(q), args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count %s: %w", kind, err)
	}
	db.counts.mu.Lock()
	if db.counts.m == nil || len(db.counts.m) >= maxCounts {
		db.counts.m = map[string]countEntry{}
	}
	db.counts.m[key] = countEntry{versions: vers, n: n}
	db.counts.mu.Unlock()
	return n, nil
}
