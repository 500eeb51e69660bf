package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"csperf"
	"csperf/kpi"
	"csperf/sqlstore"
)

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, "; ") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func parseDay(field, s string) (csperf.Date, error) {
	d, err := csperf.ParseDate(s)
	if err != nil {
		return 0, csperf.FieldErrorf(field, "%v", err)
	}
	return d, nil
}

// today is the organisation's current day, or the --as-of day.
func today(db *sqlstore.DB, asOf string) (csperf.Date, error) {
	if asOf != "" {
		return parseDay("as-of", asOf)
	}
	return csperf.DateOf(time.Now().In(db.Loc)), nil
}

func (m *Main) runGoal(ctx context.Context, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return csperf.Errorf(csperf.EINVALID, "give a goal command: create, list, show, done (csperf goal -h)")
	}
	switch args[0] {
	case "create":
		return m.runGoalCreate(ctx, args[1:])
	case "list":
		return m.runGoalList(ctx, args[1:])
	case "show":
		return m.runGoalShow(ctx, args[1:])
	case "done":
		return m.runGoalDone(ctx, args[1:])
	case "-h", "--help", "help":
		fmt.Fprintln(m.Stderr, "Usage: csperf goal create|list|show|done …  (csperf goal COMMAND -h)")
		return nil
	}
	return csperf.Errorf(csperf.EINVALID, "unknown goal command %q (create, list, show, done)", args[0])
}

func (m *Main) runGoalCreate(ctx context.Context, args []string) error {
	fs, dsn := m.flags("goal create", `goal create --kpi ID --scope L [--id X] --target V --start DATE --deadline DATE --owner EMPLOYEE --title TEXT
            [--op >=|<=|>|<|=] [--action "DESCRIPTION|EMPLOYEE|DUE"]… [--baseline-period P] [--notes TEXT]

Sets a SMART goal (SPEC §5): a KPI for a scope, a target in the KPI's unit ("92" or "92%" for a
percentage, seconds, hours…), a start and a deadline, an owner, and measures (措施), each with the
employee responsible and a due date. The baseline is measured now over the period of the goal's
length before its start (or --baseline-period).`)
	id := fs.String("kpi", "", "KPI id")
	scope := fs.String("scope", "", "employee, group, department or org")
	sid := fs.String("id", "", "the employee, group or department")
	target := fs.String("target", "", "target value in the KPI's unit")
	op := fs.String("op", "", "comparison with the target (default: >= when higher is better, <= otherwise)")
	start := fs.String("start", "", "first day YYYY-MM-DD")
	deadline := fs.String("deadline", "", "last day YYYY-MM-DD")
	owner := fs.String("owner", "", "employee who owns the goal")
	title := fs.String("title", "", "what the goal is")
	notes := fs.String("notes", "", "analysis of the situation, remarks")
	baseline := fs.String("baseline-period", "", "period the baseline is measured over (default: the one before the goal)")
	var actions stringList
	fs.Var(&actions, "action", `a measure "DESCRIPTION|EMPLOYEE|YYYY-MM-DD" (repeatable)`)
	format := fs.String("format", "table", "table or json")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	g := kpi.Goal{Title: *title, KPI: *id, Scope: *scope, ScopeID: *sid, Owner: *owner, Notes: *notes}
	var err error
	if g.Start, err = parseDay("start", *start); err != nil {
		return err
	}
	if g.Deadline, err = parseDay("deadline", *deadline); err != nil {
		return err
	}
	if *baseline != "" {
		if g.BaselinePeriod, err = kpi.ParsePeriod(*baseline); err != nil {
			return err
		}
	}
	for _, a := range actions {
		parts := strings.Split(a, "|")
		if len(parts) != 3 {
			return csperf.FieldErrorf("action", "%q: want DESCRIPTION|EMPLOYEE|YYYY-MM-DD", a)
		}
		due, err := parseDay("action", strings.TrimSpace(parts[2]))
		if err != nil {
			return err
		}
		g.Actions = append(g.Actions, kpi.GoalAction{Description: strings.TrimSpace(parts[0]), Responsible: strings.TrimSpace(parts[1]), Due: due})
	}
	db, err := m.open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	def, err := db.KPIDefinition(ctx, g.KPI)
	if err != nil {
		return err
	}
	if g.Target.Value, err = kpi.ParseTarget(def.Unit, *target); err != nil {
		return err
	}
	g.Target.Op = *op
	if g.Target.Op == "" {
		g.Target.Op = kpi.OpGe
		if def.Direction == kpi.LowerBetter {
			g.Target.Op = kpi.OpLe
		}
	}
	created, err := db.CreateGoal(ctx, g)
	if err != nil {
		return err
	}
	if *format == "json" {
		return writeJSON(m.Stdout, created)
	}
	fmt.Fprintf(m.Stdout, "goal %d created: %s %s, target %s by %s; baseline %s over %s\n", created.ID, created.KPI,
		scopeText(created.Scope, created.ScopeID), created.TargetText, created.Deadline, created.Baseline.Display, created.BaselinePeriod)
	return nil
}

