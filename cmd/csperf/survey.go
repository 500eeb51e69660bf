package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"csperf"
	"csperf/auth"
	"csperf/sqlstore"
)

func (m *Main) runSurvey(ctx context.Context, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintln(m.Stderr, `Usage: csperf survey link|links|settings …  (csperf survey COMMAND -h)`)
		if len(args) == 0 {
			return csperf.Errorf(csperf.EINVALID, "give a survey command")
		}
		return nil
	}
	switch args[0] {
	case "link":
		return m.runSurveyLink(ctx, args[1:])
	case "links":
		return m.runSurveyLinks(ctx, args[1:])
	case "settings":
		return m.runSurveySettings(ctx, args[1:])
	}
	return csperf.Errorf(csperf.EINVALID, "unknown survey command %q (link, links, settings)", args[0])
}

func (m *Main) runSurveyLink(ctx context.Context, args []string) error {
	fs, dsn := m.flags("survey link", `survey link (--visit ID | --call ID | --request ID | --complaint ID | --customer ID [--employee ID]) [--base-url URL] [--as USER] [--format table|json]

Makes a one-use link a customer opens to answer the satisfaction survey without signing in, and
prints its URL; the token in it is shown this once (only its hash is kept). A link for a contact
takes the contact's customer and responsible employee. It expires after the days of the setting
survey.link_days (default 14).`)
	visit := fs.String("visit", "", "the visit (进站) the survey is about")
	call := fs.String("call", "", "the call the survey is about")
	request := fs.String("request", "", "the service request the survey is about")
	complaint := fs.String("complaint", "", "the complaint the survey is about")
	customer := fs.String("customer", "", "the customer (without a contact)")
	employee := fs.String("employee", "", "the employee the survey rates (without a contact; optional)")
	base := fs.String("base-url", "", "the address customers reach csperf serve by (env CSPERF_BASE_URL; default http://127.0.0.1:8080)")
	as := fs.String("as", "", "user the audit log names as the maker")
	format := fs.String("format", "table", "table or json")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *format != "table" && *format != "json" {
		return csperf.FieldErrorf("format", "must be table or json")
	}
	l := &csperf.SurveyLink{CustomerID: *customer, EmployeeID: *employee}
	for kind, id := range map[string]string{"visits": *visit, "calls": *call, "service_requests": *request, "complaints": *complaint} {
		if id == "" {
			continue
		}
		if l.SourceKind != "" {
			return csperf.Errorf(csperf.EINVALID, "give one contact: --visit, --call, --request or --complaint")
		}
		l.SourceKind, l.SourceID = kind, id
	}
	url := *base
	if url == "" {
		url = m.Getenv("CSPERF_BASE_URL")
	}
	if url == "" {
		url = "http://127.0.0.1:8080"
	}
	if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
		return csperf.FieldErrorf("base-url", "must start with http:// or https://")
	}
	db, err := m.open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if *as != "" {
		u, err := db.UserByName(ctx, *as)
		if err != nil {
			return csperf.Errorf(csperf.ENOTFOUND, "no user %q", *as)
		}
		ctx = csperf.WithActor(ctx, csperf.Actor{UserID: u.ID})
	}
	tok := auth.NewSecret(32)
	if err := db.CreateSurveyLink(ctx, l, auth.HashSecret(tok)); err != nil {
		return err
	}
	l.Token, l.URL = tok, strings.TrimSuffix(url, "/")+"/s/"+tok
	if *format == "json" {
		return writeJSON(m.Stdout, l)
	}
	fmt.Fprintf(m.Stdout, "survey link %d for customer %s, employee %s, valid until %s:\n%s\n", l.ID, dashIfEmpty(l.CustomerID), dashIfEmpty(l.EmployeeID),
		l.ExpiresAt.In(db.Loc).Format("2006-01-02 15:04"), l.URL)
	return nil
}

func dashIfEmpty(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func (m *Main) runSurveyLinks(ctx context.Context, args []string) error {
	fs, dsn := m.flags("survey links", `survey links [--status open|answered|expired] [--limit N] [--format table|csv|json|xlsx] [-o FILE]

Lists survey links, newest first, with their state; never their tokens.`)
	status := fs.String("status", "", "only links in this state")
	limit := fs.Int("limit", 100, "at most this many (≤ 1000)")
	format := fs.String("format", "table", "table, csv, json or xlsx")
	outPath := fs.String("o", "", "write to FILE instead of standard output")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if err := checkFormat(*format); err != nil {
		return err
	}
	if *limit < 1 || *limit > 1000 {
		return csperf.FieldErrorf("limit", "must be from 1 to 1000")
	}
	db, err := m.open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	links, total, err := db.SurveyLinks(ctx, csperf.SurveyLinkFilter{Status: *status, Limit: *limit})
	if err != nil {
		return err
	}
	out, closeOut, err := m.output(*outPath)
	if err != nil {
		return err
	}
	defer closeOut()
	if *format == "json" {
		if links == nil {
			links = []csperf.SurveyLink{}
		}
		return writeJSON(out, struct {
			Items []csperf.SurveyLink `json:"items"`
			Total int                 `json:"total"`
		}{links, total})
	}
	return writeTables(out, *format, []table{surveyLinkTable(db, links)})
}

func surveyLinkTable(db *sqlstore.DB, links []csperf.SurveyLink) table {
	t := table{Header: []string{"id", "status", "customer", "employee", "contact", "created", "by", "expires", "answered", "survey"}}
	local := func(tm time.Time) string { return tm.In(db.Loc).Format("2006-01-02 15:04") }
	for _, l := range links {
		ans := ""
		if l.AnsweredAt != nil {
			ans = local(*l.AnsweredAt)
		}
		t.Rows = append(t.Rows, []string{strconv.FormatInt(l.ID, 10), l.Status, l.CustomerID, l.EmployeeID, strings.Trim(l.SourceKind+" "+l.SourceID, " "),
			local(l.CreatedAt), l.CreatedBy, local(l.ExpiresAt), ans, l.SurveyID})
	}
	return t
}

func (m *Main) runSurveySettings(ctx context.Context, args []string) error {
	fs, dsn := m.flags("survey settings", `survey settings [--link-days N] [--as USER]

Prints how many days a new survey link stays open; --link-days sets it (1 to 365; the change is
audited). Links made before keep their expiry.`)
	days := fs.Int("link-days", 0, "days a new link stays open (1 to 365)")
	as := fs.String("as", "", "user the audit log names as making the change")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == "link-days" })
	if set && (*days < 1 || *days > 365) {
		return csperf.FieldErrorf("link-days", "must be from 1 to 365")
	}
	db, err := m.open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if *as != "" {
		u, err := db.UserByName(ctx, *as)
		if err != nil {
			return csperf.Errorf(csperf.ENOTFOUND, "no user %q", *as)
		}
		ctx = csperf.WithActor(ctx, csperf.Actor{UserID: u.ID})
	}
	if set {
		if err := db.SetSetting(ctx, csperf.SettingSurveyLinkDays, strconv.Itoa(*days)); err != nil {
			return err
		}
	}
	n, err := db.SurveyLinkDays(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%s = %d days\n", csperf.SettingSurveyLinkDays, n)
	return nil
}
