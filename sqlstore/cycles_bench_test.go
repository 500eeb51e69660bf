package sqlstore_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"csperf"
	"csperf/scorecard"
	"csperf/sqlstore"
)

// genRows is a RowSource of n synthetic records of kind k; fill sets the
// fields of record i by name.
type genRows struct {
	k    *csperf.Kind
	i, n int
	idx  map[string]int
	vals []any
	fill func(i int, set func(field string, v any))
}

func newGen(kind string, n int, fill func(i int, set func(string, any))) *genRows {
	k := csperf.KindByName(kind)
	g := &genRows{k: k, n: n, idx: map[string]int{}, vals: make([]any, len(k.Fields)), fill: fill}
	for i, f := range k.Fields {
		g.idx[f.Name] = i
	}
	return g
}

func (g *genRows) Next() (int, []any, bool) {
	if g.i >= g.n {
		return 0, nil, false
	}
	clear(g.vals)
	g.fill(g.i, func(f string, v any) { g.vals[g.idx[f]] = v })
	g.i++
	return g.i + 1, g.vals, true
}

func (g *genRows) Err() error { return nil }

// seedAnnual builds a department of 2,000 employees in 100 groups (1,000
// agents, 600 service advisors, 400 specialists: the three shipped
// templates) and a year of events: events/2 calls and events/2 visits,
// and events/50 surveys, events/50 service requests and events/500
// complaints; then self and supervisor ratings for every item.
func seedAnnual(b *testing.B, db *sqlstore.DB, events int) {
	ctx := context.Background()
	imp := func(g *genRows) {
		if _, err := db.Import(ctx, g.k, g, csperf.ImportOptions{File: g.k.Name + ".csv"}); err != nil {
			b.Fatalf("import %s: %v", g.k.Name, err)
		}
	}
	const staff, customers = 2000, 100_000
	emp := func(i int) string { return fmt.Sprintf("E%04d", i) }
	imp(newGen("groups", 100, func(i int, set func(string, any)) {
		set("group_id", fmt.Sprintf("G%03d", i))
		set("name", fmt.Sprintf("%d组", i))
		set("department_id", "main")
	}))
	imp(newGen("employees", staff, func(i int, set func(string, any)) {
		pos := "agent"
		switch {
		case i >= 1600:
			pos = "specialist"
		case i >= 1000:
			pos = "service_advisor"
		}
		set("employee_id", emp(i))
		set("name", "员工"+strconv.Itoa(i))
		set("position", pos)
		set("group_id", fmt.Sprintf("G%03d", i/20))
		set("department_id", "main")
		set("hire_date", csperf.MakeDate(2010, 1, 1)+csperf.Date(i))
		set("bonus_base", csperf.Money(300000+i*37))
	}))
	imp(newGen("customers", customers, func(i int, set func(string, any)) {
		set("customer_id", fmt.Sprintf("C%07d", i))
		set("name", "客户")
	}))
	start := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	when := func(i, n int) time.Time { // spread n events over 2015, at office hours in Shanghai
		day := i * 365 / n
		return start.Add(time.Duration(day)*24*time.Hour + time.Duration(1+i%8)*time.Hour + time.Duration(i%3600)*time.Second)
	}
	calls, visits := events/2, events-events/2
	imp(newGen("calls", calls, func(i int, set func(string, any)) {
		q := when(i, calls)
		set("call_id", fmt.Sprintf("K%09d", i))
		set("agent_id", emp((i*7919)%1600))
		set("direction", "in")
		set("queued_at", q)
		set("answered_at", q.Add(time.Duration(5+i%40)*time.Second))
		set("abandoned", false)
		set("resolved_first_contact", i%10 < 8)
	}))
	imp(newGen("visits", visits, func(i int, set func(string, any)) {
		set("visit_id", fmt.Sprintf("V%09d", i))
		set("customer_id", fmt.Sprintf("C%07d", (i*7919)%customers))
		set("advisor_id", emp(1000+(i*31)%600))
		set("visit_date", csperf.DateOf(when(i, visits)))
	}))
	n := events / 50
	imp(newGen("surveys", n, func(i int, set func(string, any)) {
		set("survey_id", fmt.Sprintf("S%09d", i))
		set("employee_id", emp((i*13)%1600))
		set("answered_at", when(i, n))
		set("overall", strconv.Itoa(1+(i*i)%5))
	}))
	imp(newGen("service_requests", n, func(i int, set func(string, any)) {
		o := when(i, n)
		set("request_id", fmt.Sprintf("R%09d", i))
		set("employee_id", emp((i*17)%staff))
		set("opened_at", o)
		set("first_response_at", o.Add(time.Duration(1+i%60)*time.Hour))
		if i%7 != 0 {
			set("resolved_at", o.Add(time.Duration(2+i%70)*time.Hour))
		}
	}))
	nc := events / 500
	imp(newGen("complaints", nc, func(i int, set func(string, any)) {
		o := when(i, nc)
		set("complaint_id", fmt.Sprintf("Q%08d", i))
		set("employee_id", emp((i*19)%staff))
		set("class", strconv.Itoa(1+i%3))
		set("opened_at", o)
		set("closed_at", o.Add(time.Duration(1+i%90)*time.Hour))
		set("resolved", i%5 != 0)
	}))
}

