package kpi

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"csperf"
	"csperf/churn"
)

func TestDatingInOrgZone(t *testing.T) {
	// 2015-09-30T20:00:00Z is 2015-10-01 04:00 in Asia/Shanghai.
	e := Event{"call_id": "z", "direction": "in", "queued_at": utc("2015-09-30T20:00:00Z"), "abandoned": true}
	m := Measure{Kind: KindCalls}
	if d, ok := DatingDate(m, e, shanghai); !ok || d != dt("2015-10-01") {
		t.Errorf("Shanghai: %s %v", d, ok)
	}
	if d, ok := DatingDate(m, e, nil); !ok || d != dt("2015-09-30") {
		t.Errorf("UTC: %s %v", d, ok)
	}
	def := mustKPI(t, "abandon_rate")
	events := map[string][]Event{KindCalls: {e}}
	sep, _ := Evaluate(def, events, org, mustPeriod(t, "2015-09"), testOrg())
	oct, _ := Evaluate(def, events, org, mustPeriod(t, "2015-10"), testOrg())
	if sep.Valid || oct.Num != 1 || oct.Den != 1 {
		t.Errorf("September %+v, October %+v", sep, oct)
	}
	// A dated field is a calendar day in any zone.
	if d, ok := DatingDate(Measure{Kind: KindContracts}, Event{"expiry_date": dt("2015-09-30")}, shanghai); !ok || d != dt("2015-09-30") {
		t.Errorf("expiry: %s %v", d, ok)
	}
	if _, ok := DatingDate(Measure{Kind: KindComplaints, DateField: "closed_at"}, Event{"opened_at": sh("2015-09-01 10:00")}, shanghai); ok {
		t.Error("an open complaint has no closing date")
	}
}

func TestAttributionFollowsGroupHistory(t *testing.T) {
	// e2 is in g1 until 2015-09-15 and in g2 from 2015-09-16. Satisfied
	// survey on 09-10, dissatisfied one on 09-20.
	events := map[string][]Event{KindSurveys: {
		{"survey_id": "a", "employee_id": "e2", "answered_at": sh("2015-09-10 10:00"), "overall": "5"},
		{"survey_id": "b", "employee_id": "e2", "answered_at": sh("2015-09-20 10:00"), "overall": "1"},
		// 2015-09-15T17:00Z is 16 September in Shanghai: g2.
		{"survey_id": "c", "employee_id": "e2", "answered_at": utc("2015-09-15T17:00:00Z"), "overall": "1"},
	}}
	def := mustKPI(t, "csat")
	p := mustPeriod(t, "2015-09")
	for _, tt := range []struct {
		scope    Scope
		num, den int64
	}{
		{g1, 1, 1}, {g2, 0, 2}, {Scope{LevelEmployee, "e2"}, 1, 3}, {d1, 1, 3}, {Scope{LevelDepartment, "d2"}, 0, 0},
	} {
		v, err := Evaluate(def, events, tt.scope, p, testOrg())
		if err != nil || v.Num != tt.num || v.Den != tt.den {
			t.Errorf("%v: %+v %v, want %d/%d", tt.scope, v, err, tt.num, tt.den)
		}
	}
	// Attribute says why.
	o := Attribute(KindSurveys, events[KindSurveys][2], dt("2015-09-16"), testOrg())
	if o != (Owner{Employee: "e2", Group: "g2", Department: "d1"}) {
		t.Errorf("owner %+v", o)
	}
	// A call without agent: the queue's group if it names one, else only
	// the department DepartmentOf("") gives, and the organisation.
	if o := Attribute(KindCalls, Event{"group_id": "g3"}, dt("2015-09-16"), testOrg()); o != (Owner{Group: "g3", Department: "d2"}) {
		t.Errorf("queued call %+v", o)
	}
	if o := Attribute(KindCalls, Event{}, dt("2015-09-16"), testOrg()); o != (Owner{Department: "d1"}) || o.In(g1) || o.In(Scope{LevelEmployee, ""}) || !o.In(org) {
		t.Errorf("unqueued call %+v", o)
	}
	// An employee in no group that day: the event's own group_id.
	if o := Attribute(KindCalls, Event{"agent_id": "x", "group_id": "g2"}, dt("2015-09-16"), testOrg()); o != (Owner{Employee: "x", Group: "g2", Department: "d1"}) {
		t.Errorf("call of an employee in no group %+v", o)
	}
}

