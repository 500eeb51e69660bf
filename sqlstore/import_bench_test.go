package sqlstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"csperf"
	"csperf/sqlstore"
)

// genVisits is a RowSource of n synthetic visits with ids from offset.
type genVisits struct {
	k            *csperf.Kind
	i, n, offset int
	customers    int
	advisors     int
	vals         []any
}

func (g *genVisits) Next() (int, []any, bool) {
	if g.i >= g.n {
		return 0, nil, false
	}
	id := g.offset + g.i
	g.i++
	g.vals[0] = fmt.Sprintf("V%010d", id)
	g.vals[1] = fmt.Sprintf("C%07d", (id*7919)%g.customers)
	g.vals[2] = "A" + strconv.Itoa(id%g.advisors)
	g.vals[3] = csperf.MakeDate(2014, 1, 1) + csperf.Date((id/1000)%900)
	return g.i + 1, g.vals, true
}

func (g *genVisits) Err() error { return nil }

func benchDB(b *testing.B, engine string) *sqlstore.DB {
	var dsn string
	switch engine {
	case "sqlite":
		dsn = "sqlite:" + filepath.Join(b.TempDir(), "bench.db")
	default:
		url := os.Getenv("CSPERF_TEST_POSTGRES_URL")
		if url == "" {
			b.Skip("CSPERF_TEST_POSTGRES_URL not set")
		}
		dsn = freshPostgresB(b, url)
	}
	db, err := sqlstore.Open(dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	return db
}

// BenchmarkImportVisits imports 1,000,000 visits into an empty database
// (customers and advisors already present), indexes and next-visit dates
// included, and reports rows/s.
func BenchmarkImportVisits(b *testing.B) {
	rows := 1_000_000
	if s := os.Getenv("CSPERF_BENCH_ROWS"); s != "" {
		rows, _ = strconv.Atoi(s)
	}
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				db := benchDB(b, engine)
				ctx := context.Background()
				customers, advisors := rows/10, 40
				seedBench(b, db, customers, advisors)
				k := csperf.KindByName("visits")
				b.StartTimer()
				start := time.Now()
				res, err := db.Import(ctx, k, &genVisits{k: k, n: rows, customers: customers, advisors: advisors, vals: make([]any, len(k.Fields))}, csperf.ImportOptions{File: "bench.csv"})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(res.Inserted)/time.Since(start).Seconds(), "rows/s")
			}
		})
	}
}

func seedBench(b *testing.B, db *sqlstore.DB, customers, advisors int) {
	ctx := context.Background()
	var emps []csperf.Record
	for i := 0; i < advisors; i++ {
		emps = append(emps, csperf.Record{"employee_id": "A" + strconv.Itoa(i), "name": "顾问", "position": "service_advisor", "department_id": "main"})
	}
	k := csperf.KindByName("employees")
	if _, err := db.Import(ctx, k, &rows{k: k, data: emps}, csperf.ImportOptions{File: "e.csv"}); err != nil {
		b.Fatal(err)
	}
	ck := csperf.KindByName("customers")
	if _, err := db.Import(ctx, ck, &genCustomers{k: ck, n: customers, vals: make([]any, len(ck.Fields))}, csperf.ImportOptions{File: "c.csv"}); err != nil {
		b.Fatal(err)
	}
}

type genCustomers struct {
	k    *csperf.Kind
	i, n int
	vals []any
}

func (g *genCustomers) Next() (int, []any, bool) {
	if g.i >= g.n {
		return 0, nil, false
	}
	g.vals[0] = fmt.Sprintf("C%07d", g.i)
	g.vals[1] = "客户"
	g.i++
	return g.i + 1, g.vals, true
}

func (g *genCustomers) Err() error { return nil }
