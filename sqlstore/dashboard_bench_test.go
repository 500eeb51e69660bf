package sqlstore_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"csperf"
	"csperf/auth"
	"csperf/demo"
	"csperf/scorecard"
	"csperf/sqlstore"
	"csperf/web"
)

// dashPerf is the database as the web's PerfStore, as csperf serve passes it.
type dashPerf struct{ *sqlstore.DB }

func (p dashPerf) ListCycles(ctx context.Context, kind, state string, year int) ([]scorecard.Cycle, error) {
	return p.Cycles(ctx, sqlstore.CycleFilter{Kind: kind, State: state, Year: year})
}

// dashEnv is the web application on a small demo organisation, with a
// signed-in session per role and every statement counted.
type dashEnv struct {
	db      *sqlstore.DB
	srv     *web.Server
	log     *sqlstore.StatementLog
	cookies map[string]string // role → session id
}

var dashNow = time.Date(2016, 1, 15, 2, 0, 0, 0, time.UTC)

func newDashEnv(tb testing.TB, engine string) *dashEnv {
	tb.Helper()
	var dsn string
	switch engine {
	case "sqlite":
		dsn = "sqlite:" + filepath.Join(tb.TempDir(), "dash.db")
	default:
		url := os.Getenv("CSPERF_TEST_POSTGRES_URL")
		if url == "" {
			tb.Skip("CSPERF_TEST_POSTGRES_URL not set")
		}
		dsn = freshPostgresB(tb, url)
	}
	db, err := sqlstore.Open(dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	ctx := context.Background()
	if _, err := db.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	// The clock starts at dashNow and runs, so that caches kept for a
	// while (the password policy's 30 s) behave as in a server.
	start := time.Now()
	db.Now = func() time.Time { return dashNow.Add(time.Since(start)) }
	sum, err := demo.Build(ctx, db, demo.Options{Seed: 1, Scale: 0.02, Now: dashNow})
	if err != nil {
		tb.Fatal(err)
	}
	log, err := sqlstore.CountStatements(db)
	if err != nil {
		tb.Fatal(err)
	}
	e := &dashEnv{db: db, log: log, cookies: map[string]string{}}
	h, err := auth.HashPassword("dashboard-bench-password")
	if err != nil {
		tb.Fatal(err)
	}
	for _, u := range []*csperf.User{
		{Username: "manager", Role: csperf.RoleManager, EmployeeID: sum.Manager},
		{Username: "supervisor", Role: csperf.RoleSupervisor, EmployeeID: sum.Supervisor, GroupIDs: []string{sum.SupervisorGroup}},
		{Username: "agent", Role: csperf.RoleAgent, EmployeeID: sum.Agent},
	} {
		u.DisplayName, u.PasswordHash = u.Username, h
		if err := db.CreateUser(ctx, u); err != nil {
			tb.Fatal(err)
		}
		id := "session-of-" + u.Role
		if err := db.CreateSession(ctx, auth.HashSecret(id), u.ID, "csrf-"+u.Role, "127.0.0.1", false); err != nil {
			tb.Fatal(err)
		}
		e.cookies[u.Role] = id
	}
	e.srv, err = web.New(web.Config{Records: db, Imports: db, Users: db, Sessions: db, Audit: db, Settings: db, Churn: db,
		Perf: dashPerf{db}, Alerts: db, Surveys: db, Loc: db.Loc, Now: db.Now,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(e.srv.Close)
	return e
}

// view opens the dashboard as role and returns the page.
func (e *dashEnv) view(tb testing.TB, role string) string {
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.AddCookie(&http.Cookie{Name: "__Host-csperf", Value: e.cookies[role]})
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		tb.Fatalf("dashboard as %s: status %d: %s", role, rec.Code, rec.Body.String())
	}
	return rec.Body.String()
}

// BenchmarkDashboardView measures one dashboard view per role once its
// caches are warm: the time, and the statements sent to the database
// (stmts/op), which under load each wait for a pooled connection.
// first_stmts is the statements of the first view (cold caches). With -v
// the statements of a warm view are listed.
func BenchmarkDashboardView(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			e := newDashEnv(b, engine)
			for _, role := range []string{csperf.RoleManager, csperf.RoleSupervisor, csperf.RoleAgent} {
				b.Run(role, func(b *testing.B) {
					e.log.Reset()
					e.view(b, role)
					first := e.log.Count()
					e.log.Reset()
					e.view(b, role)
					if testing.Verbose() {
						var lines []string
						for q, n := range e.log.Texts() {
							lines = append(lines, q+" ×"+itoa(n))
						}
						sort.Strings(lines)
						b.Logf("%s, a warm view: %d statements\n%s", role, e.log.Count(), strings.Join(lines, "\n"))
					}
					e.log.Reset()
					n := 0
					for b.Loop() {
						e.view(b, role)
						n++
					}
					b.ReportMetric(float64(e.log.Count())/float64(n), "stmts/op")
					b.ReportMetric(float64(first), "first_stmts")
				})
			}
		})
	}
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return string(b[i:])
}
