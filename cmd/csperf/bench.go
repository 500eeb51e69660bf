package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"csperf"
	"csperf/churn"
	"csperf/demo"
	"csperf/importer"
)

func (m *Main) runBench(ctx context.Context, args []string) error {
	if len(args) == 0 || (args[0] != "import" && args[0] != "churn" && args[0] != "data") {
		return csperf.Errorf(csperf.EINVALID, "usage: csperf bench import|churn|data [flags]")
	}
	sub := args[0]
	fs, dsn := m.flags("bench "+sub, `bench import [--rows N] [--existing N] [--db DSN]
       bench churn --month YYYY-MM [--months 12] [--db DSN]
       bench data [--scale 50] [--seed 1] [--through visits] [--data-months 24] [--db DSN]

import: writes a visits CSV of N rows (and the customers and advisors it names) to a temporary
directory, imports it through the same path as `+"`csperf import`"+`, and prints rows/s and the
process's peak memory. --existing first imports that many visits (not timed).
churn: times one month's full assessment and the months before it, on the database as it is.
data: builds the demo organisation's data at --scale into an empty database (SQLite or
PostgreSQL), the kinds up to --through only: at scale 50, through visits, about 10 million
visits of 1 million customers, the churn benchmark's data.`)
	rows := fs.Int("rows", 1_000_000, "visits in the timed file")
	existing := fs.Int("existing", 0, "visits imported before the timed file")
	month := fs.String("month", "", "churn: the month to assess")
	months := fs.Int("months", 12, "churn: how many months to assess, ending at --month")
	scale := fs.Float64("scale", 50, "data: demo volume multiplier")
	seed := fs.Uint64("seed", 1, "data: demo random seed")
	through := fs.String("through", "visits", "data: the last kind to build (empty: all)")
	nMonths := fs.Int("data-months", 24, "data: months of data, ending 2026-10")
	if _, err := parse(fs, args[1:]); err != nil {
		return err
	}
	switch sub {
	case "churn":
		return m.benchChurn(ctx, *dsn, *month, *months)
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
	start := time.Now()
	res, _, err := importFile(ctx, db, k, p, importer.Options{}, false, nil)
	if err != nil {
		return err
	}
	el := time.Since(start)
	fmt.Fprintf(m.Stdout, "engine %s: imported %d visits into a table of %d in %s: %.0f rows/s; peak memory %s\n",
		db.Engine(), res.Inserted, *existing, el.Round(time.Millisecond), float64(res.Inserted)/el.Seconds(), peakRSS())
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

func (m *Main) benchChurn(ctx context.Context, dsn, month string, months int) error {
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
	start := time.Now()
	if _, err := db.ChurnReport(ctx, mm, s); err != nil {
		return err
	}
	one := time.Since(start)
	start = time.Now()
	for i := 0; i < months; i++ {
		if _, err := db.ChurnReport(ctx, mm-csperf.Month(i), s); err != nil {
			return err
		}
	}
	all := time.Since(start)
	fmt.Fprintf(m.Stdout, "engine %s: one month %s; %d months %s; peak memory %s\n", db.Engine(), one.Round(time.Millisecond), months, all.Round(time.Millisecond), peakRSS())
	// The plain SQL a user would write without csperf's derived data: each
	// customer's last visit up to the end of the month by a window over all
	// visits, counted where it fell in the base month — the department
	// figure only, a fraction of the full assessment.
	start = time.Now()
	for i := 0; i < months; i++ {
		mi := mm - csperf.Month(i)
		base := mi - csperf.Month(s.Threshold)
		if _, err := db.PlainChurnCount(ctx, base.First(), base.Last(), mi.Last()); err != nil {
			return err
		}
	}
	plain := time.Since(start)
	fmt.Fprintf(m.Stdout, "plain SQL (window over all visits, department count only): %d months %s; csperf is %.1f× faster\n",
		months, plain.Round(time.Millisecond), plain.Seconds()/all.Seconds())
	return nil
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
