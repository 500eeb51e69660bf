package kpi

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"csperf"
)

// Direction says whether a higher or a lower value is better.
type Direction string

// Directions.
const (
	HigherBetter Direction = "higher"
	LowerBetter  Direction = "lower"
)

// Aggregation says how a Definition's measures become a value.
type Aggregation string

// Aggregations. The first four are built from measures alone; the others
// are special: the SQL store computes them with queries of their own (they
// look at histories, snapshots or imported facts rather than summing daily
// roll-ups), and Evaluate is their reference.
const (
	// Ratio: Σ Numerator / Σ over the Denominator measures (a sum of
	// several measures is allowed, e.g. the handled contacts of
	// complaint_rate).
	Ratio Aggregation = "ratio"
	// Mean: Σ Numerator.SumExpr / number of events the Numerator matches
	// (events whose SumExpr is absent do not match). No Denominator.
	Mean Aggregation = "mean"
	// CountPerPeriod: Σ Numerator / (headcount × PeriodUnits(period, Per)).
	// The headcount is 1 unless PerEmployee, in which case it is the number
	// of employees in the scope (Attribution.Headcount). No Denominator.
	CountPerPeriod Aggregation = "count_per_period"
	// Snapshot: like Ratio, but counts every record dated on or before the
	// period's last day (or not dated at all) instead of those dated in the
	// period, and attributes records to the groups of the period's last day.
	// For state rather than activity, e.g. archive_completeness.
	Snapshot Aggregation = "snapshot"
	// Fact: Σ numerator / Σ denominator of the kpi_facts rows imported for
	// this KPI's id, for exactly the requested scope (level and id; no
	// roll-up from other scopes), whose period lies inside the requested
	// period. No measures.
	Fact Aggregation = "fact"
	// RepeatCustomers: over the trailing 12 months ending on the period's
	// last day, customers with ≥ 2 contacts / customers with ≥ 1 contact,
	// where contacts are the events of the Denominator measures (visits and
	// orders) attributed to the scope, grouped by customer_id.
	RepeatCustomers Aggregation = "repeat_customers"
	// Churn: SPEC §6 monthly churn, summed over the whole months of the
	// period: customers churned in month M (last visit on or before the end
	// of M fell in month M−N; same-day visits ordered by id as strings) /
	// visits in month M−N, as package churn computes it. The Denominator has
	// one measure, of visits; a churned customer is attributed through their
	// last visit.
	Churn Aggregation = "churn"
	// PeriodChurn: of the customers active at the start of the period (an
	// activity in the N months before it), those who churn in one of the
	// period's whole months (no activity in the N months after their last)
	// / all of them, as churn.PeriodOf; both attributed through the
	// customer's last activity before the period. The Denominator measures
	// are the activities (visits and orders).
	PeriodChurn Aggregation = "period_churn"
)

var aggregations = []Aggregation{Ratio, Mean, CountPerPeriod, Snapshot, Fact, RepeatCustomers, Churn, PeriodChurn}

// Measure selects and counts or sums events of one kind.
type Measure struct {
	Kind      string `json:"kind"`                 // event kind, e.g. "calls"
	DateField string `json:"date_field,omitempty"` // the date or time that dates the event (SPEC §4); "" is the kind's default
	Filter    []Cond `json:"filter,omitempty"`     // all must hold
	Agg       string `json:"agg,omitempty"`        // "count" (the default when empty) or "sum"
	SumExpr   string `json:"sum_expr,omitempty"`   // for "sum": a numeric field, stored or derived
}

// Measure aggregations.
const (
	AggCount = "count"
	AggSum   = "sum"
)