func TestEvaluateErrors(t *testing.T) {
	p := mustPeriod(t, "2015-09")
	attr := testOrg()
	noZone := attr
	noZone.Location = nil
	noHeadcount := attr
	noHeadcount.Headcount = nil
	for _, tt := range []struct {
		name   string
		id     string
		events map[string][]Event
		scope  Scope
		p      Period
		attr   Attribution
	}{
		{"abandon_rate is not an agent's KPI", "abandon_rate", nil, e1, p, attr},
		{"unknown level", "csat", nil, Scope{Level: "team", ID: "t"}, p, attr},
		{"scope without id", "csat", nil, Scope{Level: LevelGroup}, p, attr},
		{"period backwards", "csat", nil, org, Period{Start: dt("2015-09-30"), End: dt("2015-09-01")}, attr},
		{"no time zone", "csat", nil, org, p, noZone},
		{"no headcount", "manager_complaints", nil, g1, p, noHeadcount},
		{"churn over part of a month", "churn_rate", nil, org, mustPeriod(t, "2015-09-01..2015-09-15"), attr},
		{"wrongly typed event", "csat", map[string][]Event{KindSurveys: {{"survey_id": "s", "answered_at": "2015-09-01"}}}, org, p, attr},
		{"float score", "csat", map[string][]Event{KindSurveys: {{"survey_id": "s", "overall": 4.5}}}, org, p, attr},
		{"score out of the scale", "csat", map[string][]Event{KindSurveys: {{"survey_id": "s", "overall": "6"}}}, org, p, attr},
		{"unknown enum code", "fcr", map[string][]Event{KindCalls: {{"call_id": "c", "direction": "sideways"}}}, org, p, attr},
	} {
		_, err := Evaluate(mustKPI(t, tt.id), tt.events, tt.scope, tt.p, tt.attr)
		if csperf.ErrorCode(err) != csperf.EINVALID {
			t.Errorf("%s: err = %v, want an invalid-input error", tt.name, err)
		}
	}
	// A headcount of 0 gives no value, not an error.
	zero := attr
	zero.Headcount = func(Scope, Period) int64 { return 0 }
	v, err := Evaluate(mustKPI(t, "manager_complaints"), nil, g1, p, zero)
	if err != nil || v.Valid || v.Display != "—" {
		t.Errorf("zero headcount: %+v %v", v, err)
	}
}

func TestMetIsExact(t *testing.T) {
	csat := mustKPI(t, "csat") // ≥ 9/10
	for _, tt := range []struct {
		num, den int64
		want     bool
	}{
		{9, 10, true}, {900000000000, 1000000000001, false}, {899999999999, 999999999999, false}, {900000000000, 999999999999, true}, {1, 1, true}, {0, 5, false},
	} {
		v, _ := Result(csat, tt.num, tt.den, mustPeriod(t, "2015-09"), 0)
		if m := Met(csat, v); m == nil || *m != tt.want {
			t.Errorf("%d/%d: %v, want %v", tt.num, tt.den, m, tt.want)
		}
	}
	asa := mustKPI(t, "asa") // < 600 s
	v600, _ := Result(asa, 1200, 2, mustPeriod(t, "2015-09"), 0)
	if m := Met(asa, v600); m == nil || *m {
		t.Errorf("600 s is not < 600 s: %v", m)
	}
	eq := Definition{Target: target(OpEq, 1, 3)}
	if m := Met(eq, Value{Num: 2, Den: 6, Valid: true}); m == nil || !*m {
		t.Error("2/6 = 1/3")
	}
	gt := Definition{Target: target(OpGt, 1, 3)}
	if m := Met(gt, Value{Num: 2, Den: 6, Valid: true}); m == nil || *m {
		t.Error("2/6 is not > 1/3")
	}
	if Met(csat, Value{}) != nil {
		t.Error("no value, no verdict")
	}
	if Met(mustKPI(t, "return_rate"), Value{Num: 1, Den: 4, Valid: true}) != nil {
		t.Error("no target, no verdict")
	}
}

