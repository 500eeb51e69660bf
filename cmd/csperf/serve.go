package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"csperf/scorecard"
	"csperf/sqlstore"
	"csperf/web"
)

func (m *Main) runServe(ctx context.Context, args []string) error {
	fs, dsn := m.flags("serve", `serve [--db DSN] [--addr HOST:PORT] [--insecure-cookies]

Serves the web application and the JSON API (/api/v1/, described at
/api/v1/openapi.json) until interrupted. The database's schema must be
current: run `+"`csperf migrate`"+` first.

The session cookie is __Host-csperf, Secure: browsers keep it over HTTPS and
over plain HTTP on localhost and 127.0.0.1. Behind plain HTTP on another
address, pass --insecure-cookies (or better, put TLS in front).`)
	addrDef := m.Getenv("CSPERF_ADDR")
	if addrDef == "" {
		addrDef = "127.0.0.1:8080"
	}
	addr := fs.String("addr", addrDef, "address to listen on (env CSPERF_ADDR)")
	insecure := fs.Bool("insecure-cookies", m.Getenv("CSPERF_INSECURE_COOKIES") == "1", "session cookie without Secure, for plain HTTP beyond loopback (env CSPERF_INSECURE_COOKIES=1)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	db, err := m.open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	return m.serve(ctx, db, *addr, *insecure, func(url string) {
		fmt.Fprintf(m.Stdout, "csperf is serving on %s\n", url)
	})
}

// serveDB serves the app on db at addr until ctx is done, calling ready
// with the base URL once it listens; `csperf demo` uses it.
func (m *Main) serveDB(ctx context.Context, db *sqlstore.DB, addr string, ready func(url string)) error {
	return m.serve(ctx, db, addr, m.Getenv("CSPERF_INSECURE_COOKIES") == "1", ready)
}

func (m *Main) serve(ctx context.Context, db *sqlstore.DB, addr string, insecure bool, ready func(string)) error {
	srv, err := web.New(web.Config{
		Records: db, Imports: db, Users: db, Sessions: db, Audit: db, Settings: db, Churn: db, Perf: perfStore{db}, Alerts: db, Surveys: db,
		Loc: db.Loc, Now: db.Now, Logger: m.Logger, InsecureCookies: insecure,
	})
	if err != nil {
		return err
	}
	defer srv.Close() // background alert evaluations end before the database closes
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go srv.PurgeSessions(ctx, 10*time.Minute)
	go m.evaluateAlerts(ctx, db, time.Hour)
	go db.RunAlertDeliveries(ctx, time.Minute, &http.Client{Timeout: 30 * time.Second}, onceLogger(m.Logger, "deliver alerts"))
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	m.Logger.Info("serving", "addr", ln.Addr().String(), "engine", db.Engine())
	if ready != nil {
		ready(baseURL(ln.Addr()))
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, scancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer scancel()
	if err := hs.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// baseURL is the URL a browser on this machine opens for a listener; an
// unspecified address (0.0.0.0, ::) is reached through 127.0.0.1.
func baseURL(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return "http://" + a.String()
	}
	host := tcp.IP.String()
	if tcp.IP == nil || tcp.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, fmt.Sprint(tcp.Port))
}

// perfStore is the database as the web's PerfStore: it adds ListCycles,
// whose filter the web package does not know.
type perfStore struct{ *sqlstore.DB }

// The web registers the KPI, goal and webhook writes only for a store
// that has them: keep the database's.
var _ web.PerfWriteStore = perfStore{}

func (p perfStore) ListCycles(ctx context.Context, kind, state string, year int) ([]scorecard.Cycle, error) {
	return p.Cycles(ctx, sqlstore.CycleFilter{Kind: kind, State: state, Year: year})
}

// evaluateAlerts raises the alerts that are due once at start and then
// every interval until ctx is done.
func (m *Main) evaluateAlerts(ctx context.Context, db *sqlstore.DB, every time.Duration) {
	logErr := onceLogger(m.Logger, "evaluate alerts")
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := db.EvaluateAlerts(ctx, db.Now()); err != nil && ctx.Err() == nil {
			logErr(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// onceLogger logs a background job's error once for each distinct
// message, so that a failing job does not flood the log; the messages
// name no person (store errors carry ids and SQL, not personal data).
func onceLogger(l *slog.Logger, job string) func(error) {
	var mu sync.Mutex
	seen := map[string]bool{}
	return func(err error) {
		mu.Lock()
		defer mu.Unlock()
		msg := err.Error()
		if seen[msg] || len(seen) > 100 {
			return
		}
		seen[msg] = true
		l.Error(job, "err", msg)
	}
}
