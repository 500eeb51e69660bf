package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"csperf"
	"csperf/churn"
	"csperf/pdf"
)

func (m *Main) runChurn(ctx context.Context, args []string) error {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "settings":
			return m.runChurnSettings(ctx, args[1:])
		case "close", "reopen", "closed":
			return m.runChurnClose(ctx, args[0], args[1:])
		case "period":
			return m.runPeriodChurn(ctx, args[1:])
		case "reasons":
			return m.runChurnReasons(ctx, args[1:])
		}
		return csperf.Errorf(csperf.EINVALID, "unknown churn command %q (settings, close, reopen, closed, period, reasons)", args[0])
	}
	fs, dsn := m.flags("churn", `churn --month YYYY-MM | --from YYYY-MM --to YYYY-MM [--threshold N] [--format table|csv|json|xlsx|pdf] [-o FILE] [--lang zh|en]
       churn settings [--threshold N] [--group-amount Y] [--specialist-amount Y] [--manager-amount Y] [--average department|group_mean] [--trial 2015-08..2015-12]
       churn close --month YYYY-MM | churn reopen --month YYYY-MM --reason TEXT | churn closed
       churn period --from YYYY-MM --to YYYY-MM [--threshold N]   plain period churn (lost ÷ customers at start)
       churn reasons --month YYYY-MM   why the month's churned customers left, and why contracts were not renewed

The monthly churn-rate assessment of seed 001: customers churned in month M are those
whose last visit on or before the end of M fell in month M−N (N = threshold, default 8).
A closed month prints its frozen figures. --format pdf (one month, -o FILE) writes the report as a
PDF document in --lang (zh by default), customers' phone numbers masked.`)
	month := fs.String("month", "", "assessment month YYYY-MM")
	from := fs.String("from", "", "first month of a window")
	to := fs.String("to", "", "last month of a window")
	threshold := fs.Int("threshold", 0, "churn threshold in months (default: the stored setting, 8)")
	format := fs.String("format", "table", "table, csv, json, xlsx or pdf")
	outPath := fs.String("o", "", "write to FILE instead of standard output")
	lang := fs.String("lang", "zh", "language of a PDF: zh or en")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *format == "pdf" {
		if *month == "" {
			return csperf.FieldErrorf("month", "--format pdf is the report of one month: give --month YYYY-MM")
		}
		if err := checkLang(*lang); err != nil {
			return err
		}
		if err := m.pdfTarget(*outPath); err != nil {
			return err
		}
	}
	db, err := m.open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	cfg, err := db.ChurnSettings(ctx)
	if err != nil {
		return err
	}
	rules := cfg.Rules()
	if *threshold != 0 {
		rules.Threshold = *threshold
	}
	var months []csperf.Month
	switch {
	case *month != "" && *from == "" && *to == "":
		mm, err := csperf.ParseMonth(*month)
		if err != nil {
			return csperf.FieldErrorf("month", "%v", err)
		}
		months = []csperf.Month{mm}
	case *month == "" && *from != "" && *to != "":
		f, err1 := csperf.ParseMonth(*from)
		t, err2 := csperf.ParseMonth(*to)
		if err1 != nil || err2 != nil || t < f || t-f > 120 {
			return csperf.FieldErrorf("from", "give --from and --to as YYYY-MM, from not after to, at most 10 years")
		}
		for x := f; x <= t; x++ {
			months = append(months, x)
		}
	default:
		return csperf.FieldErrorf("month", "give --month YYYY-MM, or --from and --to")
	}
	var reports []*churn.Report
	for _, mm := range months {
		rep, err := db.ChurnReport(ctx, mm, rules)
		if err != nil {
			return err
		}
		reports = append(reports, rep)
	}
	if *format == "pdf" {
		rep := reports[0]
		ids := make([]string, len(rep.ChurnedCustomers))
		for i, c := range rep.ChurnedCustomers {
			ids[i] = c.CustomerID
		}
		names, err := pdf.LoadNames(ctx, db, ids)
		if err != nil {
			return err
		}
		meta, err := m.pdfMeta(ctx, db, *lang, "")
		if err != nil {
			return err
		}
		return m.writePDF(*outPath, pdf.Churn(meta, rep, names))
	}
	out, closeOut, err := m.output(*outPath)
	if err != nil {
		return err
	}
	defer closeOut()
	if len(reports) == 1 {
		if *format == "json" {
			return writeJSON(out, reports[0])
		}
		return writeTables(out, *format, churnTables(reports[0]))
	}
	win, err := churn.Window(reports)
	if err != nil {
		return err
	}
	if *format == "json" {
		return writeJSON(out, struct {
			Months []*churn.Report     `json:"months"`
			Totals *churn.WindowTotals `json:"totals"`
		}{reports, win})
	}
	var ts []table
	monthly := table{Title: "months", Header: []string{"month", "base_month", "churned", "visits", "rate"}}
	for _, r := range reports {
		monthly.Rows = append(monthly.Rows, []string{r.Month.String(), r.BaseMonth.String(), i64(r.Department.Churned), i64(r.Department.Visits), orDash(r.Department.Rate)})
	}
	ts = append(ts, monthly)
	tally := func(t churn.Tally) []string {
		return []string{strconv.Itoa(t.Rewards), strconv.Itoa(t.Penalties), strconv.Itoa(t.Evens), strconv.Itoa(t.NoRates), t.Amount.Money().String()}
	}
	tg := table{Title: "group totals", Header: []string{"group_id", "rewards", "penalties", "evens", "no_rates", "amount"}}
	for _, g := range win.Groups {
		tg.Rows = append(tg.Rows, append([]string{g.GroupID}, tally(g.Tally)...))
	}
	ts2 := table{Title: "specialist totals", Header: []string{"employee_id", "rewards", "penalties", "evens", "no_rates", "amount"}}
	for _, s := range win.Specialists {
		ts2.Rows = append(ts2.Rows, append([]string{s.EmployeeID}, tally(s.Tally)...))
	}
	tm := table{Title: "manager totals", Header: []string{"employee_id", "position", "rewards", "penalties", "evens", "no_rates", "amount"}}
	for _, s := range win.Managers {
		tm.Rows = append(tm.Rows, append([]string{s.EmployeeID, s.Position}, tally(s.Tally)...))
	}
	return writeTables(out, *format, append(ts, tg, ts2, tm))
}

