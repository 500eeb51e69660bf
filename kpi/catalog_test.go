package kpi

import (
	"fmt"
	"slices"
	"testing"

	"csperf"
)

// kpiCase is one hand-computed value of a catalog KPI.
type kpiCase struct {
	id      string
	name    string
	scope   Scope
	period  string
	events  map[string][]Event
	num     int64
	den     int64 // 0: no value
	display string
	met     string // "yes", "no", or "" when Met gives no verdict
}

// Fixtures, one per group of KPIs. Times are Shanghai local unless they
// end in Z. The period is 2015-09 unless a case says otherwise.

// surveys: s4 has no overall score, s6 was answered in August.
var surveys = []Event{
	{"survey_id": "s1", "employee_id": "e1", "answered_at": sh("2015-09-02 10:00"), "overall": "5"}, // records keep enum codes as text
	{"survey_id": "s2", "employee_id": "e1", "answered_at": sh("2015-09-03 10:00"), "overall": int64(4)},
	{"survey_id": "s3", "employee_id": "e2", "answered_at": sh("2015-09-10 10:00"), "overall": "3"},
	{"survey_id": "s4", "employee_id": "e2", "answered_at": sh("2015-09-11 10:00"), "overall": nil},
	{"survey_id": "s5", "employee_id": "e3", "answered_at": sh("2015-09-20 10:00"), "overall": "2"},
	{"survey_id": "s6", "employee_id": "e1", "answered_at": sh("2015-08-31 23:59"), "overall": "5"},
}

// closedComplaints: c4 is still open, c5 was opened in August and closed in
// September, c6 closed in October.
var closedComplaints = []Event{
	{"complaint_id": "c1", "employee_id": "e1", "class": "1", "opened_at": sh("2015-09-01 08:00"), "closed_at": sh("2015-09-02 08:00"), // 24 h
		"escalated": false, "resolved": true},
	{"complaint_id": "c2", "employee_id": "e1", "class": "2", "opened_at": sh("2015-09-03 08:00"), "closed_at": sh("2015-09-05 09:00"), // 49 h
		"escalated": true, "escalated_to": "supervisor", "resolved": true},
	{"complaint_id": "c3", "employee_id": "e2", "class": int64(3), "opened_at": sh("2015-09-10 08:00"), "closed_at": sh("2015-09-13 08:00:01"), // 72 h 1 s
		"escalated": false, "resolved": false},
	{"complaint_id": "c4", "employee_id": "e2", "class": "1", "opened_at": sh("2015-09-20 08:00")},
	{"complaint_id": "c5", "employee_id": "e3", "class": "3", "opened_at": sh("2015-08-30 10:00"), "closed_at": sh("2015-09-02 08:00"), // 70 h
		"resolved": true},
	{"complaint_id": "c6", "employee_id": "e1", "class": "1", "opened_at": sh("2015-09-28 08:00"), "closed_at": sh("2015-10-02 08:00"),
		"resolved": true},
}

// managerComplaints, dated by closed_at.
var managerComplaints = []Event{
	{"complaint_id": "m1", "employee_id": "e1", "class": "2", "opened_at": sh("2015-02-27 10:00"), "closed_at": sh("2015-03-01 10:00"), "escalated": true, "escalated_to": "manager"},
	{"complaint_id": "m2", "employee_id": "e1", "class": "2", "opened_at": sh("2015-06-30 10:00"), "closed_at": sh("2015-07-01 10:00"), "escalated": true, "escalated_to": "manager"},
	{"complaint_id": "m3", "employee_id": "e1", "class": "3", "opened_at": sh("2015-04-30 10:00"), "closed_at": sh("2015-05-01 10:00"), "escalated": true, "escalated_to": "supervisor"},
	{"complaint_id": "m4", "employee_id": "e2", "class": "1", "opened_at": sh("2015-12-20 10:00"), "closed_at": sh("2016-01-02 10:00"), "escalated": true, "escalated_to": "manager"},
	{"complaint_id": "m5", "employee_id": "e3", "class": "1", "opened_at": sh("2015-04-01 10:00"), "closed_at": sh("2015-04-04 10:00"), "escalated": true, "escalated_to": "manager"},
	{"complaint_id": "m6", "employee_id": "e2", "class": "1", "opened_at": sh("2015-09-01 10:00"), "closed_at": sh("2015-09-05 10:00"), "escalated": true, "escalated_to": "manager"},
	{"complaint_id": "m7", "employee_id": "e1", "class": "1", "opened_at": sh("2015-09-18 10:00"), "closed_at": sh("2015-09-20 10:00"), "escalated": true, "escalated_to": "manager"},
}

// churnVisits (threshold N = 8, so September's base month is January):
//
//	cA: V01 e1 2015-01-10                       → churned in September, by e1 (g1)
//	cB: V02 e1 2015-01-05, V03 e3 2015-03-01     → last visit in March: churns in November
//	cC: V04 e3 2015-01-20, V05 e1 2015-10-05     → last visit by 30 Sep is V04: churned in September, by e3 (g2)
//	cD: V06 e1 2014-12-31                       → churned in August
//	cE: V9 e3 and V10 e1, both 2015-01-31       → "V9" > "V10" as strings: churned by e3 (g2)
var churnVisits = []Event{
	{"visit_id": "V01", "customer_id": "cA", "advisor_id": "e1", "visit_date": dt("2015-01-10")},
	{"visit_id": "V02", "customer_id": "cB", "advisor_id": "e1", "visit_date": dt("2015-01-05")},
	{"visit_id": "V03", "customer_id": "cB", "advisor_id": "e3", "visit_date": dt("2015-03-01")},
	{"visit_id": "V04", "customer_id": "cC", "advisor_id": "e3", "visit_date": dt("2015-01-20")},
	{"visit_id": "V05", "customer_id": "cC", "advisor_id": "e1", "visit_date": dt("2015-10-05")},
	{"visit_id": "V06", "customer_id": "cD", "advisor_id": "e1", "visit_date": dt("2014-12-31")},
	{"visit_id": "V9", "customer_id": "cE", "advisor_id": "e3", "visit_date": dt("2015-01-31")},
	{"visit_id": "V10", "customer_id": "cE", "advisor_id": "e1", "visit_date": dt("2015-01-31")},
}