func scopeText(level, id string) string {
	if id == "" {
		return level
	}
	return level + " " + id
}

func (m *Main) runGoalList(ctx context.Context, args []string) error {
	fs, dsn := m.flags("goal list", `goal list [--owner EMPLOYEE] [--kpi ID] [--active] [--as-of DATE] [--format table|csv|json|xlsx]

Lists goals with their status on --as-of (default today): on_track, at_risk, missed, achieved or
not_started, and the achievement percent.`)
	owner := fs.String("owner", "", "only the goals of this owner")
	id := fs.String("kpi", "", "only the goals on this KPI")
	active := fs.Bool("active", false, "only goals running on the as-of day")
	asOf := fs.String("as-of", "", "day to track on (default today)")
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
	day, err := today(db, *asOf)
	if err != nil {
		return err
	}
	f := kpi.GoalFilter{Owner: *owner, KPI: *id}
	if *active {
		f.ActiveOn = &day
	}
	goals, err := db.Goals(ctx, f)
	if err != nil {
		return err
	}
	progress := make([]*kpi.GoalProgress, 0, len(goals))
	for _, g := range goals {
		p, err := db.GoalProgress(ctx, g.ID, day)
		if err != nil {
			return err
		}
		progress = append(progress, p)
	}
	out, closeOut, err := m.output(*outPath)
	if err != nil {
		return err
	}
	defer closeOut()
	if *format == "json" {
		return writeJSON(out, progress)
	}
	t := table{Header: []string{"id", "title", "kpi", "scope", "target", "start", "deadline", "owner", "baseline", "actual", "achievement", "status"}}
	for _, p := range progress {
		t.Rows = append(t.Rows, []string{strconv.FormatInt(p.ID, 10), truncate(p.Title, 24), p.KPI, scopeText(p.Scope, p.ScopeID), p.TargetText,
			p.Start.String(), p.Deadline.String(), p.Owner, p.Baseline.Display, p.Actual.Display, p.Achievement, p.Status})
	}
	return writeTables(out, *format, []table{t})
}

