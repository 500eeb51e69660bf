package scorecard_test

import (
	"fmt"
	"strings"
	"testing"

	"csperf"
	"csperf/kpi"
	"csperf/scorecard"
)

func date(t *testing.T, s string) *csperf.Date {
	d, err := csperf.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return &d
}

func trainingCycle(t *testing.T, ins []scorecard.Input) *scorecard.Computation {
	t.Helper()
	setup, err := scorecard.NewSetup("annual", "2015", "group", "G1", scorecard.DefaultSettings(),
		[]scorecard.Template{*shipped(t, "front_line_agent")}, scorecard.NewCatalog())
	if err != nil {
		t.Fatal(err)
	}
	c, err := scorecard.Compute("2015-G1", setup, ins)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestTrainingNeeds: KPI points (ratings play no part).
//
//	E1 hired 2015-08-01 (new hire): csat 3/4 → 50, complaint_rate 5% → 500/7, first_response 48 h → 50
//	E2 hired 2015-06-30 (6 months and a day before 2015-12-31: not new): csat 100, complaint_rate 12% → 0, first_response 30 h → 87.5
//	E3: csat 2/3 → 200/9, complaint_rate 3% → 100, first_response no value (not judged)
//
// Group G1, weak below 60, common from a third of the judged:
// csat 2 of 3 (200/3%, mean 1550/27), first_response 1 of 2 (50%, mean 275/4),
// complaint_rate 1 of 3 (exactly 100/3%: on the mark, common; mean 400/7).
func TestTrainingNeeds(t *testing.T) {
	emp := func(id, hire string) scorecard.Employee {
		e := scorecard.Employee{ID: id, Position: "agent", GroupID: "G1"}
		if hire != "" {
			e.HireDate = date(t, hire)
		}
		return e
	}
	c := trainingCycle(t, []scorecard.Input{
		{Employee: emp("E1", "2015-08-01"), KPIs: map[string]kpi.Value{"csat": val(3, 4), "complaint_rate": val(5, 100), "first_response": val(172800, 1)}},
		{Employee: emp("E2", "2015-06-30"), KPIs: map[string]kpi.Value{"csat": val(1, 1), "complaint_rate": val(12, 100), "first_response": val(108000, 1)}},
		{Employee: emp("E3", ""), KPIs: map[string]kpi.Value{"csat": val(2, 3), "complaint_rate": val(3, 100), "first_response": {}}},
	})
	rep := scorecard.TrainingNeeds(c)
	var got []string
	for _, cw := range rep.Groups[0].Common {
		got = append(got, fmt.Sprintf("%s %d/%d %s %s", cw.Item, cw.Weak, cw.Judged, cw.Share.Exact(), cw.Mean.Exact()))
	}
	want := "csat 2/3 200/3 1550/27|first_response 1/2 50 275/4|complaint_rate 1/3 100/3 400/7"
	if strings.Join(got, "|") != want {
		t.Errorf("common weaknesses\n%s\nwant\n%s", strings.Join(got, "|"), want)
	}
	got = nil
	for _, n := range rep.Employees {
		var w []string
		for _, x := range n.Weakest {
			w = append(w, x.Item+"="+x.Points.Exact())
		}
		got = append(got, fmt.Sprintf("%s %s %v %s", n.EmployeeID, n.Track, n.NewHire, strings.Join(w, ",")))
	}
	want = "E1 basic true csat=50,first_response=50|E2 targeted false complaint_rate=0|E3 targeted false csat=200/9"
	if strings.Join(got, "|") != want {
		t.Errorf("needs\n%s\nwant\n%s", strings.Join(got, "|"), want)
	}
}

// TestCourseEffect: targets csat and first_response; E1 50 → 100 (+50) and
// 50 → 87.5 (+37.5); E2 100 → 100 and 87.5 → 100 (+12.5); E3 has no result
// after. Means: csat 75 → 100 (+25), first_response 68.75 → 93.75 (+25);
// exam (90 + 85) / 2 = 87.5, practical 80.
func TestCourseEffect(t *testing.T) {
	e := func(id string) scorecard.Employee {
		return scorecard.Employee{ID: id, Position: "agent", GroupID: "G1"}
	}
	before := trainingCycle(t, []scorecard.Input{
		{Employee: e("E1"), KPIs: map[string]kpi.Value{"csat": val(3, 4), "first_response": val(172800, 1)}},
		{Employee: e("E2"), KPIs: map[string]kpi.Value{"csat": val(1, 1), "first_response": val(108000, 1)}},
		{Employee: e("E3"), KPIs: map[string]kpi.Value{"csat": val(2, 3)}},
	})
	after := trainingCycle(t, []scorecard.Input{
		{Employee: e("E1"), KPIs: map[string]kpi.Value{"csat": val(9, 10), "first_response": val(108000, 1)}},
		{Employee: e("E2"), KPIs: map[string]kpi.Value{"csat": val(19, 20), "first_response": val(86400, 1)}},
	})
	pick := func(c *scorecard.Computation) map[string]scorecard.CycleResult {
		m := map[string]scorecard.CycleResult{}
		for i := range c.Results {
			m[c.Results[i].ID] = scorecard.CycleResult{CycleID: c.CycleID, Result: &c.Results[i]}
		}
		return m
	}
	n := func(s string) *scorecard.Number { x := num(t, s); return &x }
	plan := &scorecard.TrainingPlan{ID: "P1", Course: "客户沟通技巧", Mode: "offline", Horizon: "quarterly",
		Starts: *date(t, "2016-01-10"), Ends: *date(t, "2016-01-12"), Targets: []string{"csat", "first_response"},
		Participants: []scorecard.TrainingParticipant{{EmployeeID: "E1", Exam: n("90"), Practical: n("80")}, {EmployeeID: "E2", Exam: n("85")}, {EmployeeID: "E3"}}}
	if err := plan.Validate(); err != nil {
		t.Fatal(err)
	}
	ce := scorecard.Effect(plan, pick(before), pick(after))
	var got []string
	for _, l := range ce.Lines {
		got = append(got, fmt.Sprintf("%s %s %s %s %s", l.EmployeeID, l.Target, exact(l.Before), exact(l.After), exact(l.Change)))
	}
	want := "E1 csat 50 100 50|E1 first_response 50 175/2 75/2|E2 csat 100 100 0|E2 first_response 175/2 100 25/2|E3 csat 200/9 nil nil|E3 first_response nil nil nil"
	if strings.Join(got, "|") != want {
		t.Errorf("lines\n%s\nwant\n%s", strings.Join(got, "|"), want)
	}
	got = nil
	for _, te := range ce.Targets {
		got = append(got, fmt.Sprintf("%s %d %s %s %s", te.Target, te.Compared, exact(te.MeanBefore), exact(te.MeanAfter), exact(te.MeanChange)))
	}
	if strings.Join(got, "|") != "csat 2 75 100 25|first_response 2 275/4 375/4 25" || exact(ce.MeanExam) != "175/2" || exact(ce.MeanPractical) != "80" {
		t.Errorf("targets %v exam %s practical %s", got, exact(ce.MeanExam), exact(ce.MeanPractical))
	}
	bad := *plan
	bad.Mode = "video"
	if err := bad.Validate(); err == nil {
		t.Error("mode video accepted")
	}
}
