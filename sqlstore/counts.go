package sqlstore

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"csperf/kpi"
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

// versionSettings is the kpi_versions entry that settings bump: every
// write of a setting, a KPI definition (targets included) or a closed
// churn month, in the same transaction as the write.
const versionSettings = "settings"

// bumpSettings records, within tx, that a setting changed.
func (db *DB) bumpSettings(ctx context.Context, tx querier) error {
	return db.bumpVersion(ctx, tx, versionSettings)
}

// DataStamp names the state of the stored records and settings in one
// statement: it changes with every write of a record (each bumps its
// kind's version in kpi_versions in the same transaction — imports, form
// writes and deletes, and the triggers on customers, KPI facts and the
// organisation), of a setting, a KPI definition or a closed churn month
// (bumpSettings), by this process or another, since versions only grow.
// A result computed after reading the stamp may be kept under it: a write
// in between makes it older than its data, which only costs a
// recomputation. Sessions, users and the audit log are not covered.
func (db *DB) DataStamp(ctx context.Context) (string, error) {
	var sum, n int64
	if err := db.r.QueryRowContext(ctx, `SELECT COALESCE(SUM(version), 0), COUNT(*) FROM kpi_versions WHERE month = ''`).Scan(&sum, &n); err != nil {
		return "", fmt.Errorf("data versions: %w", err)
	}
	return fmt.Sprintf("%d/%d", sum, n), nil
}

// kpiCache keeps KPIValues' rows per query while their stamp stands.
type kpiCache struct {
	mu sync.Mutex
	m  map[string]kpiEntry
}

type kpiEntry struct {
	stamp string
	rows  []kpi.Row
}

// maxKPIQueries bounds the KPI cache; when full it starts over.
const maxKPIQueries = 1024

func (c *kpiCache) get(key, stamp string) ([]kpi.Row, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok || e.stamp != stamp {
		return nil, false
	}
	return slices.Clone(e.rows), true
}

func (c *kpiCache) put(key, stamp string, rows []kpi.Row) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxKPIQueries {
		c.m = map[string]kpiEntry{}
	}
	c.m[key] = kpiEntry{stamp: stamp, rows: slices.Clone(rows)}
}

// kpiStamp identifies everything KPI values are computed from, once the
// roll-ups are current (ensureRollups drained the dirty days, bumping the
// versions of the months they fall in): every definition (targets
// included), the parameters and time zone, the churn threshold, and the
// data versions — every write to a record bumps a version in the same
// transaction and versions only grow, so their sum and count change with
// any write, by this process or another. KPIValues reads the stamp before
// it computes, so a write in between only makes a cached result older
// than its data, which costs a recomputation.
func (db *DB) kpiStamp(ctx context.Context, defs []kpi.Definition, p kpi.Params) (string, error) {
	js, err := json.Marshal(defs)
	if err != nil {
		return "", err
	}
	var sum, n int64
	if err := db.r.QueryRowContext(ctx, `SELECT COALESCE(SUM(version), 0), COUNT(*) FROM kpi_versions`).Scan(&sum, &n); err != nil {
		return "", fmt.Errorf("kpi versions: %w", err)
	}
	h := sha256.Sum256(js)
	return fmt.Sprintf("%x %s n=%d v=%d/%d", h[:16], fingerprint(p), p.ChurnMonths, sum, n), nil
}
