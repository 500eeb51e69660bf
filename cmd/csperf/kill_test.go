package main

import (
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestImportSurvivesSIGKILL kills `csperf import` at random points, twenty
// times, and checks that the SQLite file then holds the whole file or none
// of it and passes PRAGMA integrity_check.
func TestImportSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and imports 20 times")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "csperf")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	base := filepath.Join(dir, "base.db")
	csperf := func(db string, args ...string) *exec.Cmd {
		c := exec.Command(bin, args...)
		c.Env = append(os.Environ(), "CSPERF_DB=sqlite:"+db)
		return c
	}
	mustRun := func(c *exec.Cmd) {
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", c.Args, err, out)
		}
	}
	mustRun(csperf(base, "migrate"))
	const customers, rows = 5000, 100000
	var b strings.Builder
	b.WriteString("employee_id,name,position,group_id\nA1,甲,service_advisor,\nA2,乙,service_advisor,\n")
	emp := write(t, dir, "e.csv", b.String())
	b.Reset()
	b.WriteString("customer_id,name,phone\n")
	for i := 0; i < customers; i++ {
		fmt.Fprintf(&b, "C%05d,客户%d,\n", i, i)
	}
	cust := write(t, dir, "c.csv", b.String())
	b.Reset()
	b.WriteString("visit_id,customer_id,advisor_id,visit_date\n")
	for i := 0; i < rows; i++ {
		fmt.Fprintf(&b, "V%07d,C%05d,A%d,2015-%02d-%02d\n", i, (i*37)%customers, 1+i%2, 1+i%12, 1+i%28)
	}
	visits := write(t, dir, "v.csv", b.String())
	mustRun(csperf(base, "import", "employees", emp))
	mustRun(csperf(base, "import", "customers", cust))
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	whole, none := 0, 0
	for i := 0; i < 20; i++ {
		db := filepath.Join(dir, fmt.Sprintf("k%d.db", i))
		copyFile(t, base, db)
		c := csperf(db, "import", "visits", visits)
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.IntN(2500)) * time.Millisecond)
		c.Process.Signal(syscall.SIGKILL)
		c.Wait()
		n := countAndCheck(t, db)
		switch n {
		case 0:
			none++
		case rows:
			whole++
		default:
			t.Fatalf("kill %d: the database holds %d of %d visits", i, n, rows)
		}
	}
	t.Logf("20 kills: %d left the whole file, %d none of it", whole, none)
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		src, err := os.Open(from + suffix)
		if err != nil {
			continue
		}
		dst, err := os.Create(to + suffix)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(dst, src)
		src.Close()
		dst.Close()
	}
}

func countAndCheck(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ok string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check: %q %v", ok, err)
	}
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM visits").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