// BenchmarkAnnualCycle computes the annual cycle of a department of 2,000
// employees (three templates, 16,000 ratings) over a year of events:
// CSPERF_BENCH_EVENTS calls and visits (default 1,000,000; the SPEC §7
// figure is for 10,000,000), plus surveys, requests and complaints. Setup
// is not timed; each iteration pulls every KPI value, scores everyone,
// and stores the inputs, the results and the canonical JSON.
func BenchmarkAnnualCycle(b *testing.B) {
	events := 1_000_000
	if s := os.Getenv("CSPERF_BENCH_EVENTS"); s != "" {
		events, _ = strconv.Atoi(s)
	}
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			ctx := context.Background()
			// CSPERF_BENCH_SQLITE=PATH keeps the SQLite set-up in PATH and
			// reuses it on the next run (the set-up takes minutes);
			// CSPERF_BENCH_POSTGRES=URL does the same with an (empty or
			// earlier) PostgreSQL database.
			var db *sqlstore.DB
			keep, dsn := os.Getenv("CSPERF_BENCH_SQLITE"), "sqlite:"+os.Getenv("CSPERF_BENCH_SQLITE")
			if engine == "postgres" {
				keep = os.Getenv("CSPERF_BENCH_POSTGRES")
				dsn = keep
			}
			if keep != "" {
				statErr := error(nil)
				if engine == "sqlite" {
					_, statErr = os.Stat(keep)
				}
				var err error
				if db, err = sqlstore.Open(dsn); err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() { db.Close() })
				if _, err := db.Migrate(ctx); err != nil {
					b.Fatal(err)
				}
				if statErr == nil {
					if c, err := db.Cycle(ctx, "2015-main"); err == nil {
						computeBench(b, db, c.ID)
						return
					}
				}
			} else {
				db = benchDB(b, engine)
			}
			t0 := time.Now()
			seedAnnual(b, db, events)
			c, err := db.CreateCycle(ctx, sqlstore.CycleSpec{Kind: "annual", Period: "2015", ScopeLevel: "department", ScopeID: "main"})
			if err != nil {
				b.Fatal(err)
			}
			var rs []scorecard.Rating
			for i := 0; i < 2000; i++ {
				items := []string{"csat", "complaint_rate", "first_response"}
				switch {
				case i >= 1600:
					items = []string{"first_response", "resolution_time", "complaint_resolution", "teamwork"}
				case i >= 1000:
					items = []string{"response_speed", "resolution", "satisfaction", "teamwork"}
				}
				for j, it := range items {
					rs = append(rs, scorecard.Rating{EmployeeID: fmt.Sprintf("E%04d", i), Item: it, Source: "self", Points: scorecard.Int(int64(60 + (i+j)%41))},
						scorecard.Rating{EmployeeID: fmt.Sprintf("E%04d", i), Item: it, Source: "supervisor", Points: scorecard.N(int64(1100+(i*j)%900), 20)})
				}
			}
			if _, err := db.SetRatings(ctx, c.ID, rs); err != nil {
				b.Fatal(err)
			}
			b.Logf("%s: %d events, %d ratings set up in %s", engine, events, len(rs), time.Since(t0).Round(time.Second))
			computeBench(b, db, c.ID)
		})
	}
}

// computeBench times ComputeCycle. Besides wall time it reports the
// process's CPU seconds per computation (user + system, from getrusage):
// on a shared machine the wall time swings with the load, the CPU time
// much less. On SQLite that is all the work; on PostgreSQL the server's
// share is not in it.
func computeBench(b *testing.B, db *sqlstore.DB, id string) {
	var comp *scorecard.Computation
	var err error
	cpu := func() time.Duration {
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	n, c0 := 0, cpu()
	for b.Loop() {
		if _, comp, err = db.ComputeCycle(context.Background(), id); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric((cpu()-c0).Seconds()/float64(n), "cpu-s/op")
	if comp.Summary.Scored != 2000 {
		b.Fatalf("scored %d of %d", comp.Summary.Scored, comp.Summary.Employees)
	}
	b.Logf("grades %v, bonus %s", comp.Summary.ByGrade, comp.Summary.Bonus)
}
