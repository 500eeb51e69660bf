package main

import (
	"context"
	"fmt"
	"strings"

	"csperf"
	"csperf/importer"
	"csperf/sqlstore"
)

func (m *Main) runImport(ctx context.Context, args []string) error {
	fs, dsn := m.flags("import", `import KIND FILE [--update] [--sheet NAME]

Imports FILE (CSV in UTF-8, UTF-8 with BOM or GB18030, or XLSX) as records of KIND, in one
transaction: every row or none. Each bad row is reported as FILE:ROW: column COLUMN: reason.
Importing the same file twice changes nothing; a row whose id exists with other values is an
error unless --update is given. Run `+"`csperf kinds`"+` for the kinds and their columns.`)
	update := fs.Bool("update", false, "rows whose id exists with other values update the record")
	sheet := fs.String("sheet", "", "XLSX sheet to read (default: the first)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		fs.Usage()
		return csperf.Errorf(csperf.EINVALID, "give a kind and a file")
	}
	k := csperf.KindByName(pos[0])
	if k == nil {
		return csperf.Errorf(csperf.EINVALID, "unknown kind %q (one of: %s)", pos[0], kindNames())
	}
	db, err := m.open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	res, ignored, err := importFile(ctx, db, k, pos[1], importer.Options{Sheet: *sheet}, *update, m.progressFor(k.Name))
	if err != nil {
		return err
	}
	if len(ignored) > 0 {
		fmt.Fprintf(m.Stderr, "columns ignored (no such field of %s): %s\n", k.Name, strings.Join(ignored, ", "))
	}
	fmt.Fprintf(m.Stdout, "%s: %d rows: %d inserted, %d updated, %d unchanged\n", res.File, res.Rows, res.Inserted, res.Updated, res.Unchanged)
	// The import has committed: evaluating targets and goals now (issue 4)
	// can neither undo it nor change the exit status; a failure is a
	// warning (store errors name ids and SQL, no personal data).
	if as, err := db.EvaluateAlerts(ctx, db.Now()); err != nil {
		fmt.Fprintf(m.Stderr, "warning: the import stands, but alerts were not evaluated: %v (run `csperf alert evaluate` later)\n", err)
	} else if len(as) > 0 {
		fmt.Fprintf(m.Stderr, "note: %d new alerts (csperf alert list)\n", len(as))
	}
	if k.Name == "visits" || k.Name == "memberships" || k.Name == "coverage" || k.Name == "employees" {
		drift, err := db.ChurnDrift(ctx)
		if err != nil {
			return err
		}
		for _, mm := range drift {
			fmt.Fprintf(m.Stderr, "note: churn month %s is closed; with the data now imported its figures would differ (the frozen figures stand; reopen the month to recompute)\n", mm)
		}
	}
	return nil
}

// importFile reads path and imports it as kind k. It returns the columns of
// the file that match no field.
func importFile(ctx context.Context, db *sqlstore.DB, k *csperf.Kind, path string, opts importer.Options, update bool, progress func(int64)) (*csperf.ImportResult, []string, error) {
	r, err := importer.OpenFile(path, opts)
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	mp, err := r.Map(k)
	if err != nil {
		return nil, nil, err
	}
	cols := map[string]string{}
	for i, c := range mp.Columns {
		if c >= 0 && c < len(mp.Header) {
			cols[k.Fields[i].Name] = strings.TrimSpace(mp.Header[c])
		}
	}
	res, err := db.Import(ctx, k, importer.NewSource(r, mp, db.Loc), csperf.ImportOptions{File: path, Update: update, Columns: cols, Progress: progress})
	if err != nil {
		return nil, nil, err
	}
	return res, mp.Ignored, nil
}

func kindNames() string {
	var ns []string
	for _, k := range csperf.Kinds {
		ns = append(ns, k.Name)
	}
	return strings.Join(ns, ", ")
}

// progressFor reports rows read on a terminal.
func (m *Main) progressFor(kind string) func(int64) {
	p := m.progress()
	if p == nil {
		return nil
	}
	return func(n int64) { p(kind, n) }
}
