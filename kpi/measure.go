package kpi

import (
	"time"

	"csperf"
)

// DatingDate returns the local calendar day that attributes e to a period
// under m: the value of m.DateField (or the kind's default), a date as it
// is, a time converted to loc (nil is UTC). ok is false when the event has
// no such date; such an event counts in no period.
func DatingDate(m Measure, e Event, loc *time.Location) (d csperf.Date, ok bool) {
	field := m.DateField
	if field == "" {
		field = DefaultDateField(m.Kind)
	}
	if loc == nil {
		loc = time.UTC
	}
	switch v := get(m.Kind, field, e, Params{}).(type) {
	case csperf.Date:
		return v, true
	case time.Time:
		return csperf.DateOf(v.In(loc)), true
	}
	return 0, false
}

// Match reports whether e (an event of m.Kind) passes m's filter and, for a
// sum, has a value to sum. It does not look at the date or the scope.
// Conditions are assumed valid (Definition.Validate); an invalid one fails.
func Match(m Measure, e Event, p Params) bool {
	p = p.withDefaults()
	for _, c := range m.Filter {
		if !c.holds(m.Kind, e, p) {
			return false
		}
	}
	if m.Agg == AggSum {
		_, ok := get(m.Kind, m.SumExpr, e, p).(int64)
		return ok
	}
	return true
}

// Contribution returns what a matching e adds to m: 1 for a count, the
// value of SumExpr for a sum (seconds for time fields, fen for money).
func Contribution(m Measure, e Event, p Params) int64 {
	if m.Agg != AggSum {
		return 1
	}
	n, _ := get(m.Kind, m.SumExpr, e, p.withDefaults()).(int64)
	return n
}

// holds evaluates one condition; p has its defaults.
func (c Cond) holds(kind string, e Event, p Params) bool {
	f, ok := LookupField(kind, c.Field)
	if !ok {
		return false
	}
	v := get(kind, c.Field, e, p)
	switch c.Op {
	case OpIsNull:
		return v == nil
	case OpNotNull:
		return v != nil
	}
	want, err := parseValue(f, c.Value)
	if err != nil {
		return false
	}
	if v == nil {
		return c.Op == OpNe
	}
	cmp, ok := compare(v, want)
	if !ok {
		return false
	}
	switch c.Op {
	case OpEq:
		return cmp == 0
	case OpNe:
		return cmp != 0
	case OpLt:
		return cmp < 0
	case OpLe:
		return cmp <= 0
	case OpGt:
		return cmp > 0
	case OpGe:
		return cmp >= 0
	}
	return false
}

// compare orders two canonical values of the same type; ok is false for
// values of different types. Strings and bools compare only for equality
// (ordering between them is arbitrary but unused).
func compare(a, b any) (int, bool) {
	switch x := a.(type) {
	case int64:
		y, ok := b.(int64)
		return cmp3(x < y, x > y), ok
	case csperf.Date:
		y, ok := b.(csperf.Date)
		return cmp3(x < y, x > y), ok
	case time.Time:
		y, ok := b.(time.Time)
		return x.Compare(y), ok
	case string:
		y, ok := b.(string)
		return cmp3(x < y, x > y), ok
	case bool:
		y, ok := b.(bool)
		return cmp3(!x && y, x && !y), ok
	}
	return 0, false
}

func cmp3(less, greater bool) int {
	switch {
	case less:
		return -1
	case greater:
		return 1
	}
	return 0
}
