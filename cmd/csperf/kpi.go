package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"csperf"
	"csperf/kpi"
	"csperf/pdf"
)

func (m *Main) runKPI(ctx context.Context, args []string) error {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "list":
			return m.runKPIList(ctx, args[1:])
		case "define":
			return m.runKPIDefine(ctx, args[1:])
		case "rebuild":
			return m.runKPIRebuild(ctx, args[1:])
		}
		return csperf.Errorf(csperf.EINVALID, "unknown kpi command %q (list, define, rebuild)", args[0])
	}
	fs, dsn := m.flags("kpi", `kpi --period P [--kpi ID[,ID…]] [--scope employee|group|department|org] [--id X] [--by day|week|month|quarter|year] [--format table|csv|json|xlsx|pdf] [-o FILE] [--lang zh|en]
       kpi list [--format table|csv|json|xlsx]           the catalog and the custom KPIs
       kpi define --file def.json                        add or change KPIs (a definition or a list; "-" reads standard input)
       kpi rebuild                                       recompute every daily roll-up from the events

Computes KPIs (SPEC §4) for a scope and a period: 2015-09, 2015-Q3, 2015, 2015-W37, 2015-09-01,
or a range 2015-09-01..2015-09-30. Without --id, every employee, group or department of the level.
Each row has the exact numerator and denominator (seconds for time sums), the value, the target,
whether it is met, and the change against the previous period of the same length.
--format pdf (with -o FILE) writes the rows as a PDF report in --lang (zh by default).`)
	ids := fs.String("kpi", "", "KPI ids, comma-separated (default: every KPI computed for the scope)")
	scope := fs.String("scope", kpi.LevelOrg, "employee, group, department or org")
	id := fs.String("id", "", "the employee, group or department (default: all of the level)")
	period := fs.String("period", "", "period: 2015-09, 2015-Q3, 2015, 2015-W37, 2015-09-01 or A..B")
	by := fs.String("by", "", "split the period by day, week, month, quarter or year")
	format := fs.String("format", "table", "table, csv, json, xlsx or pdf")
	outPath := fs.String("o", "", "write to FILE instead of standard output")
	lang := fs.String("lang", "zh", "language of a PDF: zh or en")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *period == "" {
		return csperf.FieldErrorf("period", "give --period (2015-09, 2015-Q3, 2015, 2015-09-01..2015-09-30)")
	}
	p, err := kpi.ParsePeriod(*period)
	if err != nil {
		return err
	}
	q := kpi.Query{Level: *scope, ID: *id, Period: p, By: *by}
	for _, s := range strings.Split(*ids, ",") {
		if s = strings.TrimSpace(s); s != "" {
			q.KPIs = append(q.KPIs, s)
		}
	}
	if *format == "pdf" {
		if err := checkLang(*lang); err != nil {
			return err
		}
		if err := m.pdfTarget(*outPath); err != nil {
			return err
		}
	} else if err := checkFormat(*format); err != nil {
		return err
	}
	db, err := m.open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.KPIValues(ctx, q)
	if err != nil {
		return err
	}
	if *format == "pdf" {
		meta, err := m.pdfMeta(ctx, db, *lang, "")
		if err != nil {
			return err
		}
		return m.writePDF(*outPath, pdf.KPIs(meta, pdf.KPIQuery{KPIs: q.KPIs, Level: q.Level, ID: q.ID, Period: p.String(), By: q.By}, rows))
	}
	out, closeOut, err := m.output(*outPath)
	if err != nil {
		return err
	}
	defer closeOut()
	if *format == "json" {
		if rows == nil {
			rows = []kpi.Row{}
		}
		return writeJSON(out, rows)
	}
	return writeTables(out, *format, []table{kpiTable(rows, *format == "table")})
}

func checkFormat(f string) error {
	switch f {
	case "table", "csv", "json", "xlsx":
		return nil
	}
	return csperf.FieldErrorf("format", "%q is not a format (table, csv, json, xlsx)", f)
}

// kpiTable lays KPI rows out as a report; a terminal gets the short
// columns, files get every field.
func kpiTable(rows []kpi.Row, short bool) table {
	t := table{Header: []string{"kpi", "name", "scope", "id", "scope_name", "period", "numerator", "denominator", "value", "target", "met",
		"previous_period", "previous", "change", "trend", "note"}}
	if short {
		t.Header = []string{"kpi", "name", "id", "period", "num/den", "value", "target", "met", "previous", "change", "note"}
	}
	for _, r := range rows {
		if short {
			t.Rows = append(t.Rows, []string{r.KPI, truncate(r.Name, 12), orLevel(r), r.Period.String(), fmt.Sprintf("%d/%d", r.Numerator, r.Denominator),
				r.Value, r.Target, metText(r.Met), r.Previous, r.Change, r.Note})
			continue
		}
		t.Rows = append(t.Rows, []string{r.KPI, r.Name, r.Scope, r.ID, r.ScopeName, r.Period.String(), i64(r.Numerator), i64(r.Denominator),
			r.Value, r.Target, metText(r.Met), r.PreviousPeriod.String(), r.Previous, r.Change, r.Trend, r.Note})
	}
	return t
}