// satisfactionContacts: e1 makes 12 rated return visits in ISO week 37
// (2015-09-07..13), one unrated on 09-08 and one rated on 09-14 (week 38);
// e2 makes 5 rated on 09-10 (in g1) and 4 rated on 09-20 (in g2).
func satisfactionContacts() []Event {
	var out []Event
	add := func(emp, date, satisfaction string) {
		e := Event{"return_visit_id": fmt.Sprintf("rv%02d", len(out)), "specialist_id": emp, "customer_id": "c", "done_date": dt(date)}
		if satisfaction != "" {
			e["satisfaction"] = satisfaction
		}
		out = append(out, e)
	}
	for i := range 12 {
		add("e1", fmt.Sprintf("2015-09-%02d", 7+i%7), "good")
	}
	add("e1", "2015-09-08", "")
	add("e1", "2015-09-14", "poor")
	for range 5 {
		add("e2", "2015-09-10", "average")
	}
	for range 4 {
		add("e2", "2015-09-20", "good")
	}
	return out
}

// fact builds a kpi_facts row.
func fact(kpi, scope, scopeID, start, end string, num, den int64) Event {
	return Event{"kpi_id": kpi, "scope": scope, "scope_id": scopeID, "period_start": dt(start), "period_end": dt(end),
		"numerator": num, "denominator": den}
}

