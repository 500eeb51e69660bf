package kpi

import (
	"math/big"
	"slices"

	"csperf"
)

// Query asks for KPI values: KPIs × a scope level (one id, or every id of
// the level) × a period, optionally split into calendar buckets.
type Query struct {
	KPIs   []string `json:"kpis,omitempty"` // ids; empty: every KPI that applies to the level
	Level  string   `json:"scope"`          // LevelEmployee, LevelGroup, LevelDepartment or LevelOrg
	ID     string   `json:"id,omitempty"`   // "": every employee, group or department (org has one)
	Period Period   `json:"period"`
	By     string   `json:"by,omitempty"` // "", or a unit of Period.Split: day, week, month, quarter, year
}

// Validate checks the level, the period and the split unit.
func (q Query) Validate() error {
	if !slices.Contains(scopeLevels, q.Level) {
		return csperf.FieldErrorf("scope", "unknown scope level %q (want employee, group, department or org)", q.Level)
	}
	if !q.Period.Valid() {
		return csperf.FieldErrorf("period", "%s ends before it starts", q.Period)
	}
	if q.By != "" {
		if _, err := bucketEnd(q.By); err != nil {
			return err
		}
	}
	return nil
}

// Buckets returns the periods q asks for: its period, or its buckets.
func (q Query) Buckets() ([]Period, error) {
	if q.By == "" {
		return []Period{q.Period}, nil
	}
	return q.Period.Split(q.By)
}

// Row is one KPI's value for one scope and one period, with its target and
// its change against the previous period. It is the JSON contract of
// `csperf kpi --format json` and of the KPI values API: the field names do
// not change.
type Row struct {
	KPI       string `json:"kpi"`
	Name      string `json:"name"`    // Chinese name
	NameEN    string `json:"name_en"` // English name
	Unit      Unit   `json:"unit"`
	Scope     string `json:"scope"`                // level
	ID        string `json:"id"`                   // employee, group or department id; "" for org
	ScopeName string `json:"scope_name,omitempty"` // the employee's, group's or department's name
	Period    Period `json:"period"`
	// Numerator and Denominator are exact integers in the unit's base
	// (seconds for time sums). A count-per-period KPI keeps the count
	// scaled as Result does. Denominator 0: no value.
	Numerator   int64  `json:"numerator"`
	Denominator int64  `json:"denominator"`
	Value       string `json:"value"`  // formatted in the unit, "—" without value
	Target      string `json:"target"` // "≥ 90.0%", "" when the KPI has none
	Met         *bool  `json:"met"`    // null: no value, no target, or no baseline
	// The previous period of the same length (Period.Previous) and the
	// change to this one.
	PreviousPeriod      Period `json:"previous_period"`
	PreviousNumerator   int64  `json:"previous_numerator"`
	PreviousDenominator int64  `json:"previous_denominator"`
	Previous            string `json:"previous"` // formatted, "—" without value
	Change              string `json:"change"`   // value − previous in the unit ("+1.5 pp" for percent), "—" if either is missing
	Trend               string `json:"trend"`    // "better", "worse", "same", or "" when either is missing
	// Note says why a KPI has no value for this scope or period when that
	// is not for lack of events (e.g. churn over part of a month).
	Note string `json:"note,omitempty"`
}

// Trends of a Row.
const (
	TrendBetter = "better"
	TrendWorse  = "worse"
	TrendSame   = "same"
)

// NewRow builds the row of def for scope s over p with value v, the
// previous period's value prev, and — for a target relative to previous
// periods — the values of the 3 periods before p (nil otherwise).
func NewRow(def Definition, s Scope, p Period, v, prev Value, previous3 []Value) Row {
	r := Row{
		KPI: def.ID, Name: def.NameZH, NameEN: def.NameEN, Unit: def.Unit,
		Scope: s.Level, ID: s.ID, Period: p,
		Numerator: v.Num, Denominator: v.Den, Value: display(def, v),
		Target:         TargetText(def, previous3),
		Met:            MetBaseline(def, v, previous3),
		PreviousPeriod: p.Previous(), PreviousNumerator: prev.Num, PreviousDenominator: prev.Den,
		Previous: display(def, prev),
	}
	r.Change, r.Trend = Change(def, v, prev)
	return r
}

func display(def Definition, v Value) string {
	if !v.Valid {
		return "—"
	}
	if v.Display != "" {
		return v.Display
	}
	return def.Unit.Format(v.Ratio())
}

var opSymbols = map[string]string{OpGe: "≥", OpLe: "≤", OpLt: "<", OpGt: ">", OpEq: "="}

// OpSymbol returns the sign shown for a target operator ("≥" for ">=").
func OpSymbol(op string) string {
	if s, ok := opSymbols[op]; ok {
		return s
	}
	return op
}

// TargetText shows def's target: "≥ 90.0%"; for a target relative to the
// 3 previous periods, "≤ 2.1% (mean of the 3 previous periods)" when
// previous3 gives that mean, else "≤ mean of the 3 previous periods"; ""
// without target.
func TargetText(def Definition, previous3 []Value) string {
	t := def.Target
	if t.Op == "" {
		return ""
	}
	sym := OpSymbol(t.Op)
	if t.Baseline == BaselinePrevious3Mean {
		if m := MeanOf(previous3); m != nil && len(previous3) == 3 {
			return sym + " " + FormatRat(def.Unit, m) + " (mean of the 3 previous periods)"
		}
		return sym + " mean of the 3 previous periods"
	}
	return sym + " " + def.Unit.Format(t.Value)
}

// MeanOf returns the plain mean of the values, or nil when there are none
// or one has no value.
func MeanOf(vs []Value) *big.Rat {
	if len(vs) == 0 {
		return nil
	}
	sum := new(big.Rat)
	for _, v := range vs {
		if !v.Valid {
			return nil
		}
		sum.Add(sum, v.Ratio().Rat())
	}
	return sum.Quo(sum, big.NewRat(int64(len(vs)), 1))
}

// FormatRat shows x (in base units) in unit u, like Unit.Format, for a
// value that is not a Ratio of int64 (a mean, a difference).
func FormatRat(u Unit, x *big.Rat) string {
	y := new(big.Rat).Mul(x, u.Scale().Rat())
	switch u {
	case Percent:
		return csperf.FormatRat(y, 1) + "%"
	case Seconds:
		return csperf.FormatRat(y, 1) + " s"
	case Minutes:
		return csperf.FormatRat(y, 1) + " min"
	case Hours:
		return csperf.FormatRat(y, 1) + " h"
	}
	return csperf.FormatRat(y, 2)
}

// Change returns v − prev shown in def's unit with its sign (percentage
// points "pp" for percent), and whether that is better, worse or the same
// by def's direction; "—" and "" when either has no value.
func Change(def Definition, v, prev Value) (string, string) {
	if !v.Valid || !prev.Valid {
		return "—", ""
	}
	d := new(big.Rat).Sub(v.Ratio().Rat(), prev.Ratio().Rat())
	s := FormatRat(def.Unit, d)
	if def.Unit == Percent {
		s = s[:len(s)-1] + " pp"
	}
	if d.Sign() > 0 {
		s = "+" + s
	}
	switch {
	case d.Sign() == 0:
		return s, TrendSame
	case (d.Sign() > 0) == (def.Direction == HigherBetter):
		return s, TrendBetter
	}
	return s, TrendWorse
}

// Worse reports whether a is worse than b by def's direction.
func Worse(def Definition, a, b *big.Rat) bool {
	c := a.Cmp(b)
	if def.Direction == HigherBetter {
		return c < 0
	}
	return c > 0
}
