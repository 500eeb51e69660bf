package kpi

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"testing"

	"csperf"
)

func TestCatalogIDsAndValidity(t *testing.T) {
	want := []string{
		"csat", "csat_avg", "repeat_rate", "renewal_rate", "complaint_rate", "manager_complaints",
		"agent_change_requests", "complaint_cancellations", "independent_handling", "complaint_resolution",
		"complaint_timeliness", "fcr", "abandon_rate", "asa", "service_level", "hold_share", "monitor_rate",
		"effective_call_rate", "qa_score", "first_response", "resolution_time", "return_visit_rate",
		"return_visit_satisfaction", "weekly_satisfaction_calls", "return_rate", "quote_deviation",
		"promise_kept", "same_day_shipping", "in_stock", "checkout_time", "contract_precontact",
		"post_purchase_followup", "proposals", "churn_rate", "period_churn", "archive_completeness",
	}
	var got []string
	for _, d := range Catalog() {
		got = append(got, d.ID)
		if err := d.Validate(); err != nil {
			t.Errorf("%s: %v", d.ID, err)
		}
		if d.NameZH == "" || d.NameEN == "" || d.Formula == "" {
			t.Errorf("%s: missing names or formula", d.ID)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("catalog ids\n got %v\nwant %v", got, want)
	}
	// Catalog returns fresh values: editing one does not change the next.
	c := Catalog()
	c[11].Numerator.Filter[0].Value = "out"
	c[13].Numerator.Filter[0].Value = "out"
	if mustKPI(t, "fcr").Numerator.Filter[0].Value != "in" || mustKPI(t, "asa").Numerator.Filter[0].Value != "in" {
		t.Error("Catalog shares filters between calls")
	}
}

// ratioOf builds a custom ratio KPI over calls.
func ratioOf(num Measure, den ...Measure) Definition {
	return Definition{ID: "custom", NameZH: "自定义", Unit: Percent, Direction: HigherBetter, Aggregation: Ratio,
		Numerator: num, Denominator: den}
}

func TestValidateRejects(t *testing.T) {
	calls := Measure{Kind: KindCalls}
	withFilter := func(c ...Cond) Measure { return Measure{Kind: KindCalls, Filter: c} }
	tests := []struct {
		name  string
		def   Definition
		field string
	}{
		{"unknown kind", ratioOf(Measure{Kind: "tweets"}, calls), "numerator.kind"},
		{"unknown kind in denominator", ratioOf(calls, calls, Measure{Kind: "emails"}), "denominator[1].kind"},
		{"unknown field for the kind", ratioOf(withFilter(eq("overall", "5")), calls), "numerator.filter[0].field"},
		{"bad operator", ratioOf(withFilter(cond("direction", "~", "in")), calls), "numerator.filter[0].op"},
		{"order on a bool", ratioOf(withFilter(cond("abandoned", OpLt, "true")), calls), "numerator.filter[0].op"},
		{"order on text", ratioOf(withFilter(cond("agent_id", OpGt, "e1")), calls), "numerator.filter[0].op"},
		{"is_null on a bool", ratioOf(withFilter(cond("abandoned", OpIsNull, "")), calls), "numerator.filter[0].op"},
		{"is_null with a value", ratioOf(withFilter(cond("answered_at", OpIsNull, "x")), calls), "numerator.filter[0].value"},
		{"not a number", ratioOf(withFilter(cond("talk_seconds", OpGt, "ten")), calls), "numerator.filter[0].value"},
		{"float for an int", ratioOf(withFilter(cond("talk_seconds", OpGt, "1.5")), calls), "numerator.filter[0].value"},
		{"unknown enum code", ratioOf(withFilter(eq("direction", "sideways")), calls), "numerator.filter[0].value"},
		{"bad bool", ratioOf(withFilter(eq("abandoned", "maybe")), calls), "numerator.filter[0].value"},
		{"bad time", ratioOf(withFilter(cond("queued_at", OpGe, "2015-09-01")), calls), "numerator.filter[0].value"},
		{"missing denominator for a ratio", ratioOf(calls), "denominator"},
		{"date field not a date", ratioOf(Measure{Kind: KindCalls, DateField: "talk_seconds"}, calls), "numerator.date_field"},
		{"date field derived", ratioOf(Measure{Kind: KindCalls, DateField: "answer_delay_seconds"}, calls), "numerator.date_field"},
		{"unknown agg", ratioOf(Measure{Kind: KindCalls, Agg: "max"}, calls), "numerator.agg"},
		{"sum without expression", ratioOf(Measure{Kind: KindCalls, Agg: AggSum}, calls), "numerator.sum_expr"},
		{"sum of text", ratioOf(Measure{Kind: KindCalls, Agg: AggSum, SumExpr: "direction"}, calls), "numerator.sum_expr"},
		{"count with expression", ratioOf(Measure{Kind: KindCalls, SumExpr: "talk_seconds"}, calls), "numerator.sum_expr"},
		{"mean over a non-numeric field", Definition{ID: "m", NameEN: "m", Unit: Seconds, Direction: LowerBetter, Aggregation: Mean,
			Numerator: Measure{Kind: KindCalls, Agg: AggSum, SumExpr: "answered_at"}}, "numerator.sum_expr"},
		{"mean of a count", Definition{ID: "m", NameEN: "m", Unit: Seconds, Direction: LowerBetter, Aggregation: Mean,
			Numerator: calls}, "numerator.agg"},
		{"mean with a denominator", Definition{ID: "m", NameEN: "m", Unit: Seconds, Direction: LowerBetter, Aggregation: Mean,
			Numerator: Measure{Kind: KindCalls, Agg: AggSum, SumExpr: "talk_seconds"}, Denominator: []Measure{calls}}, "denominator"},
		{"count per nothing", Definition{ID: "c", NameEN: "c", Unit: Count, Direction: HigherBetter, Aggregation: CountPerPeriod,
			Numerator: calls}, "per"},
		{"per on a ratio", func() Definition { d := ratioOf(calls, calls); d.Per = UnitYear; return d }(), "per"},
		{"undated kind in a ratio", ratioOf(Measure{Kind: KindCustomers}, Measure{Kind: KindCustomers}), "numerator.date_field"},
		{"churn over calls", Definition{ID: "c", NameEN: "c", Unit: Percent, Direction: LowerBetter, Aggregation: Churn,
			Denominator: []Measure{calls}}, "denominator"},
		{"fact with a measure", Definition{ID: "f", NameEN: "f", Unit: Percent, Direction: HigherBetter, Aggregation: Fact,
			Numerator: calls}, "numerator"},
		{"unknown aggregation", Definition{ID: "x", NameEN: "x", Unit: Percent, Direction: HigherBetter, Aggregation: "median"}, "aggregation"},
		{"bad id", func() Definition { d := ratioOf(calls, calls); d.ID = "My KPI"; return d }(), "id"},
		{"no name", func() Definition { d := ratioOf(calls, calls); d.NameZH = ""; return d }(), "name"},
		{"bad unit", func() Definition { d := ratioOf(calls, calls); d.Unit = "furlongs"; return d }(), "unit"},
		{"bad direction", func() Definition { d := ratioOf(calls, calls); d.Direction = "up"; return d }(), "direction"},
		{"bad scope", func() Definition { d := ratioOf(calls, calls); d.Scopes = []string{"team"}; return d }(), "scopes[0]"},
		{"bad target op", func() Definition { d := ratioOf(calls, calls); d.Target = target("≥", 9, 10); return d }(), "target.op"},
		{"target without value", func() Definition { d := ratioOf(calls, calls); d.Target = Target{Op: OpGe}; return d }(), "target.value"},
		{"bad baseline", func() Definition {
			d := ratioOf(calls, calls)
			d.Target = Target{Op: OpLe, Baseline: "last_year"}
			return d
		}(), "target.baseline"},
	}
	for _, tt := range tests {
		err := tt.def.Validate()
		var e *csperf.Error
		if !errors.As(err, &e) || e.Code != csperf.EINVALID || e.Field != tt.field || e.Message == "" {
			t.Errorf("%s: got %v (%#v), want an invalid-input error on %s", tt.name, err, e, tt.field)
		}
		// Evaluate refuses it the same way.
		if _, err := Evaluate(tt.def, nil, org, mustPeriod(t, "2015-09"), testOrg()); csperf.ErrorCode(err) != csperf.EINVALID {
			t.Errorf("%s: Evaluate: %v", tt.name, err)
		}
	}
}

func TestCustomKPI(t *testing.T) {
	// Average talk time of answered outbound calls longer than 30 s, in
	// minutes, and the share of calls on 1 September among calls of e1 — a
	// sum of two measures as denominator.
	avgTalk := Definition{
		ID: "avg_long_outbound_talk", NameZH: "长外呼平均通话", Unit: Minutes, Direction: LowerBetter, Aggregation: Mean,
		Numerator: Measure{Kind: KindCalls, Agg: AggSum, SumExpr: "talk_seconds",
			Filter: []Cond{eq("direction", "out"), eq("answered", "true"), cond("talk_seconds", OpGt, "30")}},
		Target: target(OpLe, 300, 1),
	}
	calls := []Event{
		call("x1", "e1", "out", "2015-09-01 09:00", 0, 120, 0),
		call("x2", "e1", "out", "2015-09-01 10:00", 0, 30, 0), // not > 30
		call("x3", "e3", "out", "2015-09-02 10:00", 0, 600, 0),
		call("x4", "e3", "in", "2015-09-02 11:00", 3, 900, 0),
	}
	if err := avgTalk.Validate(); err != nil {
		t.Fatal(err)
	}
	// (120 + 600) / 2 = 360 s = 6 min > 5 min.
	v, err := Evaluate(avgTalk, map[string][]Event{KindCalls: calls}, org, mustPeriod(t, "2015-09"), testOrg())
	if err != nil || v.Num != 720 || v.Den != 2 || v.Display != "6.0 min" || *Met(avgTalk, v) {
		t.Errorf("got %+v, %v", v, err)
	}

	onDay := ratioOf(
		Measure{Kind: KindCalls, Filter: []Cond{cond("queued_at", OpLt, "2015-09-01T16:00:00Z")}},
		Measure{Kind: KindCalls, Filter: []Cond{eq("direction", "in")}},
		Measure{Kind: KindCalls, Filter: []Cond{eq("direction", "out")}},
	)
	// e1: x1, x2 queued before 2 Sep 00:00 Shanghai / (0 in + 2 out) = 2/2.
	v, err = Evaluate(onDay, map[string][]Event{KindCalls: calls}, e1, mustPeriod(t, "2015-09"), testOrg())
	if err != nil || v.Num != 2 || v.Den != 2 {
		t.Errorf("got %+v, %v", v, err)
	}
}

func TestDefinitionJSONRoundTrip(t *testing.T) {
	// Custom KPIs are stored as JSON: every block survives a round trip,
	// with no number going through a float.
	for _, d := range Catalog() {
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		var back Definition
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(normalizeJSON(back), normalizeJSON(d)) {
			t.Errorf("%s: %s\n%+v\n%+v", d.ID, b, back, d)
		}
	}
	var p Period
	if err := json.Unmarshal([]byte(`"2015-W53"`), &p); err != nil || p.Start != dt("2015-12-28") {
		t.Errorf("%v %v", p, err)
	}
	if b, _ := json.Marshal(mustPeriod(t, "2015-Q3")); string(b) != `"2015-Q3"` {
		t.Errorf("%s", b)
	}
}

// normalizeJSON maps empty slices to nil, as JSON omits them.
func normalizeJSON(d Definition) Definition {
	norm := func(m Measure) Measure {
		if len(m.Filter) == 0 {
			m.Filter = nil
		}
		return m
	}
	d.Numerator = norm(d.Numerator)
	if len(d.Denominator) == 0 {
		d.Denominator = nil
	}
	for i := range d.Denominator {
		d.Denominator[i] = norm(d.Denominator[i])
	}
	if len(d.Scopes) == 0 {
		d.Scopes = nil
	}
	return d
}