func kpiCases() []kpiCase {
	// asa: a6 is marked abandoned although it carries an answer time.
	abandonedButAnswered := call("a6", "e1", "in", "2015-09-06 09:00", 5, 0, 0)
	abandonedButAnswered["abandoned"] = true
	noHold := call("h3", "e3", "in", "2015-09-03 09:00", 5, 50, 0)
	noHold["hold_seconds"] = nil

	return []kpiCase{
		// csat, org: overall ≥ 4 are s1, s2 = 2; with a score: s1, s2, s3, s5 = 4
		// (s4 has none, s6 is August) → 2/4 = 50%.
		{id: "csat", scope: org, events: map[string][]Event{KindSurveys: surveys}, num: 2, den: 4, display: "50.0%", met: "no"},
		// csat, e1: s1, s2 / s1, s2 → 100%.
		{id: "csat", name: "employee", scope: e1, events: map[string][]Event{KindSurveys: surveys}, num: 2, den: 2, display: "100.0%", met: "yes"},
		// zero denominator: no survey at all → no value, never 0.
		{id: "csat", name: "no surveys", scope: org, events: nil, num: 0, den: 0, display: "—"},
		// csat_avg, org: (5 + 4 + 3 + 2) / 4 = 14/4 = 3.5 < 4.5.
		{id: "csat_avg", scope: org, events: map[string][]Event{KindSurveys: surveys}, num: 14, den: 4, display: "3.50", met: "no"},
		// csat_avg, e1: (5 + 4) / 2 = 4.5, exactly the target.
		{id: "csat_avg", name: "employee", scope: e1, events: map[string][]Event{KindSurveys: surveys}, num: 9, den: 2, display: "4.50", met: "yes"},

		// repeat_rate, window 2014-10-01..2015-09-30: c1 2 visits; c2 a visit and
		// an order; c3 one visit in (2014-09-30 is outside); c4 one visit in
		// (its order is in October) → 2/4. In g1 (e1's customers c1–c3): 2/3.
		{id: "repeat_rate", scope: org, events: map[string][]Event{
			KindVisits: {
				{"visit_id": "v1", "customer_id": "c1", "advisor_id": "e1", "visit_date": dt("2015-01-10")},
				{"visit_id": "v2", "customer_id": "c1", "advisor_id": "e1", "visit_date": dt("2015-06-01")},
				{"visit_id": "v3", "customer_id": "c2", "advisor_id": "e1", "visit_date": dt("2015-03-03")},
				{"visit_id": "v4", "customer_id": "c3", "advisor_id": "e1", "visit_date": dt("2014-09-30")},
				{"visit_id": "v5", "customer_id": "c3", "advisor_id": "e1", "visit_date": dt("2015-05-05")},
				{"visit_id": "v6", "customer_id": "c4", "advisor_id": "e3", "visit_date": dt("2015-02-02")},
			},
			KindOrders: {
				{"order_id": "o1", "customer_id": "c2", "employee_id": "e1", "ordered_at": sh("2015-09-20 10:00")},
				{"order_id": "o2", "customer_id": "c4", "employee_id": "e3", "ordered_at": sh("2015-10-01 10:00")},
			},
		}, num: 2, den: 4, display: "50.0%", met: "no"},

		// renewal_rate, dated by expiry: k1 (renewed), k2, k4 (renewed) expire in
		// September; k3 expires in October, k5 starts in September but expires
		// in 2016 → 2/3.
		{id: "renewal_rate", scope: org, events: map[string][]Event{KindContracts: {
			{"contract_id": "k1", "employee_id": "e1", "start_date": dt("2014-09-11"), "expiry_date": dt("2015-09-10"), "renewed": true},
			{"contract_id": "k2", "employee_id": "e1", "start_date": dt("2014-10-01"), "expiry_date": dt("2015-09-30"), "renewed": false},
			{"contract_id": "k3", "employee_id": "e1", "start_date": dt("2014-10-02"), "expiry_date": dt("2015-10-01"), "renewed": true},
			{"contract_id": "k4", "employee_id": "e2", "start_date": dt("2014-09-16"), "expiry_date": dt("2015-09-15"), "renewed": true},
			{"contract_id": "k5", "employee_id": "e1", "start_date": dt("2015-09-01"), "expiry_date": dt("2016-08-31")},
		}}, num: 2, den: 3, display: "66.7%", met: "no"},

		// complaint_rate, dated by opened_at: cr1, cr2 in September; cr3 at
		// 2015-09-30T20:00Z is 1 October in Shanghai; cr4 is August → 2.
		// Handled contacts: answered calls a1 (in), a2 (out), a3 (in) = 3 (a4 is
		// abandoned, a5 is 1 October local) + visits v1, v2 = 2 + request r1 = 1
		// → 2/6.
		{id: "complaint_rate", scope: org, events: map[string][]Event{
			KindComplaints: {
				{"complaint_id": "cr1", "employee_id": "e1", "class": "3", "opened_at": sh("2015-09-05 10:00")},
				{"complaint_id": "cr2", "employee_id": "e3", "class": "3", "opened_at": sh("2015-09-25 10:00")},
				{"complaint_id": "cr3", "employee_id": "e3", "class": "3", "opened_at": utc("2015-09-30T20:00:00Z")},
				{"complaint_id": "cr4", "employee_id": "e3", "class": "3", "opened_at": sh("2015-08-31 23:00")},
			},
			KindCalls: {
				call("a1", "e1", "in", "2015-09-01 09:00", 5, 60, 0),
				call("a2", "e1", "out", "2015-09-02 09:00", 0, 60, 0),
				call("a3", "e3", "in", "2015-09-03 09:00", 5, 60, 0),
				call("a4", "", "in", "2015-09-04 09:00", -1, 0, 0),
				{"call_id": "a5", "agent_id": "e1", "direction": "in", "queued_at": utc("2015-09-30T20:00:00Z"), "answered_at": utc("2015-09-30T20:00:10Z")},
			},
			KindVisits: {
				{"visit_id": "v1", "customer_id": "c1", "advisor_id": "e1", "visit_date": dt("2015-09-10")},
				{"visit_id": "v2", "customer_id": "c2", "advisor_id": "e3", "visit_date": dt("2015-09-11")},
				{"visit_id": "v3", "customer_id": "c3", "advisor_id": "e1", "visit_date": dt("2015-10-01")},
			},
			KindServiceRequests: {
				{"request_id": "r1", "employee_id": "e1", "opened_at": sh("2015-09-12 10:00")},
				{"request_id": "r2", "employee_id": "e1", "opened_at": sh("2015-08-31 10:00")},
			},
		}, num: 2, den: 6, display: "33.3%", met: "no"},

		// manager_complaints, g1 in 2015, dated by closed_at: m1, m2, m7 (e1) and
		// m6 (e2, in g1 on 09-05) = 4; m3 went to a supervisor, m4 closed in
		// 2016, m5 is g2. Per employee per year: 4 / (2 employees × 1 year) = 2.
		{id: "manager_complaints", scope: g1, period: "2015", events: map[string][]Event{KindComplaints: managerComplaints},
			num: 4, den: 2, display: "2.00", met: "yes"},
		// org, 2015: m1, m2, m5, m6, m7 = 5 over 4 employees → 5/4.
		{id: "manager_complaints", name: "org", scope: org, period: "2015", events: map[string][]Event{KindComplaints: managerComplaints},
			num: 5, den: 4, display: "1.25", met: "yes"},
		// e1 in September: m7 = 1 in 30/365 = 6/73 of a year (PeriodUnits is in
		// lowest terms) → 1 × 73 / (1 × 6) ≈ 12.17.
		{id: "manager_complaints", name: "employee month", scope: e1, events: map[string][]Event{KindComplaints: managerComplaints},
			num: 73, den: 6, display: "12.17", met: "no"},

		// agent_change_requests, org 2015: q1, q2, q3 (23:30 on 31 Dec local);
		// q4 is 2014; q5 at 2015-12-31T16:30Z is 2016 in Shanghai → 3, not < 3.
		{id: "agent_change_requests", scope: org, period: "2015", events: map[string][]Event{KindChangeRequests: {
			{"request_id": "q1", "employee_id": "e1", "requested_at": sh("2015-01-05 10:00")},
			{"request_id": "q2", "employee_id": "e2", "requested_at": sh("2015-06-06 10:00")},
			{"request_id": "q3", "employee_id": "e3", "requested_at": sh("2015-12-31 23:30")},
			{"request_id": "q4", "employee_id": "e1", "requested_at": sh("2014-12-31 10:00")},
			{"request_id": "q5", "employee_id": "e1", "requested_at": utc("2015-12-31T16:30:00Z")},
		}}, num: 3, den: 1, display: "3.00", met: "no"},

		// complaint_cancellations, org 2015: o1, o2 cancelled for a complaint (o3
		// not, o4 is 2016) → 2 per year.
		{id: "complaint_cancellations", scope: org, period: "2015", events: map[string][]Event{KindOrders: {
			{"order_id": "o1", "customer_id": "c1", "employee_id": "e1", "ordered_at": sh("2015-03-01 10:00"), "cancelled_for_complaint": true},
			{"order_id": "o2", "customer_id": "c2", "employee_id": "e1", "ordered_at": sh("2015-11-11 10:00"), "cancelled_for_complaint": true},
			{"order_id": "o3", "customer_id": "c3", "employee_id": "e1", "ordered_at": sh("2015-05-05 10:00"), "cancelled_for_complaint": false},
			{"order_id": "o4", "customer_id": "c4", "employee_id": "e1", "ordered_at": sh("2016-01-03 10:00"), "cancelled_for_complaint": true},
		}}, num: 2, den: 1, display: "2.00", met: "yes"},

		// Closed in September: c1, c2, c3, c5 (c4 open, c6 closed in October).
		// independent_handling: not escalated c1, c3, c5 → 3/4.
		{id: "independent_handling", scope: org, events: map[string][]Event{KindComplaints: closedComplaints}, num: 3, den: 4, display: "75.0%", met: "no"},
		// complaint_resolution: resolved c1, c2, c5 → 3/4.
		{id: "complaint_resolution", scope: org, events: map[string][]Event{KindComplaints: closedComplaints}, num: 3, den: 4, display: "75.0%", met: "no"},
		// complaint_timeliness: c1 class 1 in 24 h ≤ 24 h yes; c2 class 2 in 49 h
		// > 48 h; c3 class 3 in 72 h 1 s > 72 h; c5 class 3 in 70 h yes → 2/4.
		{id: "complaint_timeliness", scope: org, events: map[string][]Event{KindComplaints: closedComplaints}, num: 2, den: 4, display: "50.0%", met: "no"},

		// fcr: answered inbound f1, f2 (resolved), f3 → 2/3; f4 is abandoned
		// (its flag ignored), f5 is outbound.
		{id: "fcr", scope: org, events: map[string][]Event{KindCalls: {
			call("f1", "e1", "in", "2015-09-01 09:00", 5, 60, 0, "resolved_first_contact"),
			call("f2", "e1", "in", "2015-09-01 10:00", 5, 60, 0, "resolved_first_contact"),
			call("f3", "e3", "in", "2015-09-01 11:00", 5, 60, 0),
			call("f4", "e1", "in", "2015-09-01 12:00", -1, 0, 0, "resolved_first_contact"),
			call("f5", "e1", "out", "2015-09-01 13:00", 0, 60, 0, "resolved_first_contact"),
		}}, num: 2, den: 3, display: "66.7%", met: "no"},

		// abandon_rate. Inbound: b1–b3 answered by e1 (g1); b4 abandoned with
		// no agent in g1's queue; b5 abandoned with neither agent nor group
		// (department d1 only); b7 abandoned by e4 (g3, d2); b6 is outbound.
		// g1: b4 / b1–b4 = 1/4.
		{id: "abandon_rate", name: "group", scope: g1, events: map[string][]Event{KindCalls: abandonCalls()}, num: 1, den: 4, display: "25.0%", met: "no"},
		// d1: b4, b5 / b1–b5 = 2/5.
		{id: "abandon_rate", name: "department", scope: d1, events: map[string][]Event{KindCalls: abandonCalls()}, num: 2, den: 5, display: "40.0%", met: "no"},
		// org: b4, b5, b7 / b1–b5, b7 = 3/6.
		{id: "abandon_rate", name: "org", scope: org, events: map[string][]Event{KindCalls: abandonCalls()}, num: 3, den: 6, display: "50.0%", met: "no"},

		// asa: answered inbound a1 10 s, a2 30 s, a3 50 s → 90/3 = 30 s. a4 and
		// a6 are abandoned (a6's answer time is ignored: an abandoned call has
		// no answer delay), a5 is outbound.
		{id: "asa", scope: org, events: map[string][]Event{KindCalls: {
			call("a1", "e1", "in", "2015-09-01 09:00", 10, 60, 0),
			call("a2", "e1", "in", "2015-09-02 09:00", 30, 60, 0),
			call("a3", "e3", "in", "2015-09-03 09:00", 50, 60, 0),
			call("a4", "", "in", "2015-09-04 09:00", -1, 0, 0),
			call("a5", "e1", "out", "2015-09-05 09:00", 100, 60, 0),
			abandonedButAnswered,
		}}, num: 90, den: 3, display: "30.0 s", met: "yes"},

		// service_level, d1: l1 in 10 s, l2 in exactly 20 s (counts), l3 in
		// 21 s, l4 abandoned (counts in the denominator), l5 outbound → 2/4.
		{id: "service_level", scope: d1, events: map[string][]Event{KindCalls: {
			call("l1", "e1", "in", "2015-09-01 09:00", 10, 60, 0),
			call("l2", "e1", "in", "2015-09-01 10:00", 20, 60, 0),
			call("l3", "e3", "in", "2015-09-01 11:00", 21, 60, 0),
			call("l4", "", "in", "2015-09-01 12:00", -1, 0, 0),
			call("l5", "e1", "out", "2015-09-01 13:00", 5, 60, 0),
		}}, num: 2, den: 4, display: "50.0%", met: "no"},

		// hold_share over answered calls of both directions: hold 20 + 0 (h3 has
		// none) / (100+20) + (80+0) + (50+0) = 20/250 = 8%; the abandoned h4 is
		// out. (Σhold/Σtalk would be 20/230.)
		{id: "hold_share", scope: org, events: map[string][]Event{KindCalls: {
			call("h1", "e1", "in", "2015-09-01 09:00", 5, 100, 20),
			call("h2", "e1", "out", "2015-09-02 09:00", 0, 80, 0),
			noHold,
			call("h4", "", "in", "2015-09-04 09:00", -1, 0, 30),
		}}, num: 20, den: 250, display: "8.0%", met: "yes"},

		// monitor_rate: inbound q1 (scored), q2, q3, q4 (abandoned) → 1/4; the
		// scored outbound q5 is out.
		{id: "monitor_rate", scope: org, events: map[string][]Event{KindCalls: {
			call("q1", "e1", "in", "2015-09-01 09:00", 5, 60, 0, "qa_scored"),
			call("q2", "e1", "in", "2015-09-01 10:00", 5, 60, 0),
			call("q3", "e3", "in", "2015-09-01 11:00", 5, 60, 0),
			call("q4", "", "in", "2015-09-01 12:00", -1, 0, 0),
			call("q5", "e1", "out", "2015-09-01 13:00", 0, 60, 0, "qa_scored"),
		}}, num: 1, den: 4, display: "25.0%", met: "yes"},

		// effective_call_rate: outbound o1–o3 effective, o4 not → 3/4; the
		// effective inbound i1 is out.
		{id: "effective_call_rate", scope: org, events: map[string][]Event{KindCalls: {
			call("o1", "e1", "out", "2015-09-01 09:00", 0, 60, 0, "effective"),
			call("o2", "e1", "out", "2015-09-01 10:00", 0, 60, 0, "effective"),
			call("o3", "e3", "out", "2015-09-01 11:00", 0, 60, 0, "effective"),
			call("o4", "e3", "out", "2015-09-01 12:00", 0, 60, 0),
			call("i1", "e1", "in", "2015-09-01 13:00", 5, 60, 0, "effective"),
		}}, num: 3, den: 4, display: "75.0%", met: "no"},

		// qa_score: 90 + 80 + 85 = 255 / 3 = 85, exactly the target; ev4 is October.
		{id: "qa_score", scope: org, events: map[string][]Event{KindQAEvaluations: {
			{"evaluation_id": "ev1", "call_id": "x1", "agent_id": "e1", "evaluated_at": sh("2015-09-05 10:00"), "score": int64(90)},
			{"evaluation_id": "ev2", "call_id": "x2", "agent_id": "e1", "evaluated_at": sh("2015-09-06 10:00"), "score": int64(80)},
			{"evaluation_id": "ev3", "call_id": "x3", "agent_id": "e3", "evaluated_at": sh("2015-09-07 10:00"), "score": int64(85)},
			{"evaluation_id": "ev4", "call_id": "x4", "agent_id": "e1", "evaluated_at": sh("2015-10-01 10:00"), "score": int64(10)},
		}}, num: 255, den: 3, display: "85.00", met: "yes"},

		// first_response: r1 2 h = 7200 s, r2 30 h = 108000 s, r3 not yet
		// answered (excluded) → 115200 / 2 = 57600 s = 16 h ≤ 24 h.
		{id: "first_response", scope: org, events: map[string][]Event{KindServiceRequests: {
			{"request_id": "r1", "employee_id": "e1", "opened_at": sh("2015-09-01 08:00"), "first_response_at": sh("2015-09-01 10:00")},
			{"request_id": "r2", "employee_id": "e1", "opened_at": sh("2015-09-02 08:00"), "first_response_at": sh("2015-09-03 14:00")},
			{"request_id": "r3", "employee_id": "e3", "opened_at": sh("2015-09-03 08:00")},
		}}, num: 115200, den: 2, display: "16.0 h", met: "yes"},

		// resolution_time: r1 in 47 h, r2 in exactly 48 h (both count), r3 in
		// 49 h, r4 unresolved → 2/4.
		{id: "resolution_time", scope: org, events: map[string][]Event{KindServiceRequests: {
			{"request_id": "r1", "employee_id": "e1", "opened_at": sh("2015-09-01 08:00"), "resolved_at": sh("2015-09-03 07:00")},
			{"request_id": "r2", "employee_id": "e1", "opened_at": sh("2015-09-02 08:00"), "resolved_at": sh("2015-09-04 08:00")},
			{"request_id": "r3", "employee_id": "e3", "opened_at": sh("2015-09-05 08:00"), "resolved_at": sh("2015-09-07 09:00")},
			{"request_id": "r4", "employee_id": "e3", "opened_at": sh("2015-09-06 08:00")},
		}}, num: 2, den: 4, display: "50.0%", met: "no"},

		// return_visit_rate: plans due in September p1–p3 done, p4 not → 3/4;
		// p5 is due in October.
		{id: "return_visit_rate", scope: org, events: map[string][]Event{KindReturnVisitPlans: {
			{"plan_id": "p1", "customer_id": "c1", "specialist_id": "e1", "planned_date": dt("2015-09-05"), "done": true},
			{"plan_id": "p2", "customer_id": "c2", "specialist_id": "e1", "planned_date": dt("2015-09-10"), "done": true},
			{"plan_id": "p3", "customer_id": "c3", "specialist_id": "e1", "planned_date": dt("2015-09-30"), "done": true},
			{"plan_id": "p4", "customer_id": "c4", "specialist_id": "e1", "planned_date": dt("2015-09-15")},
			{"plan_id": "p5", "customer_id": "c5", "specialist_id": "e1", "planned_date": dt("2015-10-01"), "done": true},
		}}, num: 3, den: 4, display: "75.0%", met: "no"},

		// return_visit_satisfaction: good, fairly_good / 5 done (average,
		// very_poor and one unrated) → 2/5; rv6 is October.
		{id: "return_visit_satisfaction", scope: org, events: map[string][]Event{KindReturnVisits: {
			{"return_visit_id": "rv1", "customer_id": "c1", "specialist_id": "e1", "done_date": dt("2015-09-01"), "satisfaction": "good"},
			{"return_visit_id": "rv2", "customer_id": "c2", "specialist_id": "e1", "done_date": dt("2015-09-02"), "satisfaction": "fairly_good"},
			{"return_visit_id": "rv3", "customer_id": "c3", "specialist_id": "e1", "done_date": dt("2015-09-03"), "satisfaction": "average"},
			{"return_visit_id": "rv4", "customer_id": "c4", "specialist_id": "e1", "done_date": dt("2015-09-04"), "satisfaction": "very_poor"},
			{"return_visit_id": "rv5", "customer_id": "c5", "specialist_id": "e1", "done_date": dt("2015-09-05")},
			{"return_visit_id": "rv6", "customer_id": "c6", "specialist_id": "e1", "done_date": dt("2015-10-01"), "satisfaction": "good"},
		}}, num: 2, den: 5, display: "40.0%", met: "no"},

		// weekly_satisfaction_calls, e1 in 2015-W37: 12 rated contacts in 1 week
		// (the unrated one and the one of 09-14 are out) → 12 ≥ 10.
		{id: "weekly_satisfaction_calls", scope: e1, period: "2015-W37", events: map[string][]Event{KindReturnVisits: satisfactionContacts()},
			num: 12, den: 1, display: "12.00", met: "yes"},
		// g1 in September: e1's 13 rated + e2's 5 of 09-10 = 18 contacts, over 2
		// employees × 30/7 weeks → 18 × 7 / (2 × 30) = 126/60 = 2.1.
		{id: "weekly_satisfaction_calls", name: "group month", scope: g1, events: map[string][]Event{KindReturnVisits: satisfactionContacts()},
			num: 126, den: 60, display: "2.10", met: "no"},

		// return_rate: 1 returned of 4 orders; no default target.
		{id: "return_rate", scope: org, events: map[string][]Event{KindOrders: {
			{"order_id": "o1", "customer_id": "c1", "employee_id": "e1", "ordered_at": sh("2015-09-01 10:00"), "returned": true},
			{"order_id": "o2", "customer_id": "c2", "employee_id": "e1", "ordered_at": sh("2015-09-02 10:00")},
			{"order_id": "o3", "customer_id": "c3", "employee_id": "e1", "ordered_at": sh("2015-09-03 10:00"), "returned": false},
			{"order_id": "o4", "customer_id": "c4", "employee_id": "e3", "ordered_at": sh("2015-09-04 10:00")},
		}}, num: 1, den: 4, display: "25.0%"},

		// quote_deviation, with a quote: q1 |11000−10000|×10 = 10000 ≥ 10000
		// yes (exactly 10%); q2 950×10 = 9500 < 10000 no; q3 2000×10 ≥ 10000
		// yes → 2/3; q4 (no quote) and q5 (quote 0) are out.
		{id: "quote_deviation", scope: org, events: map[string][]Event{KindOrders: {
			{"order_id": "q1", "customer_id": "c1", "ordered_at": sh("2015-09-01 10:00"), "quote_price": csperf.Money(10000), "final_price": csperf.Money(11000)},
			{"order_id": "q2", "customer_id": "c2", "ordered_at": sh("2015-09-02 10:00"), "quote_price": csperf.Money(10000), "final_price": csperf.Money(9050)},
			{"order_id": "q3", "customer_id": "c3", "ordered_at": sh("2015-09-03 10:00"), "quote_price": int64(10000), "final_price": int64(8000)},
			{"order_id": "q4", "customer_id": "c4", "ordered_at": sh("2015-09-04 10:00"), "final_price": csperf.Money(5000)},
			{"order_id": "q5", "customer_id": "c5", "ordered_at": sh("2015-09-05 10:00"), "quote_price": csperf.Money(0), "final_price": csperf.Money(100)},
		}}, num: 2, den: 3, display: "66.7%", met: "no"},

		// promise_kept: due in September: two kept, one not → 2/3; the one due
		// 1 October is out.
		{id: "promise_kept", scope: org, events: map[string][]Event{KindPromises: {
			{"promise_id": "pr1", "employee_id": "e1", "due_date": dt("2015-09-01"), "kept": true},
			{"promise_id": "pr2", "employee_id": "e1", "due_date": dt("2015-09-15"), "kept": true},
			{"promise_id": "pr3", "employee_id": "e3", "due_date": dt("2015-09-30"), "kept": false},
			{"promise_id": "pr4", "employee_id": "e3", "due_date": dt("2015-10-01"), "kept": true},
		}}, num: 2, den: 3, display: "66.7%", met: "no"},

		// same_day_shipping, local days: o1 09-01 → 09-01 yes; o2 09-02 → 09-03
		// 00:10 no (the same UTC day); o3 09-03 07:00 → 10:00 yes (different UTC
		// days); o4 not shipped → 2/4.
		{id: "same_day_shipping", scope: org, events: map[string][]Event{KindOrders: {
			{"order_id": "o1", "customer_id": "c1", "ordered_at": sh("2015-09-01 09:00"), "shipped_at": sh("2015-09-01 23:30")},
			{"order_id": "o2", "customer_id": "c2", "ordered_at": sh("2015-09-02 10:00"), "shipped_at": sh("2015-09-03 00:10")},
			{"order_id": "o3", "customer_id": "c3", "ordered_at": sh("2015-09-03 07:00"), "shipped_at": sh("2015-09-03 10:00")},
			{"order_id": "o4", "customer_id": "c4", "ordered_at": sh("2015-09-04 09:00")},
		}}, num: 2, den: 4, display: "50.0%", met: "no"},

		// in_stock, org September: only f1 (f2 is August, f3 is g1's, f4
		// straddles the month end, f5 is another KPI) → 950/1000.
		{id: "in_stock", scope: org, events: map[string][]Event{KindKPIFacts: inStockFacts()}, num: 950, den: 1000, display: "95.0%", met: "yes"},
		// g1: its own fact only, never rolled up → 90/100.
		{id: "in_stock", name: "group", scope: g1, events: map[string][]Event{KindKPIFacts: inStockFacts()}, num: 90, den: 100, display: "90.0%", met: "no"},

		// checkout_time: two half-month facts, 1200 s / 5 + 900 s / 5 → 2100/10
		// = 210 s = 3.5 min ≤ 5 min.
		{id: "checkout_time", scope: org, events: map[string][]Event{KindKPIFacts: {
			fact("checkout_time", "org", "", "2015-09-01", "2015-09-15", 1200, 5),
			fact("checkout_time", "org", "", "2015-09-16", "2015-09-30", 900, 5),
		}}, num: 2100, den: 10, display: "3.5 min", met: "yes"},

		// contract_precontact, expiring in September: k1 contacted 31 Aug local
		// = expiry − 30 days yes; k2 contacted 2015-08-31T16:30Z = 1 Sep 00:30
		// local, 29 days, no; k3 never contacted no; k4 contacted 1 July yes → 2/4.
		{id: "contract_precontact", scope: org, events: map[string][]Event{KindContracts: {
			{"contract_id": "k1", "employee_id": "e1", "start_date": dt("2014-10-01"), "expiry_date": dt("2015-09-30"), "contacted_at": sh("2015-08-31 10:00")},
			{"contract_id": "k2", "employee_id": "e1", "start_date": dt("2014-10-01"), "expiry_date": dt("2015-09-30"), "contacted_at": utc("2015-08-31T16:30:00Z")},
			{"contract_id": "k3", "employee_id": "e3", "start_date": dt("2014-09-16"), "expiry_date": dt("2015-09-15"), "contacted_at": nil},
			{"contract_id": "k4", "employee_id": "e3", "start_date": dt("2014-09-21"), "expiry_date": dt("2015-09-20"), "contacted_at": sh("2015-07-01 10:00")},
		}}, num: 2, den: 4, display: "50.0%", met: "no"},

		// post_purchase_followup: followed up 28 and 35 days after (yes), 36
		// and 27 (no), never (no) → 2/5.
		{id: "post_purchase_followup", scope: org, events: map[string][]Event{KindOrders: {
			{"order_id": "o1", "customer_id": "c1", "ordered_at": sh("2015-09-01 10:00"), "followed_up_at": sh("2015-09-29 09:00")},
			{"order_id": "o2", "customer_id": "c2", "ordered_at": sh("2015-09-02 10:00"), "followed_up_at": sh("2015-10-07 18:00")},
			{"order_id": "o3", "customer_id": "c3", "ordered_at": sh("2015-09-03 10:00"), "followed_up_at": sh("2015-10-09 10:00")},
			{"order_id": "o4", "customer_id": "c4", "ordered_at": sh("2015-09-04 10:00"), "followed_up_at": sh("2015-10-01 10:00")},
			{"order_id": "o5", "customer_id": "c5", "ordered_at": sh("2015-09-05 10:00")},
		}}, num: 2, den: 5, display: "40.0%", met: "no"},

		// proposals, org 2015: improvements i1, i2, i3 = 3 per year (suggestion,
		// competitor review and the 2014 one are out).
		{id: "proposals", scope: org, period: "2015", events: map[string][]Event{KindSuggestions: suggestions}, num: 3, den: 1, display: "3.00", met: "yes"},
		// e1 in 2015-Q3: i2 alone, in 92/365 of a year → 365/92 ≈ 3.97.
		{id: "proposals", name: "employee quarter", scope: e1, period: "2015-Q3", events: map[string][]Event{KindSuggestions: suggestions},
			num: 365, den: 92, display: "3.97", met: "yes"},

		// churn_rate (N = 8), September: churned cA, cC, cE / January's 5 visits.
		{id: "churn_rate", scope: org, events: map[string][]Event{KindVisits: churnVisits}, num: 3, den: 5, display: "60.0%"},
		// g1: cA / V01, V02, V10 → 1/3.
		{id: "churn_rate", name: "g1", scope: g1, events: map[string][]Event{KindVisits: churnVisits}, num: 1, den: 3, display: "33.3%"},
		// g2: cC, cE / V04, V9 → 2/2.
		{id: "churn_rate", name: "g2", scope: g2, events: map[string][]Event{KindVisits: churnVisits}, num: 2, den: 2, display: "100.0%"},
		// August and September: August churns cD / December 2014's V06 → (1 + 3) / (1 + 5).
		{id: "churn_rate", name: "two months", scope: org, period: "2015-08..2015-09", events: map[string][]Event{KindVisits: churnVisits},
			num: 4, den: 6, display: "66.7%"},

		// period_churn, September: active at start (activity January–August):
		// cA, cB (visit in March, order in June), cC, cE; cD's last visit is
		// December. Lost in September: cA, cC, cE → 3/4.
		{id: "period_churn", scope: org, events: periodChurnEvents(), num: 3, den: 4, display: "75.0%"},
		// g2 (by the last activity before September): cC (V04), cE (V9) → 2/2.
		{id: "period_churn", name: "g2", scope: g2, events: periodChurnEvents(), num: 2, den: 2, display: "100.0%"},
		// 2015-Q4: active at start (activity February–September): cB only; its
		// June order postpones its churn to February 2016 → 0/1.
		{id: "period_churn", name: "quarter", scope: org, period: "2015-Q4", events: periodChurnEvents(), num: 0, den: 1, display: "0.0%"},

		// archive_completeness: cu1, cu3, cu5 have name, phone and address;
		// cu2 has an empty phone, cu4 no address → 3/5.
		{id: "archive_completeness", scope: org, events: map[string][]Event{KindCustomers: {
			{"customer_id": "cu1", "name": "王一", "phone": "13800000001", "address": "北京"},
			{"customer_id": "cu2", "name": "王二", "phone": "", "address": "上海"},
			{"customer_id": "cu3", "name": "王三", "phone": "13800000003", "address": "广州"},
			{"customer_id": "cu4", "name": "王四", "phone": "13800000004"},
			{"customer_id": "cu5", "name": "王五", "phone": "13800000005", "address": "深圳"},
		}}, num: 3, den: 5, display: "60.0%", met: "no"},
	}
}

