package scorecard_test

import (
	"strings"
	"testing"

	"csperf"
	"csperf/kpi"
	"csperf/scorecard"
)

func num(t *testing.T, s string) scorecard.Number {
	t.Helper()
	n, err := scorecard.ParseNumber(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestShippedTemplatesAreValid(t *testing.T) {
	c := scorecard.NewCatalog()
	ts := scorecard.ShippedTemplates()
	if err := scorecard.ValidateSet(ts, c); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"front_line_agent": {"csat 50", "complaint_rate 30", "first_response 20"},
		"back_office":      {"first_response 35", "resolution_time 35", "complaint_resolution 15", "teamwork 15"},
		"after_sales_team": {"response_speed 30", "resolution 30", "satisfaction 20", "teamwork 20"},
	}
	for _, tp := range ts {
		var got []string
		for i, it := range tp.Items {
			got = append(got, tp.ItemIDs()[i]+" "+it.Weight.Exact())
		}
		if strings.Join(got, ",") != strings.Join(want[tp.ID], ",") {
			t.Errorf("%s: items %v, want %v", tp.ID, got, want[tp.ID])
		}
		if tp.Sources != scorecard.DefaultSourceWeights() && tp.Sources.Self.Exact() != "20" {
			t.Errorf("%s: sources %+v", tp.ID, tp.Sources)
		}
	}
}

func TestTemplateRefused(t *testing.T) {
	c := scorecard.NewCatalog()
	lin := func(floor int64) *scorecard.Rule { return scorecard.Linear(scorecard.Int(floor), nil) }
	base := func() scorecard.Template {
		return scorecard.Template{ID: "t", NameZH: "模板", Positions: []string{"agent"}, Sources: scorecard.DefaultSourceWeights(),
			Items: []scorecard.Item{
				{KPI: "csat", Weight: scorecard.Int(50), Rule: lin(60)},
				{KPI: "complaint_rate", Weight: scorecard.Int(30), Rule: lin(10)},
				{KPI: "first_response", Weight: scorecard.Int(20), Rule: lin(72)},
			}}
	}
	third := num(t, "100/3")
	cases := []struct {
		name  string
		edit  func(*scorecard.Template)
		field string
		msg   string
	}{
		{"sum 99", func(tp *scorecard.Template) { tp.Items[2].Weight = scorecard.Int(19) }, "items", "sum to 99.00% (99), not exactly 100%"},
		{"sum 101", func(tp *scorecard.Template) { tp.Items[2].Weight = scorecard.Int(21) }, "items", "sum to 101.00%"},
		{"thirds rounded", func(tp *scorecard.Template) {
			x := num(t, "33.33")
			tp.Items = tp.Items[:3]
			for i := range tp.Items {
				tp.Items[i].Weight = x
			}
		}, "items", "sum to 99.99% (9999/100), not exactly 100%"},
		{"unknown KPI", func(tp *scorecard.Template) { tp.Items[0].KPI = "smiles" }, "items[0].kpi", `unknown KPI "smiles"`},
		{"queue KPI", func(tp *scorecard.Template) { tp.Items[0].KPI = "abandon_rate"; tp.Items[0].Rule = lin(20) }, "items[0].kpi", "not computed for an employee"},
		{"no rule", func(tp *scorecard.Template) { tp.Items[0].Rule = nil }, "items[0].rule", "needs a scoring rule"},
		{"floor above target", func(tp *scorecard.Template) { tp.Items[0].Rule = lin(95) }, "items[0].rule.floor", "higher is better for csat: its floor 95% must be below its target 90%"},
		{"floor below target, lower better", func(tp *scorecard.Template) { tp.Items[1].Rule = lin(2) }, "items[1].rule.floor", "lower is better"},
		{"floor on target", func(tp *scorecard.Template) { tp.Items[0].Rule = lin(90) }, "items[0].rule.floor", "both 90%"},
		{"no target", func(tp *scorecard.Template) { tp.Items[0].KPI = "return_rate"; tp.Items[0].Rule = lin(10) }, "items[0].rule.target", "no fixed target"},
		{"sources 90", func(tp *scorecard.Template) { tp.Sources.Customer = scorecard.Int(40) }, "sources", "sum to 90%"},
		{"duplicate item", func(tp *scorecard.Template) { tp.Items[1].KPI = "csat" }, "items[1].id", "appears twice"},
		{"zero weight", func(tp *scorecard.Template) {
			tp.Items[2].Weight = scorecard.Int(0)
			tp.Items[1].Weight = scorecard.Int(50)
		}, "items[2].weight", "must be positive"},
		{"rated with rule", func(tp *scorecard.Template) {
			tp.Items[2] = scorecard.Item{ID: "teamwork", NameZH: "团队合作", Weight: scorecard.Int(20), Rule: lin(1)}
		}, "items[2].rule", "takes no rule"},
		{"rated without raters", func(tp *scorecard.Template) {
			tp.Items[2] = scorecard.Item{ID: "teamwork", NameZH: "团队合作", Weight: scorecard.Int(20)}
			tp.Sources = scorecard.SourceWeights{Self: scorecard.Int(0), Supervisor: scorecard.Int(0), Customer: scorecard.Int(100)}
		}, "items[2]", "both 0"},
		{"step points over 100", func(tp *scorecard.Template) {
			tp.Items[0].Rule = scorecard.Steps(scorecard.Int(0), scorecard.Step{At: scorecard.Int(90), Points: scorecard.Int(120)})
		}, "items[0].rule.steps[0].points", "outside 0–100"},
		{"deduction without points", func(tp *scorecard.Template) {
			tp.Items[0].Rule = &scorecard.Rule{Type: scorecard.RuleDeduction}
		}, "items[0].rule.per_event", "positive points"},
		{"bad id", func(tp *scorecard.Template) { tp.ID = "Front Line" }, "id", "not a template id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tp := base()
			tc.edit(&tp)
			err := tp.Validate(c)
			var e *csperf.Error
			if err == nil || !errorsAs(err, &e) || e.Code != csperf.EINVALID {
				t.Fatalf("got %v, want an invalid-input error", err)
			}
			if e.Field != tc.field || !strings.Contains(e.Message, tc.msg) {
				t.Errorf("got %s: %s\nwant %s: …%s…", e.Field, e.Message, tc.field, tc.msg)
			}
		})
	}
	// Exact thirds are exactly 100%.
	tp := base()
	for i := range tp.Items {
		tp.Items[i].Weight = third
	}
	if err := tp.Validate(c); err != nil {
		t.Errorf("three weights of 100/3: %v", err)
	}
	// A custom KPI is known once it is in the catalog.
	custom := kpi.Definition{ID: "callbacks", NameZH: "回拨", Unit: kpi.Count, Direction: kpi.HigherBetter,
		Aggregation: kpi.CountPerPeriod, Per: kpi.UnitMonth, Numerator: kpi.Measure{Kind: "calls", Agg: kpi.AggCount},
		Target: kpi.Target{Op: kpi.OpGe, Value: csperf.R(20, 1)}}
	tp = base()
	tp.Items[0] = scorecard.Item{KPI: "callbacks", Weight: scorecard.Int(50), Rule: lin(0)}
	if err := tp.Validate(c); err == nil || !strings.Contains(err.Error(), "unknown KPI") {
		t.Errorf("custom KPI outside the catalog: %v", err)
	}
	if err := tp.Validate(scorecard.NewCatalog(custom)); err != nil {
		t.Errorf("custom KPI in the catalog: %v", err)
	}
	// Two templates may not share a position.
	a, b := base(), base()
	b.ID = "u"
	if err := scorecard.ValidateSet([]scorecard.Template{a, b}, c); err == nil || !strings.Contains(err.Error(), "position agent belongs to templates t and u") {
		t.Errorf("shared position: %v", err)
	}
}