// Cond is one condition of a filter: Field Op Value. Value is text parsed
// by the field's type: "true"/"false" for bool, a whole number for int,
// yuan for money ("12.50"), YYYY-MM-DD for a date, RFC 3339 for a time, an
// enum code for an enum. Keeping it text keeps definitions storable as JSON
// without floats.
//
// Semantics on an absent value: "is_null" holds, "not_null" does not, "!="
// holds, every other operator fails. An absent bool is false, so bools take
// only "=" and "!="; strings take "=", "!=", "is_null", "not_null".
type Cond struct {
	Field string `json:"field"`
	Op    string `json:"op"`
	Value string `json:"value,omitempty"`
}

// Condition operators.
const (
	OpEq      = "="
	OpNe      = "!="
	OpLe      = "<="
	OpGe      = ">="
	OpLt      = "<"
	OpGt      = ">"
	OpIsNull  = "is_null"
	OpNotNull = "not_null"
)

// Target is what a KPI's value should satisfy: value Op Value, with Value
// in the unit's base (a fraction for percent, seconds for time units). The
// zero Target means no target ("lower is better" only). With Baseline
// "previous_3_mean" the value is compared with the plain mean of the
// values of the 3 previous periods instead of Value (see MetBaseline).
type Target struct {
	Op       string       `json:"op,omitempty"` // "<", "<=", ">=", ">", "="
	Value    csperf.Ratio `json:"value"`
	Baseline string       `json:"baseline,omitempty"` // "" or BaselinePrevious3Mean
}

// BaselinePrevious3Mean compares a value with the plain mean of the
// values of the 3 previous periods (churn_rate, SPEC §6).
const BaselinePrevious3Mean = "previous_3_mean"

// Scope levels.
const (
	LevelEmployee   = "employee"
	LevelGroup      = "group"
	LevelDepartment = "department"
	LevelOrg        = "org"
)

var scopeLevels = []string{LevelEmployee, LevelGroup, LevelDepartment, LevelOrg}

// Definition is a KPI: the built-in ones come from Catalog, custom ones
// are built by users from the same blocks.
type Definition struct {
	ID          string      `json:"id"`
	NameZH      string      `json:"name_zh"`
	NameEN      string      `json:"name_en"`
	Formula     string      `json:"formula,omitempty"` // the formula in words, for pages and exports
	Unit        Unit        `json:"unit"`
	Direction   Direction   `json:"direction"`
	Aggregation Aggregation `json:"aggregation"`
	Numerator   Measure     `json:"numerator"`
	Denominator []Measure   `json:"denominator,omitempty"`  // summed; Ratio, Snapshot and the special aggregations
	Per         string      `json:"per,omitempty"`          // CountPerPeriod: "day", "week", "month", "quarter" or "year"
	PerEmployee bool        `json:"per_employee,omitempty"` // CountPerPeriod: also divide by the scope's headcount
	Target      Target      `json:"target"`
	Scopes      []string    `json:"scopes,omitempty"` // levels the KPI is computed for; empty is all
}

// AppliesTo reports whether d is computed for the scope level.
func (d Definition) AppliesTo(level string) bool {
	return len(d.Scopes) == 0 || slices.Contains(d.Scopes, level)
}

// Validate checks d and returns an invalid-input *csperf.Error naming the
// first faulty field (e.g. "denominator[0].filter[1].op") and why.
func (d Definition) Validate() error {
	if !validID(d.ID) {
		return csperf.FieldErrorf("id", "%q is not an id (lower-case letters, digits and _, starting with a letter)", d.ID)
	}
	if d.NameZH == "" && d.NameEN == "" {
		return csperf.FieldErrorf("name", "a KPI needs a Chinese or an English name")
	}
	if !d.Unit.Valid() {
		return csperf.FieldErrorf("unit", "unknown unit %q (want percent, seconds, minutes, hours, score or count)", d.Unit)
	}
	if d.Direction != HigherBetter && d.Direction != LowerBetter {
		return csperf.FieldErrorf("direction", "unknown direction %q (want higher or lower)", d.Direction)
	}
	for i, s := range d.Scopes {
		if !slices.Contains(scopeLevels, s) {
			return csperf.FieldErrorf(fmt.Sprintf("scopes[%d]", i), "unknown scope level %q", s)
		}
	}
	if err := d.Target.validate(); err != nil {
		return err
	}
	if err := d.validateShape(); err != nil {
		return err
	}
	switch d.Aggregation {
	case Ratio, Mean, CountPerPeriod, Snapshot:
		if err := d.Numerator.validate("numerator", d.Aggregation == Snapshot); err != nil {
			return err
		}
	default:
		if d.Numerator.Kind != "" || len(d.Numerator.Filter) > 0 || d.Numerator.Agg != "" || d.Numerator.SumExpr != "" {
			return csperf.FieldErrorf("numerator", "a %s KPI has no numerator measure", d.Aggregation)
		}
	}
	for i, m := range d.Denominator {
		if err := m.validate(fmt.Sprintf("denominator[%d]", i), d.Aggregation == Snapshot); err != nil {
			return err
		}
	}
	return nil
}