func TestMetBaseline(t *testing.T) {
	churnRate := mustKPI(t, "churn_rate") // ≤ the plain mean of the 3 previous months
	v := Value{Num: 3, Den: 5, Valid: true}
	if Met(churnRate, v) != nil {
		t.Error("Met cannot judge a relative target")
	}
	val := func(n, d int64) Value { return Value{Num: n, Den: d, Valid: d != 0} }
	for _, tt := range []struct {
		prev []Value
		want string
	}{
		// (1/2 + 2/3 + 1/2) / 3 = 5/9 < 3/5: missed.
		{[]Value{val(1, 2), val(2, 3), val(1, 2)}, "no"},
		// mean 3/5 exactly: equal meets ≤.
		{[]Value{val(3, 5), val(6, 10), val(9, 15)}, "yes"},
		// (1 + 1/2 + 1/2) / 3 = 2/3 > 3/5.
		{[]Value{val(1, 1), val(1, 2), val(1, 2)}, "yes"},
		{[]Value{val(1, 1), val(0, 0), val(1, 2)}, ""}, // a month without rate
		{[]Value{val(1, 1), val(1, 2)}, ""},            // not 3 months
	} {
		got := ""
		if m := MetBaseline(churnRate, v, tt.prev); m != nil {
			got = map[bool]string{true: "yes", false: "no"}[*m]
		}
		if got != tt.want {
			t.Errorf("previous %v: %q, want %q", tt.prev, got, tt.want)
		}
	}
	// A fixed target ignores the previous values.
	csat := mustKPI(t, "csat")
	if m := MetBaseline(csat, Value{Num: 1, Den: 1, Valid: true}, nil); m == nil || !*m {
		t.Error("fixed target")
	}
}

