package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"csperf/sqlstore"
)

// TestBenchLoad runs the load tool for a second against a server on a
// small demo database, so that it keeps working with the pages it names.
func TestBenchLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a demo database")
	}
	file := filepath.Join(t.TempDir(), "demo.db")
	if out, errs, code := run(t, nil, "demo", "--scale", "0.02", "--file", file, "--no-serve"); code != 0 {
		t.Fatalf("demo: %s %s", out, errs)
	}
	db, err := sqlstore.Open("sqlite:" + file)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	urls := make(chan string, 1)
	m := NewMain(&strings.Builder{}, &strings.Builder{}, func(string) string { return "" })
	go func() { served <- m.serve(ctx, db, "127.0.0.1:0", false, func(u string) { urls <- u }) }()
	var url string
	select {
	case url = <-urls:
	case err := <-served:
		t.Fatal(err)
	}
	defer func() {
		cancel()
		<-served
	}()

	// As many clients as pages: each client starts at its own page, so
	// every page is requested however slow the machine is.
	reqLog := filepath.Join(t.TempDir(), "requests.txt")
	out, errs, code := run(t, nil, "bench", "load", "--url", url, "--users", strconv.Itoa(len(defaultLoadPages)), "--duration", "1s", "--requests", reqLog)
	if code != 0 {
		t.Fatalf("bench load: exit %d\n%s\n%s", code, out, errs)
	}
	// --requests: one line per timed request, in start order, as many as
	// the table counts.
	b, err := os.ReadFile(reqLog)
	if err != nil {
		t.Fatal(err)
	}
	line := regexp.MustCompile(`^(\d{13}) (\d+\.\d) (\S+) -$`)
	var last int64
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	for _, l := range lines {
		m := line.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("request line %q", l)
		}
		at, _ := strconv.ParseInt(m[1], 10, 64)
		if at < last {
			t.Errorf("request lines out of order at %q", l)
		}
		last = at
	}
	if total := regexp.MustCompile(`(?m)^all\s+(\d+)\s`).FindStringSubmatch(out); total == nil || total[1] != strconv.Itoa(len(lines)) {
		t.Errorf("%d request lines, table says %v", len(lines), total)
	}
	// Every default page was requested, without errors; the percentiles
	// are ordered.
	row := regexp.MustCompile(`(?m)^(\S+)\s+(\d+)\s+(\d+)\s+([\d.]+)ms\s+([\d.]+)ms\s+([\d.]+)ms\s+([\d.]+)ms$`)
	seen := map[string]bool{}
	for _, m := range row.FindAllStringSubmatch(out, -1) {
		seen[m[1]] = true
		n, _ := strconv.Atoi(m[2])
		e, _ := strconv.Atoi(m[3])
		var ms [4]float64
		for i := range ms {
			ms[i], _ = strconv.ParseFloat(m[4+i], 64)
		}
		if n == 0 || e != 0 || ms[0] > ms[1] || ms[1] > ms[2] || ms[2] > ms[3] {
			t.Errorf("row %q", m[0])
		}
	}
	for _, p := range append(defaultLoadPages, "all") {
		if !seen[p] {
			t.Errorf("no figures for %s in\n%s", p, out)
		}
	}
	if !strings.Contains(out, "load average before") || !strings.Contains(out, "requests/s") {
		t.Errorf("output:\n%s", out)
	}

	// A page that fails is reported and makes the run fail; so does a
	// login that is refused.
	out, errs, code = run(t, nil, "bench", "load", "--url", url, "--users", "2", "--duration", "1s", "--page", "/r/no_such_kind")
	if code == 0 || !strings.Contains(errs, "status 404") {
		t.Errorf("a missing page: exit %d\n%s\n%s", code, out, errs)
	}
	out, errs, code = run(t, nil, "bench", "load", "--url", url, "--users", "1", "--duration", "1s", "--login", "manager:wrong-password-1")
	if code == 0 || !strings.Contains(errs, "sign in as manager: status 401") {
		t.Errorf("a wrong password: exit %d\n%s\n%s", code, out, errs)
	}
}
