package kpi

import (
	"slices"
	"strconv"
	"sync"

	"csperf"
)

// Event kinds a measure can count (SPEC §3).
const (
	KindCalls            = "calls"
	KindVisits           = "visits"
	KindSurveys          = "surveys"
	KindComplaints       = "complaints"
	KindContracts        = "contracts"
	KindServiceRequests  = "service_requests"
	KindReturnVisitPlans = "return_visit_plans"
	KindReturnVisits     = "return_visits"
	KindOrders           = "orders"
	KindQAEvaluations    = "qa_evaluations"
	KindPromises         = "promises"
	KindChangeRequests   = "change_requests"
	KindProposals        = "proposals"
	KindSuggestions      = "suggestions"
	KindCustomers        = "customers"
	KindKPIFacts         = "kpi_facts"
)

// EventField describes one field of an event kind as the KPI engine sees
// it. Type is one of csperf.TString (text and references), TEnum (a string
// among Enum), TInt (an int among Enum when Enum is set, such as a survey's
// 1–5 score, which may also arrive as its code "4"), TMoney (fen), TBool,
// TDate or TTime. Every field may be absent (nil) except that an absent
// bool reads as false. A Supplied field is not a column of the kind: the
// store fills it by a join when it reads events for the engine. A Derived
// field is computed here from the others (and Params) and may be used in
// filters and sums like any other.
type EventField struct {
	Name     string
	Type     csperf.FieldType
	Enum     []string
	Supplied bool
	Derived  bool
	Doc      string
}

func num(name string) EventField { return EventField{Name: name, Type: csperf.TInt} }
func bln(name string) EventField { return EventField{Name: name, Type: csperf.TBool} }

// derived marks a field as computed, with what it means.
func derived(f EventField, doc string) EventField {
	f.Derived, f.Doc = true, doc
	return f
}

// numeric reports whether sums and means over the field make sense.
func (f EventField) numeric() bool { return f.Type == csperf.TInt || f.Type == csperf.TMoney }

// eventKind is the table entry of one kind.
type eventKind struct {
	id       string // key field ("" for a composite key)
	employee string // the employee responsible (SPEC §4 attribution); "" for none
	date     string // default dating field; "" for undated records
	fields   []EventField
}

// kindMeta names, for each kind the engine reads, its employee and dating
// fields (SPEC §4 attribution) and the fields the store supplies by a join
// when it reads events for the engine (they are not columns of the kind).
var kindMeta = []struct {
	kind, employee, date string
	supplied             []EventField
}{
	{KindCalls, "agent_id", "queued_at", []EventField{
		{Name: "qa_scored", Type: csperf.TBool, Supplied: true, Doc: "supplied: a qa_evaluations row names the call"},
	}},
	{KindVisits, "advisor_id", "visit_date", nil},
	{KindSurveys, "employee_id", "answered_at", nil},
	{KindComplaints, "employee_id", "opened_at", nil},
	{KindContracts, "employee_id", "expiry_date", nil},
	{KindServiceRequests, "employee_id", "opened_at", nil},
	{KindReturnVisitPlans, "specialist_id", "planned_date", []EventField{
		{Name: "done", Type: csperf.TBool, Supplied: true, Doc: "supplied: a return_visits row names the plan"},
	}},
	{KindReturnVisits, "specialist_id", "done_date", nil},
	{KindOrders, "employee_id", "ordered_at", nil},
	{KindQAEvaluations, "agent_id", "evaluated_at", []EventField{
		{Name: "agent_id", Type: csperf.TString, Supplied: true, Doc: "supplied: the agent of the evaluated call"},
	}},
	{KindPromises, "employee_id", "due_date", nil},
	{KindChangeRequests, "employee_id", "requested_at", nil},
	{KindProposals, "employee_id", "filed_date", nil},
	{KindSuggestions, "employee_id", "filed_date", nil},
	{KindCustomers, "", "", nil},
	{KindKPIFacts, "", "period_start", nil},
}

