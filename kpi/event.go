package kpi

import (
	"slices"
	"strconv"
	"time"

	"csperf"
)

// Event is one record of an event kind, field name → value. Values are
// string (text and enum codes), int64 (whole numbers, money in fen; int and
// csperf.Money are accepted too), bool, csperf.Date, time.Time (an
// instant; its location does not matter) or nil for an absent value. An
// empty string and a zero time.Time are absent too.
type Event map[string]any

// Params are the organisation's settings that derived fields depend on.
// A zero field takes its default (see DefaultParams).
type Params struct {
	Location              *time.Location // the organisation's time zone; nil is UTC
	ServiceLevelSeconds   int64          // answered_within_threshold; default 20
	ClassLimitHours       [3]int64       // closed_within_class_limit for class 1, 2, 3; default 24, 48, 72
	ResolutionHours       int64          // resolved_within_limit; default 48
	PrecontactDays        int64          // contacted_30d_before_expiry; default 30
	FollowUpDays          [2]int64       // followed_up_28_35_days, inclusive; default 28, 35
	QuoteDeviationPercent int64          // quote_deviation_ge_10pct; default 10
	ChurnMonths           int            // churn threshold N of SPEC §6; default 8
}

// DefaultParams returns the defaults of SPEC §4 and §6, in UTC.
func DefaultParams() Params { return Params{}.withDefaults() }

// withDefaults fills the zero fields.
func (p Params) withDefaults() Params {
	if p.Location == nil {
		p.Location = time.UTC
	}
	if p.ServiceLevelSeconds == 0 {
		p.ServiceLevelSeconds = 20
	}
	for i, h := range [3]int64{24, 48, 72} {
		if p.ClassLimitHours[i] == 0 {
			p.ClassLimitHours[i] = h
		}
	}
	if p.ResolutionHours == 0 {
		p.ResolutionHours = 48
	}
	if p.PrecontactDays == 0 {
		p.PrecontactDays = 30
	}
	if p.FollowUpDays == [2]int64{} {
		p.FollowUpDays = [2]int64{28, 35}
	}
	if p.QuoteDeviationPercent == 0 {
		p.QuoteDeviationPercent = 10
	}
	if p.ChurnMonths == 0 {
		p.ChurnMonths = 8
	}
	return p
}

// CheckEvent reports the first field of e whose value does not have its
// field's type (or, for an enum, is not one of its codes). Fields the kind
// does not know are ignored, and so are derived fields, which are computed.
func CheckEvent(kind string, e Event) error {
	k, ok := eventKinds()[kind]
	if !ok {
		return csperf.FieldErrorf("kind", "unknown event kind %q", kind)
	}
	for _, f := range k.fields {
		v, present := e[f.Name]
		if !present || v == nil || f.Derived {
			continue
		}
		if _, ok := normalize(f, v); !ok {
			return csperf.FieldErrorf(kind+"."+f.Name, "value %v (%T) is not a %s", v, v, typeName(f.Type))
		}
		if s, isStr := v.(string); isStr && (f.Type == csperf.TEnum || f.Type == csperf.TInt) && s != "" && !slices.Contains(f.Enum, s) {
			return csperf.FieldErrorf(kind+"."+f.Name, "%q is not one of %v", s, f.Enum)
		}
	}
	return nil
}

func typeName(t csperf.FieldType) string {
	switch t {
	case csperf.TInt:
		return "whole number"
	case csperf.TMoney:
		return "amount in fen"
	case csperf.TBool:
		return "bool"
	case csperf.TDate:
		return "date"
	case csperf.TTime:
		return "time"
	}
	return "string"
}

// normalize turns a raw value into the field's canonical Go type: string,
// int64, bool, csperf.Date or time.Time; nil for absent. ok is false for a
// value of the wrong type.
func normalize(f EventField, v any) (any, bool) {
	if v == nil {
		if f.Type == csperf.TBool {
			return false, true
		}
		return nil, true
	}
	switch f.Type {
	case csperf.TString, csperf.TEnum:
		s, ok := v.(string)
		if !ok {
			return nil, false
		}
		if s == "" {
			return nil, true
		}
		return s, true
	case csperf.TInt, csperf.TMoney:
		switch n := v.(type) {
		case string:
			// an enum of whole numbers keeps its codes as text in records
			if !slices.Contains(f.Enum, n) {
				return nil, false
			}
			i, err := strconv.ParseInt(n, 10, 64)
			return i, err == nil
		case int64:
			return n, true
		case int:
			return int64(n), true
		case int32:
			return int64(n), true
		case csperf.Money:
			return int64(n), true
		}
		return nil, false
	case csperf.TBool:
		b, ok := v.(bool)
		return b, ok
	case csperf.TDate:
		d, ok := v.(csperf.Date)
		return d, ok
	case csperf.TTime:
		t, ok := v.(time.Time)
		if !ok {
			return nil, false
		}
		if t.IsZero() {
			return nil, true
		}
		return t, true
	}
	return nil, false
}

