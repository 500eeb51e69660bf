package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"csperf"
	"csperf/auth"
	"csperf/demo"
	"csperf/sqlstore"
)

func (m *Main) runDemo(ctx context.Context, args []string) error {
	fs, _ := m.flags("demo", `demo [--file PATH] [--seed N] [--scale S] [--addr HOST:PORT] [--no-serve]

Builds a realistic, deterministic demo organisation (an after-sales department with six advisor
groups, a call centre, about 20,000 customers and two years of visits, calls, complaints, surveys,
return visits and contracts) into a fresh SQLite file, then serves it and prints the URL and the
admin login. --scale multiplies the volume, for benchmarks.`)
	file := fs.String("file", "", "SQLite file to build (default: a new file under the system's temporary directory)")
	seed := fs.Uint64("seed", 1, "random seed; the same seed and scale give the same data")
	scale := fs.Float64("scale", 1, "volume multiplier")
	addr := fs.String("addr", envOr(m.Getenv, "CSPERF_ADDR", "127.0.0.1:8080"), "listen address")
	noServe := fs.Bool("no-serve", false, "build the data and stop")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *scale <= 0 || *scale > 1000 {
		return csperf.FieldErrorf("scale", "must be above 0 and at most 1000")
	}
	path := *file
	if path == "" {
		dir, err := os.MkdirTemp("", "csperf-demo-")
		if err != nil {
			return err
		}
		path = filepath.Join(dir, "demo.db")
	} else if _, err := os.Stat(path); err == nil {
		return csperf.Errorf(csperf.ECONFLICT, "%s exists; demo builds a fresh file (remove it or pick another --file)", path)
	}
	db, err := sqlstore.Open("sqlite:" + path)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	start := time.Now()
	fmt.Fprintf(m.Stderr, "building the demo organisation in %s (seed %d, scale %g)…\n", path, *seed, *scale)
	sum, err := demo.Build(ctx, db, demo.Options{Seed: *seed, Scale: *scale, Progress: m.progress()})
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "\rbuilt in %s: %s\n", time.Since(start).Round(100*time.Millisecond), sum)
	login, password, err := m.demoUsers(ctx, db, sum)
	if err != nil {
		return err
	}
	if *noServe {
		fmt.Fprintf(m.Stdout, "database: sqlite:%s\nadmin login: %s / %s\n", path, login, password)
		return nil
	}
	return m.serveDB(ctx, db, *addr, func(url string) {
		fmt.Fprintf(m.Stdout, "csperf demo is running at %s\nsign in as %s with password %s\n(database sqlite:%s; Ctrl-C stops)\n", url, login, password, path)
	})
}

// demoUsers creates a user per role, tied to the demo's people, and returns
// the admin's login. The password is fixed for the demo so that the README
// can name it; it is refused by the password policy for real users only
// because it is published, which is why demo files must not hold real data.
func (m *Main) demoUsers(ctx context.Context, db *sqlstore.DB, sum *demo.Summary) (string, string, error) {
	const password = "csperf-demo-2015"
	h, err := auth.HashPassword(password)
	if err != nil {
		return "", "", err
	}
	users := []*csperf.User{
		{Username: "admin", DisplayName: "系统管理员", Role: csperf.RoleAdmin},
		{Username: "manager", DisplayName: "服务经理", Role: csperf.RoleManager, EmployeeID: sum.Manager},
		{Username: "supervisor", DisplayName: "主管", Role: csperf.RoleSupervisor, EmployeeID: sum.Supervisor, GroupIDs: []string{sum.SupervisorGroup}},
		{Username: "agent", DisplayName: "座席员", Role: csperf.RoleAgent, EmployeeID: sum.Agent},
		{Username: "qa", DisplayName: "质检员", Role: csperf.RoleQA, EmployeeID: sum.QAInspector},
		{Username: "hr", DisplayName: "人事专员", Role: csperf.RoleHR, EmployeeID: sum.HROfficer},
		{Username: "viewer", DisplayName: "访客", Role: csperf.RoleViewer},
	}
	for _, u := range users {
		u.PasswordHash = h
		if err := db.CreateUser(ctx, u); err != nil {
			return "", "", err
		}
	}
	return "admin", password, nil
}

// progress prints import progress on a terminal, nothing otherwise.
func (m *Main) progress() func(kind string, rows int64) {
	if f, ok := m.Stderr.(*os.File); !ok || !isTerminal(f) {
		return nil
	}
	return func(kind string, rows int64) {
		fmt.Fprintf(m.Stderr, "\r%-20s %12d rows", kind, rows)
	}
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

// isTerminal reports whether f is a character device (a terminal), so that
// progress lines are not written into logs and pipes. The null device is a
// character device too but no terminal: writing to it is always fine.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	if null, err := os.Stat(os.DevNull); err == nil && os.SameFile(fi, null) {
		return false
	}
	return true
}
