package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"csperf"
	"csperf/importer"
)

// table is a report section as rows of text: printed aligned for a
// terminal, or written as CSV or XLSX through the importer's writers, which
// neutralise spreadsheet formulas.
type table struct {
	Title  string
	Header []string
	Rows   [][]string
}

// writeJSON writes v as indented JSON without HTML escaping, so that "<"
// and ">" stay readable.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeTables writes report sections in format: table, csv or xlsx. CSV and
// XLSX put the sections one after another in one sheet, each led by a
// "section" column, so that a spreadsheet filter separates them.
func writeTables(w io.Writer, format string, ts []table) error {
	switch format {
	case "table", "":
		for i, t := range ts {
			if i > 0 {
				fmt.Fprintln(w)
			}
			if t.Title != "" {
				fmt.Fprintln(w, t.Title)
			}
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, strings.Join(t.Header, "\t"))
			for _, r := range t.Rows {
				fmt.Fprintln(tw, strings.Join(r, "\t"))
			}
			if err := tw.Flush(); err != nil {
				return err
			}
		}
		return nil
	case "csv", "xlsx":
		width := 0
		for _, t := range ts {
			width = max(width, len(t.Header))
		}
		var out importer.Writer
		for _, t := range ts {
			if len(ts) == 1 {
				var err error
				if out, err = importer.NewWriter(format, w, t.Header); err != nil {
					return err
				}
				for _, r := range t.Rows {
					if err := out.Write(r); err != nil {
						return err
					}
				}
				return out.Close()
			}
			if out == nil {
				h := []string{"section"}
				for i := 0; i < width; i++ {
					h = append(h, fmt.Sprintf("c%d", i+1))
				}
				var err error
				if out, err = importer.NewWriter(format, w, h); err != nil {
					return err
				}
			}
			if err := out.Write(append([]string{t.Title}, pad(t.Header, width)...)); err != nil {
				return err
			}
			for _, r := range t.Rows {
				if err := out.Write(append([]string{t.Title}, pad(r, width)...)); err != nil {
					return err
				}
			}
		}
		if out == nil {
			return nil
		}
		return out.Close()
	}
	return csperf.FieldErrorf("format", "%q is not a format (table, csv, json, xlsx)", format)
}

func pad(r []string, n int) []string {
	out := make([]string, n)
	copy(out, r)
	return out
}

func orDash(s *string) string {
	if s == nil {
		return "—"
	}
	return *s
}

// truncate shortens s to n runes for a terminal table.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
