package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"csperf"
	"csperf/churn"
	"csperf/demo"
	"csperf/importer"
	"csperf/kpi"
	"csperf/sqlstore"
)

func (m *Main) runBench(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "load" {
		return m.benchLoad(ctx, args[1:])
	}
	if len(args) == 0 || (args[0] != "import" && args[0] != "churn" && args[0] != "kpi" && args[0] != "data") {
		return csperf.Errorf(csperf.EINVALID, "usage: csperf bench import|churn|kpi|data|load [flags]")
	}
	sub := args[0]
	fs, dsn := m.flags("bench "+sub, `bench import [--rows N] [--existing N | --onto] [--db DSN]
       bench churn --month YYYY-MM [--months 12] [--repeat 3] [--no-plain] [--db DSN]
       bench kpi --month YYYY-MM [--months 12] [--repeat 3] [--db DSN]
       bench data [--scale 50] [--seed 1] [--through visits] [--data-months 24] [--db DSN]

import: writes a visits CSV of N rows (and the customers and advisors it names) to a temporary
directory, imports it through the same path as `+"`csperf import`"+`, and prints rows/s and the
process's peak memory. --existing first imports that many visits (not timed). --onto imports
into the database as it is (e.g. after bench data): the file's visits name its customers and
service advisors, dated across its visits' days.
churn: times one month's full assessment and the months before it, on the database as it is,
first and --repeat times more, then the plain SQL a user would write (a window over all visits)
for the same months.
kpi: times the whole catalog's values for every employee and every group, for --month and then
for the --months months ending there by month, first and --repeat times more, on the database as
it is, with the rows computed, this process's CPU time and peak memory; then the plain SQL a
report without roll-ups would run over the raw events for the same months (--no-plain skips it).
data: builds the demo organisation's data at --scale into an empty database (SQLite or
PostgreSQL), the kinds up to --through only: at scale 50, through visits, about 10 million
visits of 1 million customers, the churn benchmark's data.`)
	rows := fs.Int("rows", 1_000_000, "visits in the timed file")
	existing := fs.Int("existing", 0, "visits imported before the timed file")
	onto := fs.Bool("onto", false, "import: visits of the customers and advisors already in --db")
	month := fs.String("month", "", "churn: the month to assess")
	months := fs.Int("months", 12, "churn: how many months to assess, ending at --month")
	repeat := fs.Int("repeat", 3, "churn: timed runs after the first")
	noPlain := fs.Bool("no-plain", false, "churn: skip timing the plain SQL")
	cpuProfile := fs.String("cpuprofile", "", "write a Go CPU profile of the run to this file")
	scale := fs.Float64("scale", 50, "data: demo volume multiplier")
	seed := fs.Uint64("seed", 1, "data: demo random seed")
	through := fs.String("through", "visits", "data: the last kind to build (empty: all)")
	nMonths := fs.Int("data-months", 24, "data: months of data, ending 2026-10")
	if _, err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	switch sub {
	case "churn":
		return m.benchChurn(ctx, *dsn, *month, *months, *repeat, !*noPlain)
	case "kpi":
		return m.benchKPI(ctx, *dsn, *month, *months, *repeat, !*noPlain)
	case "data":
		return m.benchData(ctx, *dsn, *scale, *seed, *through, *nMonths)
	}
	dir, err := os.MkdirTemp("", "csperf-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	db, err := openMigrated(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if *onto {
		return m.benchImportOnto(ctx, db, dir, *rows)
	}
	total := *existing + *rows
	customers := max(total/10, 1)
	write := func(name string, fn func(w *bufio.Writer)) (string, error) {
		p := filepath.Join(dir, name)
		f, err := os.Create(p)
		if err != nil {
			return "", err
		}
		w := bufio.NewWriterSize(f, 1<<20)
		fn(w)
		if err := w.Flush(); err != nil {
			return "", err
		}
		return p, f.Close()
	}
	emp, err := write("employees.csv", func(w *bufio.Writer) {
		w.WriteString("employee_id,name,position\n")
		for i := 0; i < 40; i++ {
			fmt.Fprintf(w, "A%02d,顾问%d,service_advisor\n", i, i)
		}
	})
	if err != nil {
		return err
	}
	cust, err := write("customers.csv", func(w *bufio.Writer) {
		w.WriteString("customer_id,name,phone\n")
		for i := 0; i < customers; i++ {
			fmt.Fprintf(w, "C%08d,客户,139%08d\n", i, i)
		}
	})
	if err != nil {
		return err
	}
	visits := func(name string, from, n int) (string, error) {
		return write(name, func(w *bufio.Writer) {
			w.WriteString("visit_id,customer_id,advisor_id,visit_date\n")
			for i := from; i < from+n; i++ {
				d := csperf.MakeDate(2013, 1, 1) + csperf.Date((i*1009/max(total/1000, 1))%1400)
				fmt.Fprintf(w, "V%010d,C%08d,A%02d,%s\n", i, (i*7919)%customers, i%40, d)
			}
		})
	}
	for _, f := range []struct{ kind, path string }{{"employees", emp}, {"customers", cust}} {
		if _, _, err := importFile(ctx, db, csperf.KindByName(f.kind), f.path, importer.Options{}, false, nil); err != nil {
			return err
		}
	}
	k := csperf.KindByName("visits")
	if *existing > 0 {
		p, err := visits("existing.csv", 0, *existing)
		if err != nil {
			return err
		}
		if _, _, err := importFile(ctx, db, k, p, importer.Options{}, false, nil); err != nil {
			return err
		}
		os.Remove(p)
	}
	p, err := visits("visits.csv", *existing, *rows)
	if err != nil {
		return err
	}
	runtime.GC()
	start, cpu := time.Now(), cpuTime()
	res, _, err := importFile(ctx, db, k, p, importer.Options{}, false, nil)
	if err != nil {
		return err
	}
	el := time.Since(start)
	fmt.Fprintf(m.Stdout, "engine %s: imported %d visits into a table of %d in %s (CPU %s, load average %s): %.0f rows/s; peak memory %s\n",
		db.Engine(), res.Inserted, *existing, el.Round(time.Millisecond), ms(cpuTime()-cpu), loadAvg(), float64(res.Inserted)/el.Seconds(), peakRSS())
	return nil
}

