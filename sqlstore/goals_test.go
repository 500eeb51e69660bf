package sqlstore_test

import (
	"context"
	"testing"

	"csperf"
	"csperf/kpi"
	"csperf/sqlstore"
)

func TestGoals(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := newKPIFixture(4)
		f.load(t, db)
		goal := kpi.Goal{Title: "座席一班一次解决率提升到90%", KPI: "fcr", Scope: kpi.LevelGroup, ScopeID: "G3",
			Target: kpi.Target{Op: ">=", Value: csperf.R(9, 10)}, Start: d("2015-10-01"), Deadline: d("2015-12-31"), Owner: "C1",
			Actions: []kpi.GoalAction{
				{Description: "话术培训", Responsible: "M1", Due: d("2015-10-15")},
				{Description: "知识库整理", Responsible: "C4", Due: d("2015-11-30")},
			}}
		g, err := db.CreateGoal(ctx, goal)
		if err != nil {
			t.Fatal(err)
		}
		// The baseline is the quarter before, measured at creation.
		q3, _ := kpi.ParsePeriod("2015-Q3")
		base, err := db.KPIValues(ctx, kpi.Query{KPIs: []string{"fcr"}, Level: kpi.LevelGroup, ID: "G3", Period: q3})
		if err != nil {
			t.Fatal(err)
		}
		if g.ID != 1 || g.BaselinePeriod != q3 || g.Baseline.Num != base[0].Numerator || g.Baseline.Den != base[0].Denominator || g.TargetText != "≥ 90.0%" {
			t.Fatalf("goal %+v, baseline row %+v", g, base[0])
		}
		got, err := db.Goal(ctx, 1)
		if err != nil || len(got.Actions) != 2 || got.Actions[1].Seq != 2 || got.Baseline.Display != base[0].Value || got.Owner != "C1" {
			t.Fatalf("stored goal %+v %v", got, err)
		}
		// Tracking on 16 November: the window is 1 October to 15 November.
		p, err := db.GoalProgress(ctx, 1, d("2015-11-16"))
		if err != nil {
			t.Fatal(err)
		}
		w, _ := kpi.ParsePeriod("2015-10-01..2015-11-15")
		now, err := db.KPIValues(ctx, kpi.Query{KPIs: []string{"fcr"}, Level: kpi.LevelGroup, ID: "G3", Period: w})
		if err != nil {
			t.Fatal(err)
		}
		def, _ := db.KPIDefinition(ctx, "fcr")
		actual := kpi.Value{Num: now[0].Numerator, Den: now[0].Denominator, Valid: now[0].Denominator > 0}
		status, _, _ := kpi.Track(def, *got, actual, d("2015-11-16"))
		if p.Window != w || p.Actual.Num != actual.Num || p.Actual.Den != actual.Den || p.Status != status || len(p.Points) != 2 || p.OverdueActions != 1 {
			t.Errorf("progress %+v (status want %s)", p, status)
		}
		if err := db.SetGoalActionDone(ctx, 1, 1, ptr(d("2015-10-14"))); err != nil {
			t.Fatal(err)
		}
		if p, _ := db.GoalProgress(ctx, 1, d("2015-11-16")); p.OverdueActions != 0 {
			t.Errorf("overdue after one done: %d", p.OverdueActions)
		}
		if _, err := db.AddGoalAction(ctx, 1, kpi.GoalAction{Description: "抽检", Responsible: "Q1", Due: d("2015-12-01")}); err != nil {
			t.Fatal(err)
		}
		if gs, err := db.Goals(ctx, kpi.GoalFilter{Owner: "C1", ActiveOn: ptr(d("2015-11-01"))}); err != nil || len(gs) != 1 || len(gs[0].Actions) != 3 {
			t.Errorf("goals of C1: %+v %v", gs, err)
		}
		if gs, _ := db.Goals(ctx, kpi.GoalFilter{ActiveOn: ptr(d("2016-03-01"))}); len(gs) != 0 {
			t.Errorf("active in March 2016: %d", len(gs))
		}
		audit, _, _ := db.ListAudit(ctx, csperf.AuditFilter{Action: "goal.create"})
		if len(audit) != 1 || audit[0].Object != "goals/1" {
			t.Errorf("audit %+v", audit)
		}
		// Refused goals.
		for name, mod := range map[string]func(*kpi.Goal){
			"deadline before start": func(g *kpi.Goal) { g.Deadline = d("2015-09-01") },
			"unknown owner":         func(g *kpi.Goal) { g.Owner = "NOBODY" },
			"queue KPI of an agent": func(g *kpi.Goal) { g.KPI, g.Scope, g.ScopeID = "abandon_rate", kpi.LevelEmployee, "C1" },
			"unknown group":         func(g *kpi.Goal) { g.ScopeID = "G9" },
			"no target":             func(g *kpi.Goal) { g.Target = kpi.Target{} },
			"measure without owner": func(g *kpi.Goal) { g.Actions = []kpi.GoalAction{{Description: "x", Due: d("2015-10-01")}} },
		} {
			bad := goal
			mod(&bad)
			if _, err := db.CreateGoal(ctx, bad); csperf.ErrorCode(err) != csperf.EINVALID {
				t.Errorf("%s: %v", name, err)
			}
		}
	})
}

func ptr[T any](v T) *T { return &v }