func i64(n int64) string { return strconv.FormatInt(n, 10) }

// churnTables lays a month's report out as the sections of seed 001.
func churnTables(r *churn.Report) []table {
	avg := "—"
	if r.Average != nil {
		avg = r.Average.Rate
	}
	dept := table{Title: fmt.Sprintf("churn %s (base month %s, threshold %d months)", r.Month, r.BaseMonth, r.Threshold),
		Header: []string{"scope", "churned", "visits", "rate", "average"}}
	dept.Rows = append(dept.Rows, []string{"department", i64(r.Department.Churned), i64(r.Department.Visits), orDash(r.Department.Rate), avg})
	for _, p := range r.PreviousMonths {
		dept.Rows = append(dept.Rows, []string{"previous " + p.Month.String(), i64(p.Churned), i64(p.Visits), orDash(p.Rate), ""})
	}
	groups := table{Title: "groups", Header: []string{"group_id", "churned", "visits", "rate", "vs_average", "result", "amount"}}
	for _, g := range r.Groups {
		groups.Rows = append(groups.Rows, []string{g.GroupID, i64(g.Churned), i64(g.Visits), orDash(g.Rate), g.Comparison, g.Result, g.Amount.Money().String()})
	}
	advisors := table{Title: "advisors", Header: []string{"employee_id", "group_id", "churned", "visits", "rate"}}
	for _, a := range r.Advisors {
		advisors.Rows = append(advisors.Rows, []string{a.EmployeeID, a.GroupID, i64(a.Churned), i64(a.Visits), orDash(a.Rate)})
	}
	specs := table{Title: "return-visit specialists", Header: []string{"employee_id", "advisors", "mean_rate", "vs_average", "result", "amount"}}
	for _, s := range r.Specialists {
		specs.Rows = append(specs.Rows, []string{s.EmployeeID, strings.Join(s.Advisors, " "), orDash(s.MeanRate), s.Comparison, s.Result, s.Amount.Money().String()})
	}
	prevMean := "—"
	if r.PreviousMean != nil {
		prevMean = r.PreviousMean.Rate
	}
	mgrs := table{Title: "managers (department rate vs previous 3 months' mean " + prevMean + ")", Header: []string{"employee_id", "position", "comparison", "result", "amount"}}
	for _, x := range r.Managers {
		mgrs.Rows = append(mgrs.Rows, []string{x.EmployeeID, x.Position, x.Comparison, x.Result, x.Amount.Money().String()})
	}
	cust := table{Title: "churned customers", Header: []string{"customer_id", "last_visit", "last_visit_id", "advisor_id", "group_id"}}
	for _, c := range r.ChurnedCustomers {
		cust.Rows = append(cust.Rows, []string{c.CustomerID, c.LastVisit.String(), c.LastVisitID, c.AdvisorID, c.GroupID})
	}
	return []table{dept, groups, advisors, specs, mgrs, cust}
}