func (m *Main) runGoalShow(ctx context.Context, args []string) error {
	fs, dsn := m.flags("goal show", `goal show ID [--as-of DATE] [--format table|csv|json|xlsx]

Shows a goal as tracked on --as-of (default today): its target, baseline, actual value over the
days so far, achievement, expected value on the straight path from baseline to target, status,
its measures, and the KPI month by month against the target.`)
	asOf := fs.String("as-of", "", "day to track on (default today)")
	format := fs.String("format", "table", "table, csv, json or xlsx")
	outPath := fs.String("o", "", "write to FILE instead of standard output")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return csperf.FieldErrorf("id", "give the goal's id")
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil {
		return csperf.FieldErrorf("id", "%q is not a goal id", pos[0])
	}
	if err := checkFormat(*format); err != nil {
		return err
	}
	db, err := m.open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	day, err := today(db, *asOf)
	if err != nil {
		return err
	}
	p, err := db.GoalProgress(ctx, id, day)
	if err != nil {
		return err
	}
	out, closeOut, err := m.output(*outPath)
	if err != nil {
		return err
	}
	defer closeOut()
	if *format == "json" {
		return writeJSON(out, p)
	}
	summary := table{Title: fmt.Sprintf("goal %d", p.ID), Header: []string{"field", "value"}, Rows: [][]string{
		{"title", p.Title}, {"kpi", p.KPI}, {"scope", scopeText(p.Scope, p.ScopeID)}, {"target", p.TargetText},
		{"start", p.Start.String()}, {"deadline", p.Deadline.String()}, {"owner", p.Owner},
		{"baseline", p.Baseline.Display + " (" + p.BaselinePeriod.String() + ")"},
		{"as of", p.AsOf.String()}, {"actual", p.Actual.Display + " (" + p.Window.String() + ")"},
		{"expected now", orDash(nonEmpty(p.Expected))}, {"achievement", p.Achievement}, {"status", p.Status},
		{"overdue measures", strconv.Itoa(p.OverdueActions)}, {"notes", p.Notes},
	}}
	acts := table{Title: "measures", Header: []string{"seq", "description", "responsible", "due", "done"}}
	for _, a := range p.Actions {
		done := ""
		if a.Done != nil {
			done = a.Done.String()
		}
		acts.Rows = append(acts.Rows, []string{strconv.Itoa(a.Seq), a.Description, a.Responsible, a.Due.String(), done})
	}
	points := kpiTable(p.Points, *format == "table")
	points.Title = "progress"
	return writeTables(out, *format, []table{summary, acts, points})
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (m *Main) runGoalDone(ctx context.Context, args []string) error {
	fs, dsn := m.flags("goal done", `goal done GOAL SEQ [--date YYYY-MM-DD] [--undo]

Records that a goal's measure was carried out (default today), or --undo it.`)
	date := fs.String("date", "", "the day it was done (default today)")
	undo := fs.Bool("undo", false, "mark the measure as not done")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return csperf.FieldErrorf("id", "give the goal's id and the measure's number")
	}
	id, err1 := strconv.ParseInt(pos[0], 10, 64)
	seq, err2 := strconv.Atoi(pos[1])
	if err1 != nil || err2 != nil {
		return csperf.FieldErrorf("id", "give the goal's id and the measure's number")
	}
	db, err := m.open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	var done *csperf.Date
	if !*undo {
		d, err := today(db, *date)
		if err != nil {
			return err
		}
		done = &d
	}
	return db.SetGoalActionDone(ctx, id, seq, done)
}

func (m *Main) runAlert(ctx context.Context, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintln(m.Stderr, `Usage: csperf alert evaluate|list|ack|webhook|deliver …  (csperf alert COMMAND -h)`)
		if len(args) == 0 {
			return csperf.Errorf(csperf.EINVALID, "give an alert command")
		}
		return nil
	}
	switch args[0] {
	case "evaluate":
		return m.runAlertEvaluate(ctx, args[1:])
	case "list":
		return m.runAlertList(ctx, args[1:])
	case "ack":
		return m.runAlertAck(ctx, args[1:])
	case "webhook":
		return m.runAlertWebhook(ctx, args[1:])
	case "deliver":
		return m.runAlertDeliver(ctx, args[1:])
	}
	return csperf.Errorf(csperf.EINVALID, "unknown alert command %q (evaluate, list, ack, webhook, deliver)", args[0])
}

func alertTable(as []kpi.Alert) table {
	t := table{Header: []string{"id", "rule", "kpi", "scope", "period", "value", "reference", "recipient", "users", "created", "acknowledged", "delivery", "message"}}
	for _, a := range as {
		ack := ""
		if a.AcknowledgedAt != nil {
			ack = a.AcknowledgedAt.Format(time.RFC3339) + " " + a.AcknowledgedBy
		}
		t.Rows = append(t.Rows, []string{strconv.FormatInt(a.ID, 10), a.Rule, a.KPI, scopeText(a.Scope, a.ScopeID), a.Period, a.Value, a.Reference,
			a.Recipient, strings.Join(a.RecipientUsers, ","), a.CreatedAt.Format(time.RFC3339), ack, a.Delivery, a.Message})
	}
	return t
}

