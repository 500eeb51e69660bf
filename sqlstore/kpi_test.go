package sqlstore_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"csperf"
	"csperf/kpi"
	"csperf/sqlstore"
)

// customKPIs exercise the building blocks beyond the catalog: a ratio with
// a numeric condition, a mean of a survey item, a churn over filtered
// visits (the generic churn path), a count per day per employee and a
// snapshot of dated records.
func customKPIs() []kpi.Definition {
	return []kpi.Definition{
		{ID: "long_calls", NameZH: "长通话比例", Unit: kpi.Percent, Direction: kpi.LowerBetter, Aggregation: kpi.Ratio,
			Numerator:   kpi.Measure{Kind: "calls", Filter: []kpi.Cond{{Field: "talk_seconds", Op: ">=", Value: "300"}, {Field: "answered", Op: "=", Value: "true"}}},
			Denominator: []kpi.Measure{{Kind: "calls", Filter: []kpi.Cond{{Field: "answered", Op: "=", Value: "true"}}}},
			Target:      kpi.Target{Op: "<=", Value: csperf.R(1, 5)}},
		{ID: "attitude_avg", NameEN: "Attitude", Unit: kpi.Score, Direction: kpi.HigherBetter, Aggregation: kpi.Mean,
			Numerator: kpi.Measure{Kind: "surveys", Agg: "sum", SumExpr: "service_attitude"}},
		{ID: "repair_churn", NameEN: "Repair churn", Unit: kpi.Percent, Direction: kpi.LowerBetter, Aggregation: kpi.Churn,
			Denominator: []kpi.Measure{{Kind: "visits", Filter: []kpi.Cond{{Field: "service_type", Op: "=", Value: "repair"}}}},
			Target:      kpi.Target{Op: "<", Baseline: kpi.BaselinePrevious3Mean}},
		{ID: "daily_promises", NameEN: "Promises per day", Unit: kpi.Count, Direction: kpi.HigherBetter, Aggregation: kpi.CountPerPeriod,
			Per: "day", PerEmployee: true, Numerator: kpi.Measure{Kind: "promises"}},
		{ID: "open_contracts", NameEN: "Contracts renewed so far", Unit: kpi.Percent, Direction: kpi.HigherBetter, Aggregation: kpi.Snapshot,
			Numerator:   kpi.Measure{Kind: "contracts", DateField: "start_date", Filter: []kpi.Cond{{Field: "renewed", Op: "=", Value: "true"}}},
			Denominator: []kpi.Measure{{Kind: "contracts", DateField: "start_date"}}},
	}
}