func (m *Main) runChurnSettings(ctx context.Context, args []string) error {
	fs, dsn := m.flags("churn settings", "churn settings [--threshold N] [--group-amount Y] [--specialist-amount Y] [--manager-amount Y] [--average department|group_mean] [--trial FROM..TO|none]")
	threshold := fs.Int("threshold", 0, "churn threshold in months")
	ga := fs.String("group-amount", "", "reward/penalty of a group, yuan")
	sa := fs.String("specialist-amount", "", "reward/penalty of a specialist, yuan")
	ma := fs.String("manager-amount", "", "reward/penalty of a manager, yuan")
	avg := fs.String("average", "", "department (visit-weighted) or group_mean")
	trial := fs.String("trial", "", "trial window YYYY-MM..YYYY-MM, or none")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	db, err := m.open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	cfg, err := db.ChurnSettings(ctx)
	if err != nil {
		return err
	}
	changed := false
	if *threshold != 0 {
		cfg.Threshold, changed = *threshold, true
	}
	for _, x := range []struct {
		flag, text string
		dst        *csperf.Money
	}{{"group-amount", *ga, &cfg.GroupAmount}, {"specialist-amount", *sa, &cfg.SpecialistAmount}, {"manager-amount", *ma, &cfg.ManagerAmount}} {
		if x.text == "" {
			continue
		}
		v, err := csperf.ParseMoney(x.text)
		if err != nil {
			return csperf.FieldErrorf(x.flag, "%v", err)
		}
		*x.dst, changed = v, true
	}
	if *avg != "" {
		cfg.Average, changed = *avg, true
	}
	if *trial != "" {
		changed = true
		if *trial == "none" {
			cfg.TrialFrom, cfg.TrialTo = nil, nil
		} else {
			a, b, ok := strings.Cut(*trial, "..")
			f, err1 := csperf.ParseMonth(a)
			t, err2 := csperf.ParseMonth(b)
			if !ok || err1 != nil || err2 != nil {
				return csperf.FieldErrorf("trial", "give the trial window as YYYY-MM..YYYY-MM")
			}
			cfg.TrialFrom, cfg.TrialTo = &f, &t
		}
	}
	if changed {
		if err := db.SetChurnSettings(ctx, cfg); err != nil {
			return err
		}
	}
	return writeJSON(m.Stdout, cfg)
}

