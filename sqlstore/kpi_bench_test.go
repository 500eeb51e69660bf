package sqlstore_test

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"csperf/demo"
	"csperf/kpi"
	"csperf/sqlstore"
)

// BenchmarkKPI measures the KPI engine on demo data: CSPERF_BENCH_KPI_SCALE
// (default 1: about 400,000 calls and 410,000 visits over 24 months; 2.5
// gives a million of each) is built once per engine through Import, daily
// roll-ups included. Reported:
//   - month: one month's values of the whole catalog for every employee and
//     every group (two KPIValues calls), warm — the special aggregations'
//     results kept from the first call — and cold_s, that first call;
//   - year: twelve monthly values of the whole catalog for every employee
//     and every group, warm, and its cold_s;
//   - sql_month / sql_year: the plain SQL aggregates over the raw events for
//     the same roll-up figures (every measure of calls, visits, surveys,
//     complaints, service requests, return visits, orders, contracts,
//     promises and QA evaluations, by employee and by group through the
//     membership history), to compare with;
//   - build_s (import with roll-ups), rebuild_s (every roll-up from the
//     events), events, rollup_rows, heap_MB.
func BenchmarkKPI(b *testing.B) {
	scale := 1.0
	if s := os.Getenv("CSPERF_BENCH_KPI_SCALE"); s != "" {
		scale, _ = strconv.ParseFloat(s, 64)
	}
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			kb := kpiBenchDB(b, engine, scale)
			ctx := context.Background()
			end := kb.sum.End
			month := kpi.MonthPeriod(end - 1)
			year := kpi.Period{Start: (end - 11).First(), End: end.Last()}
			values := func(p kpi.Period, by string) int {
				n := 0
				for _, level := range []string{kpi.LevelEmployee, kpi.LevelGroup} {
					rows, err := kb.db.KPIValues(ctx, kpi.Query{Level: level, Period: p, By: by})
					if err != nil {
						b.Fatal(err)
					}
					n += len(rows)
				}
				return n
			}
			for _, c := range []struct {
				name string
				p    kpi.Period
				by   string
			}{{"month", month, ""}, {"year", year, "month"}} {
				b.Run(c.name, func(b *testing.B) {
					cold := kb.cold(c.name, func() { values(c.p, c.by) })
					rows := 0
					for b.Loop() {
						rows = values(c.p, c.by)
					}
					b.ReportMetric(cold.Seconds(), "cold_s")
					b.ReportMetric(float64(rows), "rows")
					kb.report(b)
				})
			}
			b.Run("sql_month", func(b *testing.B) {
				for b.Loop() {
					kb.plainSQL(b, month)
				}
			})
			b.Run("sql_year", func(b *testing.B) {
				for b.Loop() {
					for m := end - 11; m <= end; m++ {
						kb.plainSQL(b, kpi.MonthPeriod(m))
					}
				}
			})
		})
	}
}

type kpiBench struct {
	db       *sqlstore.DB
	sum      *demo.Summary
	build    time.Duration
	rebuild  time.Duration
	events   int64
	rollups  int64
	colds    map[string]time.Duration
	coldOnce sync.Mutex
}

var (
	kpiBenchMu  sync.Mutex
	kpiBenchDBs = map[string]*kpiBench{}
)

// kpiBenchDB builds (once per engine and process) the demo organisation.
func kpiBenchDB(b *testing.B, engine string, scale float64) *kpiBench {
	kpiBenchMu.Lock()
	defer kpiBenchMu.Unlock()
	if kb := kpiBenchDBs[engine]; kb != nil {
		return kb
	}
	var dsn string
	switch engine {
	case "sqlite":
		dir, err := os.MkdirTemp("", "csperf-kpi-bench-")
		if err != nil {
			b.Fatal(err)
		}
		dsn = "sqlite:" + dir + "/bench.db"
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
	ctx := context.Background()
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	kb := &kpiBench{db: db, colds: map[string]time.Duration{}}
	start := time.Now()
	kb.sum, err = demo.Build(ctx, db, demo.Options{Seed: 1, Scale: scale, Now: time.Date(2016, 1, 15, 10, 0, 0, 0, time.UTC)})
	if err != nil {
		b.Fatal(err)
	}
	kb.build = time.Since(start)
	for _, n := range kb.sum.Rows {
		kb.events += n
	}
	start = time.Now()
	if err := db.RebuildKPIRollups(ctx); err != nil {
		b.Fatal(err)
	}
	kb.rebuild = time.Since(start)
	kb.rollups = kb.count(b, "SELECT COUNT(*) FROM kpi_daily")
	b.Logf("%s scale %g: %v built in %v (roll-ups rebuilt in %v, %d rows)", engine, scale, kb.sum.Rows, kb.build.Round(time.Second), kb.rebuild.Round(time.Second), kb.rollups)
	kpiBenchDBs[engine] = kb
	return kb
}

func (kb *kpiBench) count(b *testing.B, q string) int64 {
	var n int64
	if err := kb.db.QueryRowForBench(context.Background(), q).Scan(&n); err != nil {
		b.Fatal(err)
	}
	return n
}

// cold runs fn the first time name is asked for and returns how long that
// took.
func (kb *kpiBench) cold(name string, fn func()) time.Duration {
	kb.coldOnce.Lock()
	defer kb.coldOnce.Unlock()
	if d, ok := kb.colds[name]; ok {
		return d
	}
	start := time.Now()
	fn()
	kb.colds[name] = time.Since(start)
	return kb.colds[name]
}

func (kb *kpiBench) report(b *testing.B) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(kb.build.Seconds(), "build_s")
	b.ReportMetric(kb.rebuild.Seconds(), "rebuild_s")
	b.ReportMetric(float64(kb.events), "events")
	b.ReportMetric(float64(kb.rollups), "rollup_rows")
	b.ReportMetric(float64(ms.HeapSys)/(1<<20), "heap_MB")
}

// plainSQL runs the plain SQL of one month (sqlstore.PlainKPISums).
func (kb *kpiBench) plainSQL(b *testing.B, p kpi.Period) {
	if err := kb.db.PlainKPISums(context.Background(), p); err != nil {
		b.Fatal(err)
	}
}