// validateShape checks which measures the aggregation needs.
func (d Definition) validateShape() error {
	if !slices.Contains(aggregations, d.Aggregation) {
		return csperf.FieldErrorf("aggregation", "unknown aggregation %q", d.Aggregation)
	}
	noDen := func() error {
		if len(d.Denominator) > 0 {
			return csperf.FieldErrorf("denominator", "a %s KPI has no denominator", d.Aggregation)
		}
		return nil
	}
	switch d.Aggregation {
	case Ratio, Snapshot:
		if len(d.Denominator) == 0 {
			return csperf.FieldErrorf("denominator", "a %s KPI needs a denominator", d.Aggregation)
		}
	case Mean:
		if d.Numerator.Agg != AggSum {
			return csperf.FieldErrorf("numerator.agg", "a mean is over a sum of a numeric field (agg \"sum\")")
		}
		return noDen()
	case CountPerPeriod:
		if _, err := bucketEnd(d.Per); err != nil {
			return csperf.FieldErrorf("per", "unknown period unit %q (want day, week, month, quarter or year)", d.Per)
		}
		return noDen()
	case Fact:
		return noDen()
	case RepeatCustomers, PeriodChurn:
		if len(d.Denominator) == 0 {
			return csperf.FieldErrorf("denominator", "%s needs the customer activity measures as denominator", d.Aggregation)
		}
		for i, m := range d.Denominator {
			if _, ok := LookupField(m.Kind, "customer_id"); !ok {
				return csperf.FieldErrorf(fmt.Sprintf("denominator[%d].kind", i), "%q events name no customer", m.Kind)
			}
		}
	case Churn:
		if len(d.Denominator) != 1 || d.Denominator[0].Kind != KindVisits {
			return csperf.FieldErrorf("denominator", "%s needs exactly one measure of visits", d.Aggregation)
		}
	}
	if d.Per != "" || d.PerEmployee {
		return csperf.FieldErrorf("per", "only a count_per_period KPI has per")
	}
	return nil
}