func (m *Main) runChurnClose(ctx context.Context, sub string, args []string) error {
	fs, dsn := m.flags("churn "+sub, "churn close --month YYYY-MM | churn reopen --month YYYY-MM --reason TEXT | churn closed")
	month := fs.String("month", "", "assessment month YYYY-MM")
	reason := fs.String("reason", "", "why the month is reopened (required)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	db, err := m.open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if sub == "closed" {
		st, err := db.ClosedChurnMonths(ctx)
		if err != nil {
			return err
		}
		drift, err := db.ChurnDrift(ctx)
		if err != nil {
			return err
		}
		t := table{Header: []string{"month", "closed_by", "sha256", "later_data_differs"}}
		for _, s := range st {
			d := "no"
			for _, x := range drift {
				if x == s.Month {
					d = "yes"
				}
			}
			t.Rows = append(t.Rows, []string{s.Month.String(), s.ClosedBy, s.SHA256, d})
		}
		return writeTables(m.Stdout, "table", []table{t})
	}
	mm, err := csperf.ParseMonth(*month)
	if err != nil {
		return csperf.FieldErrorf("month", "%v", err)
	}
	if sub == "close" {
		st, err := db.CloseChurnMonth(ctx, mm)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "churn month %s closed; report sha256 %s\n", st.Month, st.SHA256)
		return nil
	}
	// The command line is run by the operator of the database, who is its
	// administrator; the reopening is audited as "system".
	if err := db.ReopenChurnMonth(ctx, mm, *reason, true); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "churn month %s reopened\n", mm)
	return nil
}

func (m *Main) runPeriodChurn(ctx context.Context, args []string) error {
	fs, dsn := m.flags("churn period", "churn period --from YYYY-MM --to YYYY-MM [--threshold N] [--format table|json]")
	from := fs.String("from", "", "first month")
	to := fs.String("to", "", "last month")
	threshold := fs.Int("threshold", 0, "months without a visit before a customer counts as lost (default: the stored setting)")
	format := fs.String("format", "table", "table, csv, json or xlsx")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	f, err1 := csperf.ParseMonth(*from)
	t, err2 := csperf.ParseMonth(*to)
	if err1 != nil || err2 != nil || t < f {
		return csperf.FieldErrorf("from", "give --from and --to as YYYY-MM, from not after to")
	}
	db, err := m.open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	cfg, err := db.ChurnSettings(ctx)
	if err != nil {
		return err
	}
	n := cfg.Threshold
	if *threshold != 0 {
		n = *threshold
	}
	p, err := db.PeriodChurn(ctx, f, t, n)
	if err != nil {
		return err
	}
	if *format == "json" {
		return writeJSON(m.Stdout, p)
	}
	return writeTables(m.Stdout, *format, []table{{Title: "period churn (customers lost ÷ customers at the start)",
		Header: []string{"from", "to", "threshold_months", "customers_at_start", "lost", "rate"},
		Rows:   [][]string{{p.From.String(), p.To.String(), strconv.Itoa(p.Threshold), i64(p.AtStart), i64(p.Lost), orDash(p.Rate)}}}})
}

func (m *Main) runChurnReasons(ctx context.Context, args []string) error {
	fs, dsn := m.flags("churn reasons", "churn reasons --month YYYY-MM [--format table|csv|json|xlsx]")
	month := fs.String("month", "", "assessment month YYYY-MM")
	format := fs.String("format", "table", "table, csv, json or xlsx")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	mm, err := csperf.ParseMonth(*month)
	if err != nil {
		return csperf.FieldErrorf("month", "%v", err)
	}
	db, err := m.open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	cfg, err := db.ChurnSettings(ctx)
	if err != nil {
		return err
	}
	churned, nonRenewal, err := db.ChurnReasons(ctx, mm, cfg.Threshold)
	if err != nil {
		return err
	}
	if *format == "json" {
		return writeJSON(m.Stdout, map[string]any{"month": mm, "churn_reasons": churned, "non_renewal_reasons": nonRenewal})
	}
	t1 := table{Title: "reasons for churn " + mm.String() + " (流失原因)", Header: []string{"reason", "customers", "customer_ids"}}
	for _, r := range churned {
		t1.Rows = append(t1.Rows, []string{r.Reason, strconv.Itoa(r.Customers), truncate(strings.Join(r.IDs, " "), 80)})
	}
	t2 := table{Title: "reasons for non-renewal " + mm.String() + " (终止原因)", Header: []string{"reason", "customers", "customer_ids"}}
	for _, r := range nonRenewal {
		t2.Rows = append(t2.Rows, []string{r.Reason, strconv.Itoa(r.Customers), truncate(strings.Join(r.IDs, " "), 80)})
	}
	return writeTables(m.Stdout, *format, []table{t1, t2})
}
