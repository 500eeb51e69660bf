package main

import (
	"context"
	"strings"
	"time"

	"csperf"
	"csperf/importer"
	"csperf/sqlstore"
)

func (m *Main) runExport(ctx context.Context, args []string) error {
	fs, dsn := m.flags("export", `export KIND [--format csv|xlsx|json] [-o FILE] [--unmask] [--header en|zh]

Writes every record of KIND. Personal data (phones, ID numbers, addresses, emails) is masked
unless --unmask is given, which is recorded in the audit log. Cells that a spreadsheet would
run as a formula (starting with = + - @) are neutralised in CSV and XLSX.`)
	format := fs.String("format", "csv", "csv, xlsx or json")
	outPath := fs.String("o", "", "write to FILE instead of standard output")
	unmask := fs.Bool("unmask", false, "write personal data in full (audited)")
	hdr := fs.String("header", "en", "column names: en (the import names) or zh (Chinese labels)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return csperf.Errorf(csperf.EINVALID, "give one kind (one of: %s)", kindNames())
	}
	k := csperf.KindByName(pos[0])
	if k == nil {
		return csperf.Errorf(csperf.EINVALID, "unknown kind %q (one of: %s)", pos[0], kindNames())
	}
	if *format != "csv" && *format != "xlsx" && *format != "json" {
		return csperf.FieldErrorf("format", "%q is not csv, xlsx or json", *format)
	}
	db, err := m.open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	header := make([]string, len(k.Fields))
	for i, f := range k.Fields {
		header[i] = f.Name
		if *hdr == "zh" {
			header[i] = f.Label
		}
	}
	out, closeOut, err := m.output(*outPath)
	if err != nil {
		return err
	}
	defer closeOut()
	w, err := importer.NewWriter(*format, out, header)
	if err != nil {
		return err
	}
	if *unmask && hasPII(k) {
		if err := db.Audit(ctx, "export.unmask", k.Name, "", "cli export of "+k.Name+" with personal data"); err != nil {
			return err
		}
	}
	cells := make([]string, len(k.Fields))
	err = db.EachRecord(ctx, k, func(r csperf.Record) error {
		for i, f := range k.Fields {
			cells[i] = FormatValue(&f, r[f.Name], db.Loc, !*unmask)
		}
		return w.Write(cells)
	})
	if err != nil {
		return err
	}
	return w.Close()
}

func hasPII(k *csperf.Kind) bool {
	for _, f := range k.Fields {
		if f.PII != csperf.PIINone {
			return true
		}
	}
	return false
}

// FormatValue is the text of a record value as exports write it and
// imports read it back: dates YYYY-MM-DD, times RFC 3339 in the
// organisation's zone, money with two decimals, booleans true/false.
func FormatValue(f *csperf.Field, v any, loc *time.Location, mask bool) string {
	var s string
	switch x := v.(type) {
	case nil:
		return ""
	case time.Time:
		s = x.In(loc).Format(time.RFC3339)
	case bool:
		if x {
			s = "true"
		} else {
			s = "false"
		}
	case string:
		s = x
	default:
		s = strings.TrimSpace(sqlstore.Text(v))
	}
	if mask && f.PII != csperf.PIINone {
		return csperf.Mask(f.PII, s)
	}
	return s
}
