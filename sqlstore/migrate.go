package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"csperf"
)

//go:embed migrations
var migrationFS embed.FS

// migration is one numbered, forward-only schema step.
type migration struct {
	version int
	name    string
	sql     string
}

func (db *DB) migrations() ([]migration, error) {
	dir := "migrations/" + string(db.d.engine)
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("migration %s: name must be NNNN_name.sql", e.Name())
		}
		b, err := migrationFS.ReadFile(dir + "/" + e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s share version %d: renumber the later one", ms[i-1].name, ms[i].name, ms[i].version)
		}
	}
	return ms, nil
}

// SchemaVersion returns the version the database is at and the latest
// version this binary knows.
func (db *DB) SchemaVersion(ctx context.Context) (current, latest int, err error) {
	ms, err := db.migrations()
	if err != nil {
		return 0, 0, err
	}
	latest = ms[len(ms)-1].version
	if _, err := db.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL)`); err != nil {
		return 0, 0, fmt.Errorf("schema_migrations: %w", err)
	}
	if err := db.w.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return 0, 0, fmt.Errorf("schema version: %w", err)
	}
	return current, latest, nil
}

// CheckSchema returns an error telling how to migrate when the database is
// behind this binary, or ahead of it.
func (db *DB) CheckSchema(ctx context.Context) error {
	cur, latest, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if cur < latest {
		return csperf.Errorf(csperf.EINVALID, "the database schema is at version %d but this csperf needs %d: run `csperf migrate --db %s` first", cur, latest, db.dsn)
	}
	if cur > latest {
		return csperf.Errorf(csperf.EINVALID, "the database schema is at version %d, newer than this csperf (%d): use a newer csperf", cur, latest)
	}
	return nil
}

// Migrate applies every migration the database lacks, each in its own
// transaction, then makes sure the reference data (positions, the default
// department, default settings) exists. It returns the names applied.
func (db *DB) Migrate(ctx context.Context) ([]string, error) {
	cur, _, err := db.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	ms, err := db.migrations()
	if err != nil {
		return nil, err
	}
	var applied []string
	for _, m := range ms {
		if m.version <= cur {
			continue
		}
		err := db.tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			_, err := tx.ExecContext(ctx, db.q(`INSERT INTO schema_migrations (version, name) VALUES (?, ?)`), m.version, m.name)
			return err
		})
		if err != nil {
			return applied, err
		}
		applied = append(applied, m.name)
	}
	return applied, db.seed(ctx)
}

// DefaultDepartment is the id of the department employees belong to when an
// import names none.
const DefaultDepartment = "main"

func (db *DB) seed(ctx context.Context) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		for _, p := range csperf.Positions {
			if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO positions (position_id, name_zh, name_en, family) VALUES (?, ?, ?, ?) ON CONFLICT (position_id) DO NOTHING`),
				p.Code, p.NameZH, p.NameEN, p.Family); err != nil {
				return fmt.Errorf("seed positions: %w", err)
			}
		}
		_, err := tx.ExecContext(ctx, db.q(`INSERT INTO departments (department_id, name) VALUES (?, ?) ON CONFLICT (department_id) DO NOTHING`),
			DefaultDepartment, "客户服务部")
		return err
	})
}