// checkAgainstEvaluate computes every KPI for every scope of the fixture
// and a spread of periods through KPIValues, and compares every figure,
// previous figure and verdict with kpi.Evaluate over the fixture's events.
// With quick, a smaller spread of periods is checked.
func checkAgainstEvaluate(t *testing.T, db *sqlstore.DB, f *kpiFixture, stage string, quick bool) {
	t.Helper()
	ctx := context.Background()
	defs, err := db.KPIDefinitions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	events := f.events()
	attr := f.attribution()
	if sa, err := db.KPIAttribution(ctx); err != nil {
		t.Fatal(err)
	} else {
		attr.Params = sa.Params // the store's parameters (defaults, churn threshold 8)
	}
	type key struct {
		id string
		s  kpi.Scope
		p  kpi.Period
	}
	type result struct {
		v   kpi.Value
		err error
	}
	// Every figure the rows need is evaluated first, in parallel: the
	// reference evaluator is slow by design (it checks every event).
	cache := map[key]result{}
	var mu sync.Mutex
	need := map[key]kpi.Definition{}
	evaluate := func(def kpi.Definition, s kpi.Scope, p kpi.Period) (kpi.Value, error) {
		r, ok := cache[key{def.ID, s, p}]
		if !ok {
			t.Fatalf("%s: %s %v %s was not evaluated", stage, def.ID, s, p)
		}
		return r.v, r.err
	}
	evaluateAll := func() {
		keys := make(chan key)
		var wg sync.WaitGroup
		for range runtime.GOMAXPROCS(0) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := range keys {
					var r result
					r.v, r.err = kpi.Evaluate(need[k], events, k.s, k.p, attr)
					mu.Lock()
					cache[k] = r
					mu.Unlock()
				}
			}()
		}
		for k := range need {
			keys <- k
		}
		close(keys)
		wg.Wait()
	}
	defer func() {
		// The monthly sums must be kpi_daily's, summed, after every stage.
		if err := db.FlushKPIRollups(ctx); err != nil {
			t.Fatal(err)
		}
		if n, err := db.MonthlyDriftForTest(ctx); err != nil || n != 0 {
			t.Errorf("%s: kpi_monthly differs from kpi_daily by month in %d rows (%v)", stage, n, err)
		}
	}()
	scopes := map[string][]string{
		kpi.LevelOrg:        {""},
		kpi.LevelDepartment: {"D2", "main"},
		kpi.LevelGroup:      {"G1", "G2", "G3", "G4"},
		kpi.LevelEmployee:   {"A1", "A2", "A3", "A4", "C1", "C2", "C3", "C4", "M1", "Q1", "S1", "X1"},
	}
	queries := []struct{ period, by string }{
		{"2015-Q3", "month"}, {"2015", ""}, {"2015-W37", ""}, {"2015-08-21", ""},
		{"2014-12-15..2015-02-10", ""}, {"2015-04..2015-05", "week"},
	}
	if quick {
		queries = []struct{ period, by string }{{"2015-Q3", "month"}, {"2014-12-15..2015-02-10", ""}}
	}
	var all []kpi.Row
	for level, ids := range scopes {
		for _, qq := range queries {
			p, err := kpi.ParsePeriod(qq.period)
			if err != nil {
				t.Fatal(err)
			}
			id := ""
			if level == kpi.LevelGroup && qq.by == "week" {
				id = "G1" // one id of a level
			}
			rows, err := db.KPIValues(ctx, kpi.Query{Level: level, ID: id, Period: p, By: qq.by})
			if err != nil {
				t.Fatalf("%s: %s %s: %v", stage, level, qq.period, err)
			}
			want := 0
			for _, def := range defs {
				if def.AppliesTo(level) {
					want++
				}
			}
			nids := len(ids)
			if id != "" {
				nids = 1
			}
			buckets := []kpi.Period{p}
			if qq.by != "" {
				buckets, _ = p.Split(qq.by)
			}
			if len(rows) != want*nids*len(buckets) {
				t.Fatalf("%s: %s %s: %d rows, want %d KPIs × %d ids × %d periods", stage, level, qq.period, len(rows), want, nids, len(buckets))
			}
			all = append(all, rows...)
		}
	}
	for _, r := range all {
		def := defByID(defs, r.KPI)
		s := kpi.Scope{Level: r.Scope, ID: r.ID}
		need[key{def.ID, s, r.Period}] = def
		need[key{def.ID, s, r.PreviousPeriod}] = def
		if def.Target.Baseline != "" {
			pp := r.Period
			for range 3 {
				pp = pp.Previous()
				need[key{def.ID, s, pp}] = def
			}
		}
	}
	evaluateAll()
	checked := 0
	for _, r := range all {
		def := defByID(defs, r.KPI)
		s := kpi.Scope{Level: r.Scope, ID: r.ID}
		v, err := evaluate(def, s, r.Period)
		if err != nil {
			if r.Note == "" || r.Value != "—" {
				t.Errorf("%s: %s %v %s: Evaluate says %v, the store gives %s without note", stage, r.KPI, s, r.Period, err, r.Value)
			}
			continue
		}
		if r.Numerator != v.Num || r.Denominator != v.Den || r.Value != v.Display || r.Note != "" {
			t.Errorf("%s: %s %v %s: store %d/%d %s %q, Evaluate %d/%d %s", stage, r.KPI, s, r.Period, r.Numerator, r.Denominator, r.Value, r.Note, v.Num, v.Den, v.Display)
			continue
		}
		pv, err := evaluate(def, s, r.PreviousPeriod)
		if err == nil && (r.PreviousNumerator != pv.Num || r.PreviousDenominator != pv.Den) {
			t.Errorf("%s: %s %v previous %s: store %d/%d, Evaluate %d/%d", stage, r.KPI, s, r.PreviousPeriod, r.PreviousNumerator, r.PreviousDenominator, pv.Num, pv.Den)
		}
		var p3 []kpi.Value
		if def.Target.Baseline != "" {
			pp := r.Period
			for range 3 {
				pp = pp.Previous()
				x, err := evaluate(def, s, pp)
				if err != nil {
					x = kpi.Value{}
				}
				p3 = append(p3, x)
			}
		}
		if want := kpi.MetBaseline(def, v, p3); !sameMet(want, r.Met) {
			t.Errorf("%s: %s %v %s: met %v, want %v", stage, r.KPI, s, r.Period, show(r.Met), show(want))
		}
		checked++
	}
	if checked < 1000 {
		t.Errorf("%s: only %d figures checked", stage, checked)
	}
	t.Logf("%s: %d figures equal to kpi.Evaluate", stage, checked)
}