func (m *Main) runAlertEvaluate(ctx context.Context, args []string) error {
	fs, dsn := m.flags("alert evaluate", `alert evaluate [--as-of DATE] [--format table|csv|json|xlsx]

Raises the alerts due on --as-of (default today) for the last complete month: KPIs of employees
and groups that miss their targets, service-speed KPIs worse than the mean of their 3 previous
months, goals at risk or missed. A figure never raises the same alert twice. New alerts are queued
for the webhook; `+"`csperf alert deliver`"+` (or serve) posts them.`)
	asOf := fs.String("as-of", "", "day to evaluate on (default today)")
	format := fs.String("format", "table", "table, csv, json or xlsx")
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
	at := time.Now()
	if *asOf != "" {
		d, err := parseDay("as-of", *asOf)
		if err != nil {
			return err
		}
		at = d.Time(db.Loc)
	}
	as, err := db.EvaluateAlerts(ctx, at)
	if err != nil {
		return err
	}
	if *format == "json" {
		if as == nil {
			as = []kpi.Alert{}
		}
		return writeJSON(m.Stdout, as)
	}
	if err := writeTables(m.Stdout, *format, []table{alertTable(as)}); err != nil {
		return err
	}
	if *format == "table" {
		fmt.Fprintf(m.Stdout, "%d new alerts\n", len(as))
	}
	return nil
}

func (m *Main) runAlertList(ctx context.Context, args []string) error {
	fs, dsn := m.flags("alert list", `alert list [--user USER] [--recipient EMPLOYEE] [--kpi ID] [--open] [--limit N] [--format table|csv|json|xlsx]`)
	user := fs.String("user", "", "alerts addressed to this user")
	recipient := fs.String("recipient", "", "alerts addressed to this supervisor (employee id)")
	id := fs.String("kpi", "", "only this KPI")
	open := fs.Bool("open", false, "only alerts not acknowledged")
	limit := fs.Int("limit", 50, "at most this many (≤ 1000)")
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
	as, total, err := db.ListAlerts(ctx, kpi.AlertFilter{UserID: *user, Recipient: *recipient, KPI: *id, Open: *open, Limit: *limit})
	if err != nil {
		return err
	}
	out, closeOut, err := m.output(*outPath)
	if err != nil {
		return err
	}
	defer closeOut()
	if *format == "json" {
		if as == nil {
			as = []kpi.Alert{}
		}
		return writeJSON(out, struct {
			Alerts []kpi.Alert `json:"alerts"`
			Total  int         `json:"total"`
		}{as, total})
	}
	return writeTables(out, *format, []table{alertTable(as)})
}

func (m *Main) runAlertAck(ctx context.Context, args []string) error {
	fs, dsn := m.flags("alert ack", `alert ack ID…`)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return csperf.FieldErrorf("id", "give the alert ids")
	}
	db, err := m.open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	for _, s := range pos {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return csperf.FieldErrorf("id", "%q is not an alert id", s)
		}
		if err := db.AcknowledgeAlert(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

func (m *Main) runAlertWebhook(ctx context.Context, args []string) error {
	fs, dsn := m.flags("alert webhook", `alert webhook --url URL --secret SECRET | --off

Sets where alerts are posted. Each POST is signed: X-Csperf-Signature is "sha256=" and the hex
HMAC-SHA256 with SECRET of the X-Csperf-Timestamp header, ".", and the body. The secret is read
from CSPERF_WEBHOOK_SECRET when --secret is not given.`)
	u := fs.String("url", "", "webhook URL (http or https)")
	secret := fs.String("secret", "", "signing secret, at least 16 characters")
	off := fs.Bool("off", false, "stop posting alerts")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	w := sqlstore.AlertWebhook{URL: *u, Secret: *secret}
	if w.Secret == "" {
		w.Secret = m.Getenv("CSPERF_WEBHOOK_SECRET")
	}
	if *off {
		w = sqlstore.AlertWebhook{}
	} else if w.URL == "" {
		return csperf.FieldErrorf("url", "give --url and --secret, or --off")
	}
	db, err := m.open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	return db.SetAlertWebhook(ctx, w)
}

func (m *Main) runAlertDeliver(ctx context.Context, args []string) error {
	fs, dsn := m.flags("alert deliver", `alert deliver

Posts the alerts whose webhook delivery is due (new ones, and retries whose backoff has passed).`)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	db, err := m.open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	sent, failed, err := db.DeliverAlerts(ctx, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%d delivered, %d given up\n", sent, failed)
	return nil
}
