// Command csperf is the customer-service performance management system:
// one binary that serves the web application and the JSON API, builds a
// demo organisation, migrates, imports, exports and prints reports.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"csperf"
	"csperf/sqlstore"
)

// Version is set at build time with -ldflags "-X main.Version=…".
var Version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	m := NewMain(os.Stdout, os.Stderr, os.Getenv)
	err := m.Run(ctx, os.Args[1:])
	stop()
	os.Exit(m.exitCode(err))
}

// Main is the program: its streams and environment are explicit so that the
// end-to-end test can drive it in process.
type Main struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	Logger         *slog.Logger
	// Stdin is read by commands that take a file named "-".
	Stdin io.Reader
}

// NewMain returns a Main writing to the given streams.
func NewMain(stdout, stderr io.Writer, getenv func(string) string) *Main {
	return &Main{Stdout: stdout, Stderr: stderr, Getenv: getenv, Stdin: os.Stdin,
		Logger: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))}
}

// command is one subcommand.
type command struct {
	name, summary string
	run           func(m *Main, ctx context.Context, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "serve the web application and the JSON API", (*Main).runServe},
		{"demo", "build a demo organisation in a fresh SQLite file and serve it", (*Main).runDemo},
		{"migrate", "apply the database migrations this binary carries", (*Main).runMigrate},
		{"import", "import a CSV or XLSX file of one record kind, all rows or none", (*Main).runImport},
		{"export", "export the records of one kind as CSV, XLSX or JSON", (*Main).runExport},
		{"churn", "the monthly churn-rate assessment (售后客户流失率控制考核)", (*Main).runChurn},
		{"kpi", "KPI values for any scope and period; the catalog, custom KPIs, roll-up rebuild", (*Main).runKPI},
		{"goal", "SMART goals: create, list, show progress, record measures done", (*Main).runGoal},
		{"alert", "KPI and goal alerts: evaluate, list, acknowledge, webhook delivery", (*Main).runAlert},
		{"survey", "satisfaction survey links customers answer without signing in", (*Main).runSurvey},
		{"cycle", "evaluation cycles: scorecards, 360 ratings, grades, bonus, promotion, raises", (*Main).runCycle},
		{"user", "create users, set roles and passwords, make API tokens", (*Main).runUser},
		{"audit", "list and verify the audit log", (*Main).runAudit},
		{"org", "the organisation's settings: its name on documents, its time zone", (*Main).runOrg},
		{"kinds", "list the record kinds and their import columns", (*Main).runKinds},
		{"bench", "measure import and churn speed, and the web application under load", (*Main).runBench},
		{"version", "print the version", (*Main).runVersion},
	}
}

// Run runs the command line args.
func (m *Main) Run(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			return m.Run(ctx, []string{args[1], "-h"})
		}
		m.usage(m.Stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(m, ctx, args[1:])
			if errors.Is(err, flag.ErrHelp) {
				return nil
			}
			return err
		}
	}
	m.usage(m.Stderr)
	return csperf.Errorf(csperf.EINVALID, "unknown command %q", args[0])
}

func (m *Main) usage(w io.Writer) {
	fmt.Fprintln(w, "csperf — customer-service performance management (客户服务绩效管理系统)")
	fmt.Fprintln(w, "\nUsage: csperf COMMAND [flags]\n\nCommands:")
	cs := commands()
	sort.SliceStable(cs, func(i, j int) bool { return false })
	for _, c := range cs {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nEvery command takes --db (or CSPERF_DB): sqlite:PATH (default sqlite:./csperf.db) or a postgres:// URL.")
	fmt.Fprintln(w, "Run `csperf help COMMAND` or `csperf COMMAND -h` for a command's flags.")
}

// exitCode maps an error to the process status, in one place: 0 ok,
// 1 internal, 2 invalid input, 3 not found, 4 conflict, 5 not allowed.
func (m *Main) exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ie *csperf.ImportError
	if errors.As(err, &ie) {
		fmt.Fprintln(m.Stderr, ie.Error())
		fmt.Fprintf(m.Stderr, "csperf: import failed with %d errors; nothing was written\n", ie.Total)
		return 2
	}
	fmt.Fprintf(m.Stderr, "csperf: %s\n", csperf.ErrorMessage(err))
	switch csperf.ErrorCode(err) {
	case csperf.EINVALID:
		return 2
	case csperf.ENOTFOUND:
		return 3
	case csperf.ECONFLICT:
		return 4
	case csperf.EUNAUTHORIZED, csperf.EFORBIDDEN:
		return 5
	}
	m.Logger.Error("command failed", "err", err)
	return 1
}

// flags returns a FlagSet for a command with the shared --db flag.
func (m *Main) flags(name, usage string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("csperf "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	def := m.Getenv("CSPERF_DB")
	if def == "" {
		def = "sqlite:./csperf.db"
	}
	dsn := fs.String("db", def, "database: sqlite:PATH or postgres://… (env CSPERF_DB)")
	fs.Usage = func() {
		fmt.Fprintf(m.Stderr, "Usage: csperf %s\n\n", usage)
		fs.PrintDefaults()
	}
	return fs, dsn
}

// parse parses flags, allowing them after positional arguments too
// (`csperf import visits v.csv --update`).
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// open opens the database and checks that its schema is current.
func (m *Main) open(ctx context.Context, dsn string) (*sqlstore.DB, error) {
	db, err := sqlstore.Open(dsn)
	if err != nil {
		return nil, err
	}
	if err := db.CheckSchema(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.LoadOrgSettings(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// openMigrated opens a database and migrates it first (for commands that
// build a database, such as bench).
func openMigrated(ctx context.Context, dsn string) (*sqlstore.DB, error) {
	db, err := sqlstore.Open(dsn)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, db.LoadOrgSettings(ctx)
}

func (m *Main) runVersion(ctx context.Context, args []string) error {
	fmt.Fprintf(m.Stdout, "csperf %s\n", Version)
	return nil
}

func (m *Main) runMigrate(ctx context.Context, args []string) error {
	fs, dsn := m.flags("migrate", "migrate [--db DSN]")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	db, err := sqlstore.Open(*dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	for _, a := range applied {
		fmt.Fprintf(m.Stdout, "applied %s\n", a)
	}
	if err != nil {
		return err
	}
	cur, _, err := db.SchemaVersion(ctx)
	if err == nil {
		fmt.Fprintf(m.Stdout, "schema at version %d\n", cur)
	}
	return err
}

func (m *Main) runKinds(ctx context.Context, args []string) error {
	for _, k := range csperf.Kinds {
		var cols []string
		for _, f := range k.Fields {
			c := f.Name
			if f.Required {
				c += "*"
			}
			cols = append(cols, c)
		}
		fmt.Fprintf(m.Stdout, "%-18s %s\n", k.Name, strings.Join(cols, ","))
	}
	return nil
}