func defByID(defs []kpi.Definition, id string) kpi.Definition {
	for _, d := range defs {
		if d.ID == id {
			return d
		}
	}
	panic("no KPI " + id)
}

func sameMet(a, b *bool) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func show(b *bool) string {
	if b == nil {
		return "null"
	}
	return fmt.Sprint(*b)
}

// TestKPIValuesMatchEvaluate is the store's contract: every catalog KPI
// (and custom ones), at every scope level and over days, weeks, months,
// quarters, years and custom ranges, equals kpi.Evaluate over the same
// events — after the first import, after an update import that moves
// events across days, agents and groups, after a change of group history,
// and after deletes.
func TestKPIValuesMatchEvaluate(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := newKPIFixture(1)
		f.load(t, db)
		for _, def := range customKPIs() {
			if err := db.DefineKPI(ctx, def); err != nil {
				t.Fatalf("define %s: %v", def.ID, err)
			}
		}
		checkAgainstEvaluate(t, db, f, "first import", false)

		// Second import with --update: move calls across local midnight and
		// to other agents, abandon some, re-close complaints, re-rate
		// surveys, move visits, re-plan return visits, move evaluations to
		// other calls.
		upd := map[string][]csperf.Record{}
		for i, c := range f.records["calls"] {
			if i%7 != 0 || c["agent_id"] == nil {
				continue
			}
			c["queued_at"] = c["queued_at"].(time.Time).Add(-20 * time.Hour)
			if c["answered_at"] != nil {
				c["answered_at"] = c["answered_at"].(time.Time).Add(-20 * time.Hour)
			}
			c["agent_id"] = fixtureAgents[(i/7)%4]
			c["resolved_first_contact"] = i%2 == 0
			upd["calls"] = append(upd["calls"], c)
		}
		for i, c := range f.records["complaints"] {
			if i%5 == 0 {
				c["closed_at"] = c["opened_at"].(time.Time).Add(time.Duration(i) * time.Hour)
				c["employee_id"] = fixtureStaff[i%len(fixtureStaff)]
				upd["complaints"] = append(upd["complaints"], c)
			}
		}
		for i, s := range f.records["surveys"] {
			if i%6 == 0 {
				s["overall"] = fmt.Sprint(1 + i%5)
				s["answered_at"] = s["answered_at"].(time.Time).Add(40 * 24 * time.Hour)
				upd["surveys"] = append(upd["surveys"], s)
			}
		}
		for i, v := range f.records["visits"] {
			if i%9 == 0 {
				v["visit_date"] = v["visit_date"].(csperf.Date) + 45
				v["advisor_id"] = fixtureAdvisors[i%4]
				upd["visits"] = append(upd["visits"], v)
			}
		}
		for i, r := range f.records["return_visits"] {
			if i%4 == 0 {
				r["plan_id"] = fmt.Sprintf("L%04d", 1+(i*7)%180)
				upd["return_visits"] = append(upd["return_visits"], r)
			}
		}
		calls := f.records["calls"]
		for i, q := range f.records["qa_evaluations"] {
			if i%5 == 0 {
				for j := (i * 13) % len(calls); ; j = (j + 1) % len(calls) {
					if calls[j]["agent_id"] != nil {
						q["call_id"] = calls[j]["call_id"]
						break
					}
				}
				upd["qa_evaluations"] = append(upd["qa_evaluations"], q)
			}
		}
		for _, k := range []string{"calls", "complaints", "surveys", "visits", "return_visits", "qa_evaluations"} {
			if _, err := importRecs(t, db, k, true, upd[k]...); err != nil {
				t.Fatalf("update %s: %v", k, err)
			}
		}
		// New events on top.
		more := newKPIFixture(2)
		for i, c := range more.records["calls"][:200] {
			c["call_id"] = fmt.Sprintf("U%05d", i)
			f.records["calls"] = append(f.records["calls"], c)
		}
		if _, err := importRecs(t, db, "calls", false, f.records["calls"][len(f.records["calls"])-200:]...); err != nil {
			t.Fatal(err)
		}
		checkAgainstEvaluate(t, db, f, "after update import", true)

		// Group history: C4 leaves G3 at the end of July 2015 for G4.
		for i := range f.members {
			if f.members[i].emp == "C4" {
				f.members[i].to = d("2015-07-31")
			}
		}
		f.members = append(f.members, fixtureMembership{"C4", "G4", d("2015-08-01"), 0})
		if _, err := importRecs(t, db, "memberships", true,
			csperf.Record{"employee_id": "C4", "group_id": "G3", "from_date": d("1900-01-01"), "to_date": d("2015-07-31")},
			csperf.Record{"employee_id": "C4", "group_id": "G4", "from_date": d("2015-08-01")}); err != nil {
			t.Fatal(err)
		}
		checkAgainstEvaluate(t, db, f, "after a group change", true)

		// Deletes through the record service (triggers mark the days dirty;
		// the next read recomputes them).
		scored := map[any]bool{}
		for _, q := range f.records["qa_evaluations"] {
			scored[q["call_id"]] = true
		}
		deleted := 0
		for _, c := range f.records["calls"] {
			if deleted < 25 && !scored[c["call_id"]] {
				id := c["call_id"].(string)
				if err := db.DeleteRecord(ctx, csperf.KindByName("calls"), []string{id}); err != nil {
					t.Fatal(err)
				}
				f.remove("calls", id)
				deleted++
			}
		}
		for _, k := range []struct{ kind, id string }{
			{"qa_evaluations", f.records["qa_evaluations"][3]["evaluation_id"].(string)},
			{"return_visits", f.records["return_visits"][2]["return_visit_id"].(string)},
			{"surveys", "S0010"}, {"complaints", "P0011"}, {"visits", "V0012"}, {"orders", "O0013"}, {"contracts", "H0014"},
		} {
			if err := db.DeleteRecord(ctx, csperf.KindByName(k.kind), []string{k.id}); err != nil {
				t.Fatalf("delete %s %s: %v", k.kind, k.id, err)
			}
			f.remove(k.kind, k.id)
		}
		checkAgainstEvaluate(t, db, f, "after deletes", true)

		// A rebuild from scratch gives the same roll-ups.
		if err := db.RebuildKPIRollups(ctx); err != nil {
			t.Fatal(err)
		}
		checkAgainstEvaluate(t, db, f, "after rebuild", true)
	})
}