// derivedFields are computed by derive from stored and supplied fields.
var derivedFields = map[string][]EventField{
	KindCalls: {
		derived(bln("answered"), "not abandoned"),
		derived(num("answer_delay_seconds"), "answered_at − queued_at in whole seconds; absent for an abandoned call"),
		derived(bln("answered_within_threshold"), "answered and answer_delay_seconds ≤ Params.ServiceLevelSeconds (20)"),
		derived(num("talk_plus_hold"), "talk_seconds + hold_seconds (an absent one counts 0; absent if both are)"),
	},
	KindComplaints: {
		derived(num("close_seconds"), "closed_at − opened_at in whole seconds; absent while open"),
		derived(bln("closed_within_class_limit"), "closed and close_seconds ≤ the class's limit (Params.ClassLimitHours: 24/48/72 h)"),
	},
	KindContracts: {
		derived(num("precontact_days"), "expiry_date − the local date of contacted_at, in days; absent without contact"),
		derived(bln("contacted_30d_before_expiry"), "contacted and the contact's local date ≤ expiry_date − Params.PrecontactDays (30)"),
	},
	KindServiceRequests: {
		derived(num("first_response_seconds"), "first_response_at − opened_at in whole seconds"),
		derived(num("resolution_seconds"), "resolved_at − opened_at in whole seconds"),
		derived(bln("resolved_within_limit"), "resolved and resolution_seconds ≤ Params.ResolutionHours (48 h)"),
	},
	KindReturnVisits: {
		derived(num("satisfaction_score"), "satisfaction as 5 good, 4 fairly_good, 3 average, 2 poor, 1 very_poor"),
	},
	KindOrders: {
		derived(num("ship_days"), "local date of shipped_at − local date of ordered_at"),
		derived(bln("shipped_same_day"), "shipped on the local day it was ordered"),
		derived(num("followup_days"), "local date of followed_up_at − local date of ordered_at"),
		derived(bln("followed_up_28_35_days"), "followup_days within Params.FollowUpDays (28–35)"),
		derived(bln("quote_deviation_ge_10pct"), "quote_price > 0 and |final_price − quote_price|×100 ≥ quote_price×Params.QuoteDeviationPercent (10)"),
	},
}

// satisfactions are the return-visit ratings, best first.
var satisfactions = []string{"good", "fairly_good", "average", "poor", "very_poor"}

// kindOrder lists the kinds in the order of SPEC §3.
var kindOrder = []string{
	KindCalls, KindVisits, KindSurveys, KindComplaints, KindContracts, KindServiceRequests,
	KindReturnVisitPlans, KindReturnVisits, KindOrders, KindQAEvaluations, KindPromises,
	KindChangeRequests, KindProposals, KindSuggestions, KindCustomers, KindKPIFacts,
}

// eventKinds returns the table of every kind's fields, built once from the
// record-kind registry (csperf.Kinds, the store's schema) so that the two
// never disagree: references become strings, enums whose codes are all
// whole numbers (a survey's 1–5 scores, a complaint's class) become ints,
// and the supplied and derived fields are appended.
var eventKinds = sync.OnceValue(func() map[string]eventKind {
	out := map[string]eventKind{}
	for _, m := range kindMeta {
		rk := csperf.KindByName(m.kind)
		if rk == nil {
			continue
		}
		k := eventKind{employee: m.employee, date: m.date}
		if len(rk.Key) == 1 {
			k.id = rk.Key[0]
		}
		for _, f := range rk.Fields {
			ef := EventField{Name: f.Name, Type: f.Type, Enum: f.Enum, Doc: f.LabelEn}
			switch {
			case f.Type == csperf.TRef:
				ef.Type = csperf.TString
			case f.Type == csperf.TEnum && numericCodes(f.Enum):
				ef.Type = csperf.TInt
			}
			k.fields = append(k.fields, ef)
		}
		for _, f := range m.supplied {
			if i := slices.IndexFunc(k.fields, func(g EventField) bool { return g.Name == f.Name }); i < 0 {
				k.fields = append(k.fields, f)
			}
		}
		k.fields = append(k.fields, derivedFields[m.kind]...)
		out[m.kind] = k
	}
	return out
})

func numericCodes(codes []string) bool {
	for _, c := range codes {
		if _, err := strconv.ParseInt(c, 10, 64); err != nil {
			return false
		}
	}
	return len(codes) > 0
}

// EventKinds returns the names of the event kinds, in the order of SPEC §3.
func EventKinds() []string {
	var out []string
	for _, k := range kindOrder {
		if _, ok := eventKinds()[k]; ok {
			out = append(out, k)
		}
	}
	return out
}

// EventFields returns the fields of kind, stored ones first, then derived;
// nil for an unknown kind.
func EventFields(kind string) []EventField {
	k, ok := eventKinds()[kind]
	if !ok {
		return nil
	}
	return append([]EventField(nil), k.fields...)
}

// LookupField returns the field name of kind.
func LookupField(kind, name string) (EventField, bool) {
	for _, f := range eventKinds()[kind].fields {
		if f.Name == name {
			return f, true
		}
	}
	return EventField{}, false
}

// DefaultDateField returns the field that dates an event of kind when a
// measure names none (SPEC §4: a call's queued_at, a contract's
// expiry_date, …); "" for an unknown kind.
func DefaultDateField(kind string) string { return eventKinds()[kind].date }

// EmployeeField returns the field naming the employee an event of kind is
// attributed to (a call's agent_id, a visit's advisor_id, otherwise
// employee_id); "" when the kind has none.
func EmployeeField(kind string) string { return eventKinds()[kind].employee }

// IDField returns the key field of kind.
func IDField(kind string) string { return eventKinds()[kind].id }