// get returns the value of field name of an event of kind, derived fields
// included; nil when absent, unknown or of the wrong type.
func get(kind, name string, e Event, p Params) any {
	f, ok := LookupField(kind, name)
	if !ok {
		return nil
	}
	if f.Derived {
		return derive(kind, name, e, p)
	}
	v, ok := normalize(f, e[name])
	if !ok {
		return nil
	}
	return v
}

// The typed accessors below read stored fields for derive.
func getInt(kind, name string, e Event, p Params) (int64, bool) {
	n, ok := get(kind, name, e, p).(int64)
	return n, ok
}

func getTime(kind, name string, e Event, p Params) (time.Time, bool) {
	t, ok := get(kind, name, e, p).(time.Time)
	return t, ok
}

func getBool(kind, name string, e Event, p Params) bool {
	b, _ := get(kind, name, e, p).(bool)
	return b
}

// seconds returns b − a in whole seconds (truncated), or nil if either is
// absent.
func seconds(kind, from, to string, e Event, p Params) any {
	a, ok1 := getTime(kind, from, e, p)
	b, ok2 := getTime(kind, to, e, p)
	if !ok1 || !ok2 {
		return nil
	}
	return int64(b.Sub(a) / time.Second)
}

// localDays returns the local date of to − the local date of from in days,
// or nil if either is absent.
func localDays(kind, from, to string, e Event, p Params) any {
	a, ok1 := getTime(kind, from, e, p)
	b, ok2 := getTime(kind, to, e, p)
	if !ok1 || !ok2 {
		return nil
	}
	return int64(csperf.DateOf(b.In(p.Location)) - csperf.DateOf(a.In(p.Location)))
}

// derive computes a derived field; p must have its defaults filled.
func derive(kind, name string, e Event, p Params) any {
	switch kind + "." + name {
	case "calls.answered":
		return !getBool(kind, "abandoned", e, p)
	case "calls.answer_delay_seconds":
		if getBool(kind, "abandoned", e, p) {
			return nil
		}
		return seconds(kind, "queued_at", "answered_at", e, p)
	case "calls.answered_within_threshold":
		d, ok := derive(kind, "answer_delay_seconds", e, p).(int64)
		return ok && d <= p.ServiceLevelSeconds
	case "calls.talk_plus_hold":
		t, ok1 := getInt(kind, "talk_seconds", e, p)
		h, ok2 := getInt(kind, "hold_seconds", e, p)
		if !ok1 && !ok2 {
			return nil
		}
		return t + h
	case "complaints.close_seconds":
		return seconds(kind, "opened_at", "closed_at", e, p)
	case "complaints.closed_within_class_limit":
		s, ok := derive(kind, "close_seconds", e, p).(int64)
		c, _ := getInt(kind, "class", e, p)
		return ok && c >= 1 && c <= 3 && s <= p.ClassLimitHours[c-1]*3600
	case "service_requests.first_response_seconds":
		return seconds(kind, "opened_at", "first_response_at", e, p)
	case "service_requests.resolution_seconds":
		return seconds(kind, "opened_at", "resolved_at", e, p)
	case "service_requests.resolved_within_limit":
		s, ok := derive(kind, "resolution_seconds", e, p).(int64)
		return ok && s <= p.ResolutionHours*3600
	case "contracts.precontact_days":
		c, ok1 := getTime(kind, "contacted_at", e, p)
		x, ok2 := get(kind, "expiry_date", e, p).(csperf.Date)
		if !ok1 || !ok2 {
			return nil
		}
		return int64(x - csperf.DateOf(c.In(p.Location)))
	case "contracts.contacted_30d_before_expiry":
		n, ok := derive(kind, "precontact_days", e, p).(int64)
		return ok && n >= p.PrecontactDays
	case "orders.ship_days":
		return localDays(kind, "ordered_at", "shipped_at", e, p)
	case "orders.shipped_same_day":
		n, ok := derive(kind, "ship_days", e, p).(int64)
		return ok && n == 0
	case "orders.followup_days":
		return localDays(kind, "ordered_at", "followed_up_at", e, p)
	case "orders.followed_up_28_35_days":
		n, ok := derive(kind, "followup_days", e, p).(int64)
		return ok && p.FollowUpDays[0] <= n && n <= p.FollowUpDays[1]
	case "orders.quote_deviation_ge_10pct":
		q, ok1 := getInt(kind, "quote_price", e, p)
		f, ok2 := getInt(kind, "final_price", e, p)
		if !ok1 || !ok2 || q <= 0 {
			return false
		}
		d := f - q
		if d < 0 {
			d = -d
		}
		return d*100 >= q*p.QuoteDeviationPercent
	case "return_visits.satisfaction_score":
		s, _ := get(kind, "satisfaction", e, p).(string)
		if i := slices.Index(satisfactions, s); i >= 0 {
			return int64(5 - i)
		}
		return nil
	}
	return nil
}
