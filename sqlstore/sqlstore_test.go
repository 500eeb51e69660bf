package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"csperf/sqlstore"
)

var pgSeq atomic.Int64

// engines runs fn against a fresh SQLite file, and against a fresh
// PostgreSQL database when CSPERF_TEST_POSTGRES_URL is set.
func engines(t *testing.T, fn func(t *testing.T, db *sqlstore.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		fn(t, openTest(t, "sqlite:"+filepath.Join(t.TempDir(), "test.db")))
	})
	if url := os.Getenv("CSPERF_TEST_POSTGRES_URL"); url != "" {
		t.Run("postgres", func(t *testing.T) {
			fn(t, openTest(t, freshPostgres(t, url)))
		})
	}
}

// freshPostgres creates an empty database on the test server and returns
// its URL; it is dropped when the test ends.
func freshPostgres(t *testing.T, url string) string {
	t.Helper()
	return freshPostgresB(t, url)
}

func freshPostgresB(t testing.TB, url string) string {
	t.Helper()
	admin, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := fmt.Sprintf("csperf_test_%d_%d", os.Getpid(), pgSeq.Add(1))
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", url)
		if err == nil {
			a.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			a.Close()
		}
	})
	i := strings.LastIndex(url, "/")
	rest := url[i+1:]
	q := ""
	if j := strings.Index(rest, "?"); j >= 0 {
		q = rest[j:]
	}
	return url[:i+1] + name + q
}

func openTest(t *testing.T, dsn string) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.Now = func() time.Time { return time.Date(2016, 1, 15, 2, 0, 0, 0, time.UTC) }
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestMigrateTwiceAndCheck(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		applied, err := db.Migrate(ctx)
		if err != nil || len(applied) != 0 {
			t.Fatalf("second migrate applied %v, %v", applied, err)
		}
		if err := db.CheckSchema(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

// storeDSNs names a fresh database per engine, by engine: a SQLite file
// called name in a temporary directory, and a new PostgreSQL database when
// CSPERF_TEST_POSTGRES_URL is set. Tests that open several handles on one
// database (another process's view) use it.
func storeDSNs(t *testing.T, name string) map[string]string {
	t.Helper()
	dsns := map[string]string{"sqlite": "sqlite:" + filepath.Join(t.TempDir(), name)}
	if url := os.Getenv("CSPERF_TEST_POSTGRES_URL"); url != "" {
		dsns["postgres"] = freshPostgres(t, url)
	}
	return dsns
}