// abandonCalls is the abandon_rate fixture (see its cases).
func abandonCalls() []Event {
	return []Event{
		call("b1", "e1", "in", "2015-09-01 09:00", 5, 60, 0),
		call("b2", "e1", "in", "2015-09-01 10:00", 5, 60, 0),
		call("b3", "e1", "in", "2015-09-01 11:00", 5, 60, 0),
		call("b4", "", "in", "2015-09-01 12:00", -1, 0, 0, "group_id=g1"),
		call("b5", "", "in", "2015-09-01 13:00", -1, 0, 0),
		call("b6", "e1", "out", "2015-09-01 14:00", 0, 60, 0),
		call("b7", "e4", "in", "2015-09-01 15:00", -1, 0, 0),
	}
}

func inStockFacts() []Event {
	return []Event{
		fact("in_stock", "org", "", "2015-09-01", "2015-09-30", 950, 1000),
		fact("in_stock", "org", "", "2015-08-01", "2015-08-31", 900, 1000),
		fact("in_stock", "group", "g1", "2015-09-01", "2015-09-30", 90, 100),
		fact("in_stock", "org", "", "2015-09-25", "2015-10-05", 1, 1),
		fact("checkout_time", "org", "", "2015-09-01", "2015-09-30", 600, 2),
	}
}

