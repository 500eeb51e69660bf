package kpi

import (
	"testing"

	"csperf"
)

func TestTrackGoal(t *testing.T) {
	fcr := Definition{ID: "fcr", Unit: Percent, Direction: HigherBetter}
	asa := Definition{ID: "asa", Unit: Seconds, Direction: LowerBetter}
	// Q4 2015: 92 days; on 2015-11-16 the window is 10-01..11-15, 46 days,
	// half of the goal: the line from the baseline stands half-way.
	q4 := func(def Definition, op string, target, baseline csperf.Ratio) Goal {
		g := Goal{Title: "t", KPI: def.ID, Scope: LevelGroup, ScopeID: "G1", Owner: "E1",
			Target: Target{Op: op, Value: target}, Start: dt("2015-10-01"), Deadline: dt("2015-12-31")}
		if baseline.Den > 0 {
			g.Baseline = Value{Num: baseline.Num, Den: baseline.Den, Valid: true}
		}
		return g
	}
	v := func(n, d int64) Value { return Value{Num: n, Den: d, Valid: d > 0} }
	pct := func(n int64) csperf.Ratio { return csperf.R(n, 100) }
	for _, tt := range []struct {
		name        string
		def         Definition
		g           Goal
		actual      Value
		asOf        string
		status      string
		achievement string
	}{
		{"not started on the first day", fcr, q4(fcr, OpGe, pct(90), pct(80)), v(0, 0), "2015-10-01", GoalNotStarted, "—"},
		{"above the line", fcr, q4(fcr, OpGe, pct(90), pct(80)), v(86, 100), "2015-11-16", GoalOnTrack, "60.0%"},
		{"on the line exactly", fcr, q4(fcr, OpGe, pct(90), pct(80)), v(85, 100), "2015-11-16", GoalOnTrack, "50.0%"},
		{"below the line", fcr, q4(fcr, OpGe, pct(90), pct(80)), v(84, 100), "2015-11-16", GoalAtRisk, "40.0%"},
		{"target met early", fcr, q4(fcr, OpGe, pct(90), pct(80)), v(91, 100), "2015-10-05", GoalOnTrack, "110.0%"},
		{"no value yet", fcr, q4(fcr, OpGe, pct(90), pct(80)), v(0, 0), "2015-11-16", GoalAtRisk, "—"},
		{"achieved at the deadline", fcr, q4(fcr, OpGe, pct(90), pct(80)), v(9, 10), "2016-01-01", GoalAchieved, "100.0%"},
		{"missed", fcr, q4(fcr, OpGe, pct(90), pct(80)), v(89, 100), "2016-02-01", GoalMissed, "90.0%"},
		{"lower is better, on track", asa, q4(asa, OpLe, csperf.R(540, 1), csperf.R(600, 1)), v(560, 1), "2015-11-16", GoalOnTrack, "66.7%"},
		{"lower is better, at risk", asa, q4(asa, OpLe, csperf.R(540, 1), csperf.R(600, 1)), v(580, 1), "2015-11-16", GoalAtRisk, "33.3%"},
		{"no baseline: only the target counts", fcr, q4(fcr, OpGe, pct(90), csperf.Ratio{}), v(81, 100), "2015-11-16", GoalAtRisk, "90.0%"},
		{"no baseline, lower is better", asa, q4(asa, OpLe, csperf.R(540, 1), csperf.Ratio{}), v(600, 1), "2015-11-16", GoalAtRisk, "90.0%"},
	} {
		p := Progress(tt.def, tt.g, tt.actual, nil, dt(tt.asOf))
		if p.Status != tt.status || p.Achievement != tt.achievement {
			t.Errorf("%s: %s %s, want %s %s", tt.name, p.Status, p.Achievement, tt.status, tt.achievement)
		}
	}
	g := q4(fcr, OpGe, pct(90), pct(80))
	if p := Progress(fcr, g, v(86, 100), nil, dt("2015-11-16")); p.Expected != "85.0%" || p.AchievementExact != "3/5" || p.Window.String() != "2015-10-01..2015-11-15" {
		t.Errorf("expected %q exact %q window %s", p.Expected, p.AchievementExact, p.Window)
	}
	g.Actions = []GoalAction{{Seq: 1, Description: "培训", Responsible: "E2", Due: dt("2015-10-15")}}
	if p := Progress(fcr, g, v(86, 100), []Row{{Numerator: 9, Denominator: 10}}, dt("2015-11-16")); p.OverdueActions != 1 || p.Points[0].Met == nil || !*p.Points[0].Met || p.Points[0].Target != "≥ 90.0%" {
		t.Errorf("overdue %d, point %+v", p.OverdueActions, p.Points[0])
	}
}

func TestParseTarget(t *testing.T) {
	for _, tt := range []struct {
		u    Unit
		s    string
		want csperf.Ratio
	}{
		{Percent, "92%", csperf.R(23, 25)}, {Percent, "92.5", csperf.R(37, 40)}, {Hours, "24", csperf.R(86400, 1)},
		{Minutes, "4.5 min", csperf.R(270, 1)}, {Score, "4.5", csperf.R(9, 2)}, {Seconds, "540 s", csperf.R(540, 1)},
	} {
		if got, err := ParseTarget(tt.u, tt.s); err != nil || got != tt.want {
			t.Errorf("%s %q: %v %v, want %v", tt.u, tt.s, got, err, tt.want)
		}
	}
	for _, s := range []string{"", "abc", "1/3", "1e3"} {
		if _, err := ParseTarget(Percent, s); csperf.ErrorCode(err) != csperf.EINVALID {
			t.Errorf("%q: %v", s, err)
		}
	}
}

func TestRowChange(t *testing.T) {
	fcr, _ := Lookup("fcr")
	asa, _ := Lookup("asa")
	r := NewRow(fcr, Scope{Level: LevelGroup, ID: "G1"}, MonthPeriod(csperf.MakeMonth(2015, 9)), Value{Num: 9, Den: 10, Valid: true}, Value{Num: 17, Den: 20, Valid: true}, nil)
	if r.Change != "+5.0 pp" || r.Trend != TrendBetter || r.Previous != "85.0%" || r.Target != "≥ 90.0%" || r.Met == nil || !*r.Met || r.PreviousPeriod.String() != "2015-08" {
		t.Errorf("%+v", r)
	}
	r = NewRow(asa, Scope{Level: LevelOrg}, MonthPeriod(csperf.MakeMonth(2015, 9)), Value{Num: 30, Den: 1, Valid: true}, Value{Num: 20, Den: 1, Valid: true}, nil)
	if r.Change != "+10.0 s" || r.Trend != TrendWorse {
		t.Errorf("%+v", r)
	}
	r = NewRow(asa, Scope{Level: LevelOrg}, MonthPeriod(csperf.MakeMonth(2015, 9)), Value{}, Value{Num: 20, Den: 1, Valid: true}, nil)
	if r.Change != "—" || r.Trend != "" || r.Value != "—" || r.Met != nil {
		t.Errorf("%+v", r)
	}
	ch, _ := Lookup("churn_rate")
	p3 := []Value{{Num: 1, Den: 100, Valid: true}, {Num: 2, Den: 100, Valid: true}, {Num: 3, Den: 100, Valid: true}}
	r = NewRow(ch, Scope{Level: LevelOrg}, MonthPeriod(csperf.MakeMonth(2015, 9)), Value{Num: 2, Den: 100, Valid: true}, p3[0], p3)
	if r.Target != "≤ 2.0% (mean of the 3 previous periods)" || r.Met == nil || !*r.Met {
		t.Errorf("%+v", r)
	}
}