// benchImportOnto times the import of a file of n new visits into a filled
// database, naming its customers and advisors.
func (m *Main) benchImportOnto(ctx context.Context, db *sqlstore.DB, dir string, n int) error {
	refs, err := db.BenchVisitRefs(ctx)
	if err != nil {
		return err
	}
	custs, advs, first, last, before := refs.Customers, refs.Advisors, refs.First, refs.Last, refs.Visits
	if len(custs) == 0 || len(advs) == 0 || before == 0 {
		return csperf.Errorf(csperf.EINVALID, "--onto needs a database with customers, service advisors and visits")
	}
	p := filepath.Join(dir, "visits.csv")
	f, err := os.Create(p)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("visit_id,customer_id,advisor_id,visit_date\n")
	span := int(last-first) + 1
	for i := 0; i < n; i++ {
		fmt.Fprintf(w, "X%010d,%s,%s,%s\n", i, custs[(i*7919)%len(custs)], advs[(i*31)%len(advs)], first+csperf.Date((i*1009)%span))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	runtime.GC()
	start, cpu := time.Now(), cpuTime()
	res, _, err := importFile(ctx, db, csperf.KindByName("visits"), p, importer.Options{}, false, nil)
	if err != nil {
		return err
	}
	el := time.Since(start)
	fmt.Fprintf(m.Stdout, "engine %s: imported %d visits into a table of %d in %s (CPU %s, load average %s): %.0f rows/s; peak memory %s\n",
		db.Engine(), res.Inserted, before, el.Round(time.Millisecond), ms(cpuTime()-cpu), loadAvg(), float64(res.Inserted)/el.Seconds(), peakRSS())
	return nil
}

// benchData builds the demo's data (a fixed end month, so that the same
// scale and seed give the same rows on every day) into an empty database.
func (m *Main) benchData(ctx context.Context, dsn string, scale float64, seed uint64, through string, months int) error {
	db, err := openMigrated(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	cpu := cpuTime()
	sum, err := demo.Build(ctx, db, demo.Options{Seed: seed, Scale: scale, Months: months, End: csperf.MakeDate(2026, 10, 1).Month(), Through: through, Progress: m.progress()})
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "engine %s: built %s in %s (CPU %s); peak memory %s\n", db.Engine(), sum,
		time.Since(start).Round(100*time.Millisecond), (cpuTime() - cpu).Round(100*time.Millisecond), peakRSS())
	return nil
}

func (m *Main) benchChurn(ctx context.Context, dsn, month string, months, repeat int, plain bool) error {
	mm, err := csperf.ParseMonth(month)
	if err != nil {
		return csperf.FieldErrorf("month", "%v", err)
	}
	db, err := m.open(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	s := churn.DefaultSettings()
	// Each figure is timed on the wall clock and in this process's CPU
	// time (on PostgreSQL most of the work is the server's, which the
	// process's CPU time leaves out). The first run of a fresh process
	// finds SQLite's page cache empty ("first"); the repeats are warm.
	timed := func(fn func() error) (wall, cpu time.Duration, err error) {
		start, c := time.Now(), cpuTime()
		err = fn()
		return time.Since(start), cpuTime() - c, err
	}
	var churned, visits int64
	oneMonth := func() error {
		rep, err := db.ChurnReport(ctx, mm, s)
		if err == nil {
			churned, visits = rep.Department.Churned, rep.Department.Visits
		}
		return err
	}
	allMonths := func() error {
		for i := 0; i < months; i++ {
			if _, err := db.ChurnReport(ctx, mm-csperf.Month(i), s); err != nil {
				return err
			}
		}
		return nil
	}
	report := func(what string, fn func() error) (time.Duration, error) {
		wall, cpu, err := timed(fn)
		if err != nil {
			return 0, err
		}
		best, line := wall, fmt.Sprintf("first %s (CPU %s)", ms(wall), ms(cpu))
		for i := 0; i < repeat; i++ {
			w, c, err := timed(fn)
			if err != nil {
				return 0, err
			}
			best = min(best, w)
			line += fmt.Sprintf(", %s (CPU %s)", ms(w), ms(c))
		}
		fmt.Fprintf(m.Stdout, "  %s: %s\n", what, line)
		return best, nil
	}
	fmt.Fprintf(m.Stdout, "engine %s, threshold %d, load average %s\n", db.Engine(), s.Threshold, loadAvg())
	if _, err := report("one month "+mm.String(), oneMonth); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "  (%s: %d churned of %d base-month visits)\n", mm, churned, visits)
	best, err := report(fmt.Sprintf("%d months to %s", months, mm), allMonths)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "  peak memory %s\n", peakRSS())
	if !plain {
		return nil
	}
	// The plain SQL a user would write without csperf's derived data: each
	// customer's last visit up to the end of the month by a window over all
	// visits, counted where it fell in the base month — the department
	// figure only, a fraction of the full assessment.
	wall, cpu, err := timed(func() error {
		for i := 0; i < months; i++ {
			mi := mm - csperf.Month(i)
			base := mi - csperf.Month(s.Threshold)
			if _, err := db.PlainChurnCount(ctx, base.First(), base.Last(), mi.Last()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "  plain SQL (window over all visits, department count only), %d months: %s (CPU %s); csperf's best is %.1f× faster\n",
		months, ms(wall), ms(cpu), wall.Seconds()/best.Seconds())
	fmt.Fprintf(m.Stdout, "  load average after %s\n", loadAvg())
	return nil
}

// benchKPI times the whole catalog for every employee and group: one month,
// then months months by month.
func (m *Main) benchKPI(ctx context.Context, dsn, month string, months, repeat int, plain bool) error {
	mm, err := csperf.ParseMonth(month)
	if err != nil {
		return csperf.FieldErrorf("month", "%v", err)
	}
	db, err := m.open(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	values := func(p kpi.Period, by string) (int, error) {
		n := 0
		for _, level := range []string{kpi.LevelEmployee, kpi.LevelGroup} {
			rows, err := db.KPIValues(ctx, kpi.Query{Level: level, Period: p, By: by})
			if err != nil {
				return 0, err
			}
			n += len(rows)
		}
		return n, nil
	}
	fmt.Fprintf(m.Stdout, "engine %s, load average %s\n", db.Engine(), loadAvg())
	cases := []struct {
		name  string
		p     kpi.Period
		by    string
		first time.Duration
	}{
		{name: "one month " + mm.String(), p: kpi.MonthPeriod(mm)},
		{name: fmt.Sprintf("%d months to %s by month", months, mm), p: kpi.Period{Start: (mm - csperf.Month(months-1)).First(), End: mm.Last()}, by: "month"},
	}
	for ci := range cases {
		c := &cases[ci]
		line, rows := "", 0
		for i := 0; i <= repeat; i++ {
			start, cpu := time.Now(), cpuTime()
			if rows, err = values(c.p, c.by); err != nil {
				return err
			}
			if i == 0 {
				c.first = time.Since(start)
				line = "first "
			} else {
				line += ", "
			}
			line += fmt.Sprintf("%s (CPU %s)", ms(time.Since(start)), ms(cpuTime()-cpu))
		}
		fmt.Fprintf(m.Stdout, "  %s: %d rows; %s\n", c.name, rows, line)
	}
	fmt.Fprintf(m.Stdout, "  peak memory %s\n", peakRSS())
	if !plain {
		return nil
	}
	// The plain SQL a report without roll-ups would run: per event kind,
	// one aggregate by employee and one by group over the raw events of
	// each month (the roll-up KPIs' numerators and denominators only).
	for ci, c := range cases {
		start := time.Now()
		for mo := mm - csperf.Month(months-1); mo <= mm; mo++ {
			if ci == 0 && mo != mm {
				continue
			}
			if err := db.PlainKPISums(ctx, kpi.MonthPeriod(mo)); err != nil {
				return err
			}
		}
		w := time.Since(start)
		fmt.Fprintf(m.Stdout, "  plain SQL, %s: %s; csperf's first run %.1f× faster\n", c.name, ms(w), float64(w)/float64(c.first))
	}
	return nil
}

func ms(d time.Duration) string { return d.Round(time.Millisecond).String() }

// loadAvg is the machine's load average (1, 5, 15 minutes) on Linux.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// cpuTime is the process's user and system CPU time so far: on a shared
// machine it says more about the work done than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakRSS reads the process's peak resident memory (VmHWM) on Linux.
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			f := strings.Fields(l)
			if len(f) >= 2 {
				kb, _ := strconv.Atoi(f[1])
				return fmt.Sprintf("%d MiB", kb/1024)
			}
		}
	}
	return "unknown"
}