func TestDerivedFields(t *testing.T) {
	p := Params{Location: shanghai}.withDefaults()
	abandoned := call("a", "", "in", "2015-09-01 09:00", 7, 0, 0)
	abandoned["abandoned"] = true
	answered := call("b", "e1", "in", "2015-09-01 09:00", 7, 100, 5)
	for _, tt := range []struct {
		name       string
		kind, expr string
		e          Event
		want       any
	}{
		{"abandoned call has no answer delay", KindCalls, "answer_delay_seconds", abandoned, nil},
		{"answer delay", KindCalls, "answer_delay_seconds", answered, int64(7)},
		{"answered within 20 s", KindCalls, "answered_within_threshold", answered, true},
		{"abandoned is not answered within 20 s", KindCalls, "answered_within_threshold", abandoned, false},
		{"talk plus hold", KindCalls, "talk_plus_hold", answered, int64(105)},
		{"no contact, not pre-contacted", KindContracts, "contacted_30d_before_expiry", Event{"expiry_date": dt("2015-09-30")}, false},
		{"no contact, no days", KindContracts, "precontact_days", Event{"expiry_date": dt("2015-09-30")}, nil},
		{"quote deviation just under 10%", KindOrders, "quote_deviation_ge_10pct", Event{"quote_price": csperf.Money(1000), "final_price": csperf.Money(901)}, false},
		{"quote deviation exactly 10%", KindOrders, "quote_deviation_ge_10pct", Event{"quote_price": csperf.Money(1000), "final_price": csperf.Money(900)}, true},
		{"quote deviation just over 10%", KindOrders, "quote_deviation_ge_10pct", Event{"quote_price": csperf.Money(999), "final_price": csperf.Money(899)}, true},
		{"quote deviation without final price", KindOrders, "quote_deviation_ge_10pct", Event{"quote_price": csperf.Money(1000)}, false},
		{"class limit with text class", KindComplaints, "closed_within_class_limit",
			Event{"class": "2", "opened_at": sh("2015-09-01 08:00"), "closed_at": sh("2015-09-03 08:00")}, true},
		{"unknown class", KindComplaints, "closed_within_class_limit",
			Event{"opened_at": sh("2015-09-01 08:00"), "closed_at": sh("2015-09-01 09:00")}, false},
		{"satisfaction score", KindReturnVisits, "satisfaction_score", Event{"satisfaction": "fairly_good"}, int64(4)},
		{"no satisfaction", KindReturnVisits, "satisfaction_score", Event{}, nil},
	} {
		if got := get(tt.kind, tt.expr, tt.e, p); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	// Settings change the derived fields.
	strict := Params{Location: shanghai, ServiceLevelSeconds: 5}
	m := Measure{Kind: KindCalls, Filter: []Cond{eq("answered_within_threshold", "true")}}
	if Match(m, answered, strict) || !Match(m, answered, Params{}) {
		t.Error("service level threshold is a setting")
	}
	// A sum does not match an event without the value to sum.
	hold := Measure{Kind: KindCalls, Agg: AggSum, SumExpr: "hold_seconds"}
	if Match(hold, Event{"talk_seconds": int64(5)}, p) || !Match(hold, answered, p) || Contribution(hold, answered, p) != 5 {
		t.Error("sum matching")
	}
	// != holds on an absent value; ordering does not.
	if !Match(Measure{Kind: KindComplaints, Filter: []Cond{cond("escalated_to", OpNe, "manager")}}, Event{}, p) ||
		Match(Measure{Kind: KindCalls, Filter: []Cond{cond("talk_seconds", OpLt, "10")}}, Event{}, p) {
		t.Error("absent values")
	}
}

// TestRollupsMatchEvaluate plays the SQL store: it rolls every fixture up
// by day and owner with the exported building blocks, sums the roll-ups of
// a scope and period, and checks that Result gives what Evaluate gives.
func TestRollupsMatchEvaluate(t *testing.T) {
	attr := testOrg()
	type key struct {
		measure int
		day     csperf.Date
		owner   Owner
	}
	scopes := []Scope{org, d1, g1, g2, e1, {LevelEmployee, "e2"}, {LevelEmployee, "e3"}}
	periods := []string{"2015-09", "2015-Q3", "2015", "2015-W37", "2015-09-01..2015-09-10", "2015-10"}
	checked := 0
	for _, c := range kpiCases() {
		def := mustKPI(t, c.id)
		if def.Aggregation != Ratio && def.Aggregation != Mean && def.Aggregation != CountPerPeriod {
			continue
		}
		measures := append([]Measure{def.Numerator}, def.Denominator...)
		sums := map[key]int64{}
		counts := map[key]int64{}
		for i, m := range measures {
			for _, e := range c.events[m.Kind] {
				d, ok := DatingDate(m, e, attr.Location)
				if !ok || !Match(m, e, attr.Params) {
					continue
				}
				k := key{i, d, Attribute(m.Kind, e, d, attr)}
				sums[k] += Contribution(m, e, attr.Params)
				counts[k]++
			}
		}
		for _, s := range scopes {
			if !def.AppliesTo(s.Level) {
				continue
			}
			for _, ps := range periods {
				p := mustPeriod(t, ps)
				var num, den int64
				for k, v := range sums {
					if !p.Contains(k.day) || !k.owner.In(s) {
						continue
					}
					switch {
					case k.measure == 0 && def.Aggregation == Mean:
						num, den = num+v, den+counts[k]
					case k.measure == 0:
						num += v
					default:
						den += v
					}
				}
				headcount := int64(1)
				if def.PerEmployee && s.Level != LevelEmployee {
					headcount = attr.Headcount(s, p)
				}
				got, err := Result(def, num, den, p, headcount)
				want, err2 := Evaluate(def, c.events, s, p, attr)
				if err != nil || err2 != nil || got != want {
					t.Errorf("%s %v %s: roll-ups %+v %v, Evaluate %+v %v", c.id, s, ps, got, err, want, err2)
				}
				checked++
			}
		}
	}
	if checked < 500 {
		t.Errorf("only %d comparisons", checked)
	}
}

// TestChurnAgreesWithPackageChurn checks churn_rate and period_churn for the
// organisation against package churn on random visit histories.
func TestChurnAgreesWithPackageChurn(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	attr := testOrg()
	for round := range 20 {
		var events []Event
		var visits []churn.Visit
		var acts []churn.Activity
		for i := range 300 {
			v := churn.Visit{
				ID:         fmt.Sprintf("V%d", rng.IntN(1000)), // not zero-padded: byte order decides ties
				CustomerID: fmt.Sprintf("c%d", rng.IntN(60)),
				AdvisorID:  []string{"e1", "e2", "e3", "e4"}[rng.IntN(4)],
				Date:       dt("2014-01-01") + csperf.Date(rng.IntN(900)),
			}
			v.ID += fmt.Sprintf("-%d", i)
			visits = append(visits, v)
			acts = append(acts, churn.Activity{CustomerID: v.CustomerID, Date: v.Date})
			events = append(events, Event{"visit_id": v.ID, "customer_id": v.CustomerID, "advisor_id": v.AdvisorID, "visit_date": v.Date})
		}
		in := map[string][]Event{KindVisits: events}
		for _, ms := range []string{"2015-01", "2015-06", "2015-09", "2016-02"} {
			m, _ := csperf.ParseMonth(ms)
			want := churn.FromVisits(visits, m, 8).Department()
			got, err := Evaluate(mustKPI(t, "churn_rate"), in, org, MonthPeriod(m), attr)
			if err != nil || got.Num != want.Churned || got.Den != want.Visits {
				t.Errorf("round %d churn_rate %s: %+v %v, churn says %d/%d", round, ms, got, err, want.Churned, want.Visits)
			}
			for _, last := range []csperf.Month{m, m + 2} {
				pc := churn.PeriodOf(acts, m, last, 8)
				got, err := Evaluate(mustKPI(t, "period_churn"), in, org, Period{m.First(), last.Last()}, attr)
				if err != nil || got.Num != pc.Lost || got.Den != pc.AtStart {
					t.Errorf("round %d period_churn %s..%s: %+v %v, churn says %d/%d", round, m, last, got, err, pc.Lost, pc.AtStart)
				}
			}
		}
	}
}

func TestParamsDefaults(t *testing.T) {
	p := DefaultParams()
	if p.Location != time.UTC || p.ServiceLevelSeconds != 20 || p.ClassLimitHours != [3]int64{24, 48, 72} ||
		p.ResolutionHours != 48 || p.PrecontactDays != 30 || p.FollowUpDays != [2]int64{28, 35} ||
		p.QuoteDeviationPercent != 10 || p.ChurnMonths != 8 {
		t.Errorf("%+v", p)
	}
}

func TestEventFields(t *testing.T) {
	if len(EventKinds()) != 16 {
		t.Errorf("kinds %v", EventKinds())
	}
	for _, k := range EventKinds() {
		fs := EventFields(k)
		if len(fs) == 0 {
			t.Errorf("%s has no fields", k)
		}
		if d := DefaultDateField(k); d != "" {
			if f, ok := LookupField(k, d); !ok || (f.Type != csperf.TDate && f.Type != csperf.TTime) {
				t.Errorf("%s: dating field %s", k, d)
			}
		}
		if e := EmployeeField(k); e != "" {
			if f, ok := LookupField(k, e); !ok || f.Type != csperf.TString {
				t.Errorf("%s: employee field %s", k, e)
			}
		}
	}
	for _, tt := range []struct {
		kind, field string
		typ         csperf.FieldType
	}{
		{KindSurveys, "overall", csperf.TInt}, {KindComplaints, "class", csperf.TInt}, {KindCalls, "agent_id", csperf.TString},
		{KindCalls, "qa_scored", csperf.TBool}, {KindReturnVisitPlans, "done", csperf.TBool}, {KindOrders, "quote_price", csperf.TMoney},
		{KindReturnVisits, "satisfaction", csperf.TEnum}, {KindCalls, "answer_delay_seconds", csperf.TInt},
	} {
		if f, ok := LookupField(tt.kind, tt.field); !ok || f.Type != tt.typ {
			t.Errorf("%s.%s: %+v %v", tt.kind, tt.field, f, ok)
		}
	}
	if EventFields("tweets") != nil {
		t.Error("unknown kind")
	}
}