var suggestions = []Event{
	{"suggestion_id": "i1", "employee_id": "e1", "filed_date": dt("2015-03-01"), "kind": "improvement", "title": "t"},
	{"suggestion_id": "i2", "employee_id": "e1", "filed_date": dt("2015-09-09"), "kind": "improvement", "title": "t"},
	{"suggestion_id": "i3", "employee_id": "e3", "filed_date": dt("2015-10-10"), "kind": "improvement", "title": "t"},
	{"suggestion_id": "s1", "employee_id": "e1", "filed_date": dt("2015-04-04"), "kind": "suggestion", "title": "t"},
	{"suggestion_id": "s2", "employee_id": "e3", "filed_date": dt("2015-05-05"), "kind": "competitor_review", "title": "t"},
	{"suggestion_id": "i4", "employee_id": "e1", "filed_date": dt("2014-12-31"), "kind": "improvement", "title": "t"},
}

// periodChurnEvents are churnVisits and an order of cB in June.
func periodChurnEvents() map[string][]Event {
	return map[string][]Event{
		KindVisits: churnVisits,
		KindOrders: {{"order_id": "oB", "customer_id": "cB", "employee_id": "e1", "ordered_at": sh("2015-06-01 10:00")}},
	}
}

func TestCatalogKPIs(t *testing.T) {
	attr := testOrg()
	cases := kpiCases()
	for _, c := range cases {
		name := c.id
		if c.name != "" {
			name += "/" + c.name
		}
		t.Run(name, func(t *testing.T) {
			def := mustKPI(t, c.id)
			period := c.period
			if period == "" {
				period = "2015-09"
			}
			v, err := Evaluate(def, c.events, c.scope, mustPeriod(t, period), attr)
			if err != nil {
				t.Fatal(err)
			}
			if v.Num != c.num || v.Den != c.den || v.Valid != (c.den != 0) || v.Display != c.display {
				t.Errorf("got %d/%d valid %v %q, want %d/%d %q", v.Num, v.Den, v.Valid, v.Display, c.num, c.den, c.display)
			}
			got := ""
			if m := Met(def, v); m != nil {
				got = map[bool]string{true: "yes", false: "no"}[*m]
			}
			if got != c.met {
				t.Errorf("met %q, want %q", got, c.met)
			}
		})
	}
	// One hand-computed test at least for every KPI of the catalog.
	for _, d := range Catalog() {
		if !slices.ContainsFunc(cases, func(c kpiCase) bool { return c.id == d.ID }) {
			t.Errorf("no test case for %s", d.ID)
		}
	}
}
