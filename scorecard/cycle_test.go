package scorecard_test

import (
	"bytes"
	"strings"
	"testing"

	"csperf/kpi"
	"csperf/scorecard"
)

func TestPeriodFor(t *testing.T) {
	for _, tc := range []struct{ kind, label, want string }{
		{"monthly", "2015-09", "2015-09"}, {"quarterly", "2015-Q3", "2015-Q3"}, {"annual", "2015", "2015"},
		{"quarterly", "2015-07..2015-09", "2015-Q3"},
		{"monthly", "2015", ""}, {"annual", "2015-Q1", ""}, {"quarterly", "2015-08..2015-10", ""}, {"weekly", "2015", ""},
	} {
		p, err := scorecard.PeriodFor(tc.kind, tc.label)
		if tc.want == "" {
			if err == nil {
				t.Errorf("%s %s accepted", tc.kind, tc.label)
			}
			continue
		}
		if err != nil || p.String() != tc.want {
			t.Errorf("%s %s: %v %v", tc.kind, tc.label, p, err)
		}
	}
}

func TestComputeIsCanonical(t *testing.T) {
	setup, err := scorecard.NewSetup("annual", "2015", "department", "main", scorecard.DefaultSettings(), scorecard.ShippedTemplates(), scorecard.NewCatalog())
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(setup.KPIIDs(), ","); got != "complaint_rate,complaint_resolution,csat,first_response,resolution_time" {
		t.Errorf("kpis %s", got)
	}
	ins := []scorecard.Input{
		{Employee: scorecard.Employee{ID: "E2", Position: "agent", BonusBase: money(t, "1000")},
			KPIs:    map[string]kpi.Value{"csat": val(87, 100), "complaint_rate": val(37, 1000), "first_response": val(103680, 1)},
			Ratings: ratings(t, "csat/self=90", "csat/supervisor=90", "complaint_rate/self=90", "complaint_rate/supervisor=90", "first_response/self=90", "first_response/supervisor=90")},
		{Employee: scorecard.Employee{ID: "E1", Position: "service_advisor", BonusBase: money(t, "2000")},
			KPIs: map[string]kpi.Value{"first_response": val(86400, 1), "resolution_time": val(31, 40), "csat": val(9, 10)},
			Ratings: ratings(t, "response_speed/self=100", "response_speed/supervisor=100", "resolution/self=100",
				"resolution/supervisor=100", "satisfaction/self=100", "satisfaction/supervisor=100", "teamwork/self=50", "teamwork/supervisor=75")},
		{Employee: scorecard.Employee{ID: "M1", Position: "cs_manager"}},
	}
	c1, err := scorecard.Compute("2015-annual", setup, ins)
	if err != nil {
		t.Fatal(err)
	}
	b1, sum1, _ := c1.Canonical()
	rev := []scorecard.Input{ins[2], ins[0], ins[1]}
	c2, _ := scorecard.Compute("2015-annual", setup, rev)
	b2, sum2, _ := c2.Canonical()
	if !bytes.Equal(b1, b2) || sum1 != sum2 || len(sum1) != 64 {
		t.Fatal("input order changed the canonical JSON")
	}
	if c1.Results[0].ID != "E1" || c1.Results[1].ID != "E2" || len(c1.NoTemplate) != 1 || c1.NoTemplate[0].ID != "M1" {
		t.Errorf("results %v no template %v", c1.Results, c1.NoTemplate)
	}
	// E1 85.5 good ×1.2 = 2400.00; E2 90 excellent ×1.5 = 1500.00.
	sm := c1.Summary
	if sm.Employees != 3 || sm.Scored != 2 || sm.ByGrade["excellent"] != 1 || sm.ByGrade["good"] != 1 || sm.Bonus.String() != "3900.00" ||
		sm.BonusBase.String() != "3000.00" || exact(sm.Mean) != "351/4" {
		t.Errorf("summary %+v mean %s", sm, exact(sm.Mean))
	}
	if r, ok := c1.Result("E2"); !ok || r.Grade != "excellent" {
		t.Errorf("E2: %+v", r)
	}
	if whole, _ := scorecard.MarshalCanonical(c1); !bytes.Equal(whole, b1) {
		t.Error("Canonical differs from the computation's plain canonical JSON")
	}
	if bytes.Contains(b1, []byte(`\u003c`)) || bytes.HasSuffix(b1, []byte("\n")) {
		t.Error("canonical JSON escapes HTML or ends in a newline")
	}
	if _, err := scorecard.Compute("x", setup, append(ins, ins[0])); err == nil {
		t.Error("an employee twice accepted")
	}
}