func orLevel(r kpi.Row) string {
	if r.ID == "" {
		return r.Scope
	}
	return r.ID
}

func metText(b *bool) string {
	switch {
	case b == nil:
		return "—"
	case *b:
		return "yes"
	}
	return "no"
}

func (m *Main) runKPIList(ctx context.Context, args []string) error {
	fs, dsn := m.flags("kpi list", `kpi list [--format table|csv|json|xlsx] [-o FILE]

Lists every KPI: the SPEC §4 catalog (as edited) and the custom KPIs, with formula, unit,
direction, aggregation, target and the scope levels it is computed for.`)
	format := fs.String("format", "table", "table, csv, json or xlsx")
	outPath := fs.String("o", "", "write to FILE instead of standard output")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if err := checkFormat(*format); err != nil {
		return err
	}
	db, err := m.open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	defs, err := db.KPIDefinitions(ctx)
	if err != nil {
		return err
	}
	out, closeOut, err := m.output(*outPath)
	if err != nil {
		return err
	}
	defer closeOut()
	if *format == "json" {
		return writeJSON(out, defs)
	}
	t := table{Header: []string{"id", "name", "name_en", "source", "unit", "direction", "aggregation", "target", "scopes", "formula"}}
	for _, d := range defs {
		source := "custom"
		if c, ok := kpi.Lookup(d.ID); ok {
			source = "catalog"
			a, _ := json.Marshal(c)
			b, _ := json.Marshal(d)
			if !bytes.Equal(a, b) {
				source = "catalog (edited)"
			}
		}
		scopes := strings.Join(d.Scopes, ",")
		if scopes == "" {
			scopes = "all"
		}
		t.Rows = append(t.Rows, []string{d.ID, d.NameZH, d.NameEN, source, string(d.Unit), string(d.Direction), string(d.Aggregation),
			kpi.TargetText(d, nil), scopes, d.Formula})
	}
	return writeTables(out, *format, []table{t})
}

func (m *Main) runKPIDefine(ctx context.Context, args []string) error {
	fs, dsn := m.flags("kpi define", `kpi define --file def.json

Adds custom KPIs, or changes a KPI of the same id (a catalog KPI's target, say), from the JSON of
one definition or a list of them (see `+"`csperf kpi list --format json`"+` for the shape). Each is
validated first — an invalid one is refused with the reason — then stored, audited, and its daily
roll-ups are built so that its values are there at once.`)
	file := fs.String("file", "", `JSON file of a definition or a list of definitions ("-": standard input)`)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *file == "" {
		return csperf.FieldErrorf("file", "give --file def.json")
	}
	var r io.Reader = m.Stdin
	if *file != "-" {
		f, err := os.Open(*file)
		if err != nil {
			return csperf.Errorf(csperf.EINVALID, "cannot read %s: %v", *file, err)
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return err
	}
	var defs []kpi.Definition
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '[' {
		err = json.Unmarshal(t, &defs)
	} else {
		var d kpi.Definition
		err = json.Unmarshal(t, &d)
		defs = []kpi.Definition{d}
	}
	if err != nil {
		return csperf.Errorf(csperf.EINVALID, "%s: not a KPI definition: %v", *file, err)
	}
	for _, d := range defs {
		if err := d.Validate(); err != nil {
			return csperf.Errorf(csperf.EINVALID, "KPI %q: %s", d.ID, csperf.ErrorMessage(err))
		}
	}
	db, err := m.open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	for _, d := range defs {
		if err := db.DefineKPI(ctx, d); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "defined %s (%s)\n", d.ID, firstNonEmpty(d.NameZH, d.NameEN))
	}
	return nil
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func (m *Main) runKPIRebuild(ctx context.Context, args []string) error {
	fs, dsn := m.flags("kpi rebuild", `kpi rebuild

Recomputes every daily KPI roll-up from the events. Imports keep them up to date; this is for
after a restore, or to check that nothing drifted.`)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	db, err := m.open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	if err := db.RebuildKPIRollups(ctx); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "rebuilt the KPI roll-ups in %s\n", time.Since(start).Round(time.Millisecond))
	return nil
}
