package main

import (
	"context"
	"os"
	"os/user"

	"csperf"
	"csperf/pdf"
	"csperf/sqlstore"
)

// pdfTarget checks, before any work, that a PDF has somewhere to go: a
// file (-o FILE) or a standard output that is not a terminal.
func (m *Main) pdfTarget(path string) error {
	if path != "" && path != "-" {
		return nil
	}
	if f, ok := m.Stdout.(*os.File); ok {
		if isTerminal(f) {
			return csperf.FieldErrorf("o", "--format pdf writes a binary file: give -o FILE (or redirect standard output)")
		}
	}
	return nil
}

// checkLang accepts the documents' languages.
func checkLang(lang string) error {
	if lang != "zh" && lang != "en" {
		return csperf.FieldErrorf("lang", "%q is not a language (zh or en)", lang)
	}
	return nil
}

// pdfMeta is what a document generated from the command line says about
// itself: the organisation, now in its time zone, and who ran the
// command — the --as user when given, else the operating-system user.
func (m *Main) pdfMeta(ctx context.Context, db *sqlstore.DB, lang, as string) (pdf.Meta, error) {
	org, err := pdf.OrgName(ctx, db.Setting, db)
	if err != nil {
		return pdf.Meta{}, err
	}
	by := as
	if by == "" {
		by = m.Getenv("USER")
		if u, err := user.Current(); by == "" && err == nil {
			by = u.Username
		}
		by = "csperf CLI (" + by + ")"
	}
	return pdf.Meta{Lang: lang, Org: org, By: by, At: db.Now(), Loc: db.Loc}, nil
}

// writePDF writes d to path (standard output for "" or "-").
func (m *Main) writePDF(path string, d *pdf.Document) error {
	out, closeOut, err := m.output(path)
	if err != nil {
		return err
	}
	err = pdf.Write(out, d)
	if cerr := closeOut(); err == nil {
		err = cerr
	}
	if err != nil && path != "" && path != "-" {
		os.Remove(path)
	}
	return err
}
