package demo_test

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"csperf"
	"csperf/churn"
	"csperf/demo"
	"csperf/sqlstore"
)

var timedScale = flag.Float64("demo.scale", 0, "also build at this scale into a fresh database and report time and memory (e.g. 1)")

var end = csperf.MakeMonth(2025, 6)

var pgSeq atomic.Int64

// engines runs fn against a fresh SQLite file, and against a fresh
// PostgreSQL database when CSPERF_TEST_POSTGRES_URL is set.
func engines(t *testing.T, fn func(t *testing.T, open func() *sqlstore.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		fn(t, func() *sqlstore.DB { return openTest(t, "sqlite:"+filepath.Join(t.TempDir(), "d.db")) })
	})
	if url := os.Getenv("CSPERF_TEST_POSTGRES_URL"); url != "" {
		t.Run("postgres", func(t *testing.T) {
			fn(t, func() *sqlstore.DB { return openTest(t, freshPostgres(t, url)) })
		})
	}
}

// freshPostgres creates an empty database on the test server and returns
// its URL; it is dropped when the test ends.
func freshPostgres(t testing.TB, url string) string {
	t.Helper()
	admin, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := fmt.Sprintf("csperf_demo_test_%d_%d", os.Getpid(), pgSeq.Add(1))
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

func openTest(t testing.TB, dsn string) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.Now = func() time.Time { return time.Date(2025, 7, 3, 2, 0, 0, 0, time.UTC) }
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// dump reads every record of kind k in key order.
func dump(t *testing.T, db *sqlstore.DB, kind string) []csperf.Record {
	t.Helper()
	k := csperf.KindByName(kind)
	var out []csperf.Record
	for {
		page, _, err := db.ListRecords(context.Background(), k, csperf.RecordFilter{Offset: len(out), Limit: 10000})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page...)
		if len(page) < 10000 {
			return out
		}
	}
}

func TestBuild(t *testing.T) {
	engines(t, func(t *testing.T, open func() *sqlstore.DB) {
		ctx := context.Background()
		opt := demo.Options{Seed: 7, Scale: 0.02, End: end}
		db := open()
		sum, err := demo.Build(ctx, db, opt)
		if err != nil {
			t.Fatal(err)
		}
		t.Log(sum)
		if sum.Start != end-23 || sum.End != end {
			t.Errorf("window %s…%s, want 24 months to %s", sum.Start, sum.End, end)
		}
		within := map[string][2]int64{
			"groups": {9, 9}, "customers": {400, 400}, "visits": {6_000, 10_000}, "calls": {6_500, 9_500},
			"qa_evaluations": {400, 800}, "service_requests": {700, 1_300}, "complaints": {110, 230}, "surveys": {600, 1_000},
			"return_visit_plans": {450, 900}, "return_visits": {400, 900}, "contracts": {80, 200}, "orders": {600, 1_000},
			"promises": {200, 400}, "suggestions": {300, 600}, "proposals": {5, 12},
		}
		for _, k := range csperf.Kinds {
			if k.Name == "departments" || k.Name == "positions" {
				continue
			}
			n := sum.Rows[k.Name]
			if r, ok := within[k.Name]; ok && (n < r[0] || n > r[1]) {
				t.Errorf("%s: %d rows, want %d…%d", k.Name, n, r[0], r[1])
			}
			if k.Name != "change_requests" && n == 0 {
				t.Errorf("%s: no rows", k.Name)
			}
		}
		for _, id := range []string{sum.Manager, sum.CSManager, sum.Supervisor, sum.Advisor, sum.Agent, sum.QAInspector, sum.HROfficer, sum.Specialist, sum.TeamLead, sum.CallCenterManager} {
			if _, err := db.GetRecord(ctx, csperf.KindByName("employees"), []string{id}); err != nil {
				t.Errorf("notable employee %q: %v", id, err)
			}
		}
		if g, err := db.GetRecord(ctx, csperf.KindByName("employees"), []string{sum.Supervisor}); err == nil && g["group_id"] != sum.SupervisorGroup {
			t.Errorf("supervisor %s is in group %v, summary says %s", sum.Supervisor, g["group_id"], sum.SupervisorGroup)
		}
		// Someone moved: their history has two memberships.
		moves := map[any]int{}
		for _, m := range dump(t, db, "memberships") {
			moves[m["employee_id"]]++
		}
		moved := 0
		for _, n := range moves {
			if n > 1 {
				moved++
			}
		}
		if moved == 0 {
			t.Error("no advisor moved between groups")
		}

		rep, err := db.ChurnReport(ctx, end-1, churn.DefaultSettings())
		if err != nil {
			t.Fatal(err)
		}
		if rep.Department.Churned == 0 || rep.Department.Visits == 0 || len(rep.ChurnedCustomers) == 0 {
			t.Errorf("no churn in %s: %+v", end-1, rep.Department)
		}
		if len(rep.Groups) != 6 {
			t.Errorf("%d group rows, want 6", len(rep.Groups))
		}
		for _, g := range rep.Groups {
			if g.Rate == nil {
				t.Errorf("group %s has no rate", g.GroupID)
			}
		}
		if len(rep.Specialists) != 4 || len(rep.Managers) != 3 {
			t.Errorf("%d specialist and %d manager rows, want 4 and 3", len(rep.Specialists), len(rep.Managers))
		}

		// The same seed gives the same data.
		db2 := open()
		sum2, err := demo.Build(ctx, db2, opt)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(sum, sum2) {
			t.Errorf("summaries differ:\n%+v\n%+v", sum, sum2)
		}
		for _, k := range []string{"employees", "memberships", "coverage", "customers", "visits", "calls", "qa_evaluations",
			"complaints", "surveys", "return_visits", "contracts", "orders", "suggestions"} {
			a, b := dump(t, db, k), dump(t, db2, k)
			if int64(len(a)) != sum.Rows[k] && k != "memberships" {
				t.Errorf("%s: %d rows stored, %d imported", k, len(a), sum.Rows[k])
			}
			if !reflect.DeepEqual(a, b) {
				t.Errorf("%s differ between two builds with the same seed", k)
			}
		}
	})
}

// TestBuildTimed builds at -demo.scale (e.g. 1) and reports how long it
// took and the process's peak memory.
func TestBuildTimed(t *testing.T) {
	if *timedScale == 0 {
		t.Skip("set -demo.scale to time a build")
	}
	engines(t, func(t *testing.T, open func() *sqlstore.DB) {
		db := open()
		start := time.Now()
		sum, err := demo.Build(context.Background(), timed{t, db}, demo.Options{Seed: 1, Scale: *timedScale, End: end})
		if err != nil {
			t.Fatal(err)
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		t.Logf("scale %g on %s: %s in %s; Go heap peak (sys) %d MiB, process peak RSS %s", *timedScale, db.Engine(), sum,
			time.Since(start).Round(time.Millisecond), ms.HeapSys>>20, peakRSS())
	})
}

// timed logs how long each import took.
type timed struct {
	t  *testing.T
	db *sqlstore.DB
}

func (x timed) Import(ctx context.Context, k *csperf.Kind, src csperf.RowSource, opt csperf.ImportOptions) (*csperf.ImportResult, error) {
	start := time.Now()
	res, err := x.db.Import(ctx, k, src, opt)
	if err == nil {
		x.t.Logf("%-22s %9d rows %8s", opt.File, res.Rows, time.Since(start).Round(time.Millisecond))
	}
	return res, err
}

// peakRSS reads the process's high-water resident set size (Linux).
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:"))
		}
	}
	return "unknown"
}