func validID(s string) bool {
	if s == "" || len(s) > 64 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

func (t Target) validate() error {
	if t.Op == "" && t.Value == (csperf.Ratio{}) && t.Baseline == "" {
		return nil
	}
	switch t.Op {
	case OpLt, OpLe, OpGe, OpGt, OpEq:
	default:
		return csperf.FieldErrorf("target.op", "unknown target operator %q (want <, <=, >=, > or =)", t.Op)
	}
	switch t.Baseline {
	case "":
		if t.Value.Den <= 0 {
			return csperf.FieldErrorf("target.value", "target %s has no value", t.Value)
		}
	case BaselinePrevious3Mean:
	default:
		return csperf.FieldErrorf("target.baseline", "unknown baseline %q", t.Baseline)
	}
	return nil
}

// validate checks a measure; path prefixes the field names of errors.
// undated allows a kind without dating field (a Snapshot of customers).
func (m Measure) validate(path string, undated bool) error {
	k, ok := eventKinds()[m.Kind]
	if !ok {
		return csperf.FieldErrorf(path+".kind", "unknown event kind %q", m.Kind)
	}
	if m.DateField != "" {
		f, ok := LookupField(m.Kind, m.DateField)
		if !ok || f.Derived || (f.Type != csperf.TDate && f.Type != csperf.TTime) {
			return csperf.FieldErrorf(path+".date_field", "%q is not a date or time field of %s", m.DateField, m.Kind)
		}
	} else if k.date == "" && !undated {
		return csperf.FieldErrorf(path+".date_field", "%s has no default date field", m.Kind)
	}
	for i, c := range m.Filter {
		if err := c.validate(m.Kind, fmt.Sprintf("%s.filter[%d]", path, i)); err != nil {
			return err
		}
	}
	switch m.Agg {
	case "", AggCount:
		if m.SumExpr != "" {
			return csperf.FieldErrorf(path+".sum_expr", "a count has no sum expression")
		}
	case AggSum:
		f, ok := LookupField(m.Kind, m.SumExpr)
		if !ok {
			return csperf.FieldErrorf(path+".sum_expr", "unknown field %q of %s", m.SumExpr, m.Kind)
		}
		if !f.numeric() {
			return csperf.FieldErrorf(path+".sum_expr", "cannot sum or average %q: it is not numeric", m.SumExpr)
		}
	default:
		return csperf.FieldErrorf(path+".agg", "unknown aggregation %q (want count or sum)", m.Agg)
	}
	return nil
}

// validate checks a condition on an event of kind.
func (c Cond) validate(kind, path string) error {
	f, ok := LookupField(kind, c.Field)
	if !ok {
		return csperf.FieldErrorf(path+".field", "unknown field %q of %s", c.Field, kind)
	}
	switch c.Op {
	case OpIsNull, OpNotNull:
		if f.Type == csperf.TBool {
			return csperf.FieldErrorf(path+".op", "%q is a bool: use = or !=", c.Field)
		}
		if c.Value != "" {
			return csperf.FieldErrorf(path+".value", "%s takes no value", c.Op)
		}
		return nil
	case OpEq, OpNe:
	case OpLe, OpGe, OpLt, OpGt:
		if f.Type == csperf.TBool || f.Type == csperf.TString || f.Type == csperf.TEnum {
			return csperf.FieldErrorf(path+".op", "%q cannot be compared with %s", c.Field, c.Op)
		}
	default:
		return csperf.FieldErrorf(path+".op", "unknown operator %q", c.Op)
	}
	if _, err := parseValue(f, c.Value); err != nil {
		return csperf.FieldErrorf(path+".value", "%v", err)
	}
	return nil
}

// parseValue parses a condition's text into the field's canonical type.
func parseValue(f EventField, s string) (any, error) {
	switch f.Type {
	case csperf.TString:
		if s == "" {
			return nil, fmt.Errorf("empty value for %q: use is_null", f.Name)
		}
		return s, nil
	case csperf.TEnum:
		if !slices.Contains(f.Enum, s) {
			return nil, fmt.Errorf("%q is not one of %v", s, f.Enum)
		}
		return s, nil
	case csperf.TInt:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a whole number", s)
		}
		return n, nil
	case csperf.TMoney:
		m, err := csperf.ParseMoney(s)
		if err != nil {
			return nil, err
		}
		return int64(m), nil
	case csperf.TBool:
		switch s {
		case "true", "1":
			return true, nil
		case "false", "0":
			return false, nil
		}
		return nil, fmt.Errorf("%q is not true or false", s)
	case csperf.TDate:
		return csperf.ParseDate(s)
	case csperf.TTime:
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return nil, fmt.Errorf("%q is not an RFC 3339 time", s)
		}
		return t, nil
	}
	return nil, fmt.Errorf("field %q has no comparable type", f.Name)
}