func TestKPIQueriesAndDefinitions(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := newKPIFixture(3)
		f.load(t, db)
		sep, _ := kpi.ParsePeriod("2015-09")
		// A queue KPI is not an employee's.
		if _, err := db.KPIValues(ctx, kpi.Query{KPIs: []string{"abandon_rate"}, Level: kpi.LevelEmployee, Period: sep}); csperf.ErrorCode(err) != csperf.EINVALID {
			t.Errorf("abandon_rate for an employee: %v", err)
		}
		if _, err := db.KPIValues(ctx, kpi.Query{KPIs: []string{"nope"}, Level: kpi.LevelOrg, Period: sep}); csperf.ErrorCode(err) != csperf.ENOTFOUND {
			t.Errorf("unknown KPI: %v", err)
		}
		if _, err := db.KPIValues(ctx, kpi.Query{KPIs: []string{"csat"}, Level: kpi.LevelGroup, ID: "G9", Period: sep}); csperf.ErrorCode(err) != csperf.ENOTFOUND {
			t.Errorf("unknown group: %v", err)
		}
		// An invalid definition is refused with its reason; a valid one is
		// stored, audited and computed at once.
		bad := kpi.Definition{ID: "bad", NameEN: "Bad", Unit: kpi.Percent, Direction: kpi.HigherBetter, Aggregation: kpi.Ratio,
			Numerator: kpi.Measure{Kind: "calls", Filter: []kpi.Cond{{Field: "colour", Op: "=", Value: "red"}}}, Denominator: []kpi.Measure{{Kind: "calls"}}}
		if err := db.DefineKPI(ctx, bad); csperf.ErrorCode(err) != csperf.EINVALID || !strings.Contains(csperf.ErrorMessage(err), "colour") {
			t.Errorf("bad definition: %v", err)
		}
		def := customKPIs()[0]
		if err := db.DefineKPI(ctx, def); err != nil {
			t.Fatal(err)
		}
		rows, err := db.KPIValues(ctx, kpi.Query{KPIs: []string{"long_calls", "asa"}, Level: kpi.LevelOrg, Period: sep})
		if err != nil || len(rows) != 2 || rows[0].KPI != "long_calls" || rows[0].Denominator == 0 || rows[1].KPI != "asa" {
			t.Fatalf("custom KPI values: %+v %v", rows, err)
		}
		if rows[0].Target != "≤ 20.0%" || rows[1].Target != "< 600.0 s" {
			t.Errorf("targets %q %q", rows[0].Target, rows[1].Target)
		}
		audit, _, err := db.ListAudit(ctx, csperf.AuditFilter{Action: "kpi.define"})
		if err != nil || len(audit) != 1 || audit[0].Object != "kpis/long_calls" {
			t.Errorf("audit %+v %v", audit, err)
		}
		// Editing a catalog target: the stored definition replaces it.
		csat, _ := kpi.Lookup("csat")
		csat.Target.Value = csperf.R(19, 20)
		if err := db.DefineKPI(ctx, csat); err != nil {
			t.Fatal(err)
		}
		got, err := db.KPIDefinition(ctx, "csat")
		if err != nil || got.Target.Value != csperf.R(19, 20) {
			t.Errorf("csat after edit %+v %v", got.Target, err)
		}
		defs, _ := db.KPIDefinitions(ctx)
		if len(defs) != len(kpi.Catalog())+1 || defs[0].ID != "csat" || defs[len(defs)-1].ID != "long_calls" {
			t.Errorf("%d definitions", len(defs))
		}
		if err := db.RemoveKPIDefinition(ctx, "csat"); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.KPIDefinition(ctx, "csat"); got.Target.Value != csperf.R(9, 10) {
			t.Errorf("csat back to catalog: %+v", got.Target)
		}
		// Split by month: one row per month, change against the month before.
		q3, _ := kpi.ParsePeriod("2015-Q3")
		rows, err = db.KPIValues(ctx, kpi.Query{KPIs: []string{"fcr"}, Level: kpi.LevelGroup, ID: "G3", Period: q3, By: "month"})
		if err != nil || len(rows) != 3 {
			t.Fatalf("by month: %+v %v", rows, err)
		}
		if rows[1].PreviousNumerator != rows[0].Numerator || rows[1].PreviousDenominator != rows[0].Denominator || rows[1].Period.String() != "2015-08" {
			t.Errorf("previous of August %+v, July %+v", rows[1], rows[0])
		}
		if rows[1].Change == "—" || rows[1].Trend == "" {
			t.Errorf("change %q trend %q", rows[1].Change, rows[1].Trend)
		}

		// Settings the figures depend on: a new service-level threshold
		// rebuilds the roll-ups, a new churn threshold recomputes the kept
		// churn results; both still equal kpi.Evaluate.
		events, attr := f.events(), f.attribution()
		check := func(id string) {
			t.Helper()
			def, _ := db.KPIDefinition(ctx, id)
			rows, err := db.KPIValues(ctx, kpi.Query{KPIs: []string{id}, Level: kpi.LevelGroup, Period: q3, By: "month"})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				v, err := kpi.Evaluate(def, events, kpi.Scope{Level: r.Scope, ID: r.ID}, r.Period, attr)
				if err != nil || v.Num != r.Numerator || v.Den != r.Denominator {
					t.Errorf("%s %s %s: store %d/%d, Evaluate %+v %v", id, r.ID, r.Period, r.Numerator, r.Denominator, v, err)
				}
			}
		}
		attr.ChurnMonths = 8
		check("service_level")
		check("churn_rate")
		if err := db.SetKPIParams(ctx, kpi.Params{ServiceLevelSeconds: 30}); err != nil {
			t.Fatal(err)
		}
		attr.ServiceLevelSeconds = 30
		check("service_level")
		cfg, _ := db.ChurnSettings(ctx)
		cfg.Threshold = 6
		if err := db.SetChurnSettings(ctx, cfg); err != nil {
			t.Fatal(err)
		}
		attr.ChurnMonths = 6
		check("churn_rate")
		check("period_churn")
	})
}
