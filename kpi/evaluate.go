package kpi

import (
	"errors"
	"math/big"
	"slices"
	"strconv"
	"time"

	"csperf"
)

// Scope is what a KPI is computed for: an employee, a group, a department
// (by id) or the whole organisation (ID ignored).
type Scope struct {
	Level string `json:"level"` // LevelEmployee, LevelGroup, LevelDepartment or LevelOrg
	ID    string `json:"id,omitempty"`
}

func (s Scope) validate() error {
	if !slices.Contains(scopeLevels, s.Level) {
		return csperf.FieldErrorf("scope", "unknown scope level %q (want employee, group, department or org)", s.Level)
	}
	if s.Level != LevelOrg && s.ID == "" {
		return csperf.FieldErrorf("scope", "a %s scope needs an id", s.Level)
	}
	return nil
}

// Attribution is what Evaluate needs to know about the organisation: its
// settings and time zone (Params, embedded: the org zone is Location), and
// who belonged where.
type Attribution struct {
	Params
	// GroupAt returns the group employeeID belonged to on day d, "" if
	// none. Nil: every event keeps the group_id it names.
	GroupAt func(employeeID string, d csperf.Date) string
	// DepartmentOf returns the department of a group. It is also called
	// with "" for an event that names neither employee nor group (an
	// abandoned call that reached no queue): return the department that
	// owns such events, or "" so that they count at org scope only.
	DepartmentOf func(groupID string) string
	// Headcount returns the number of employees of a group, department or
	// the organisation in period p, for count-per-employee KPIs; it is
	// never asked for an employee scope (1). How to count people who moved
	// during the period is the caller's choice (the store counts those who
	// were members on any day of the period).
	Headcount func(s Scope, p Period) int64
}

// Owner is where an event is attributed: the responsible employee and the
// group and department they belonged to on the event's dating day.
type Owner struct {
	Employee   string
	Group      string
	Department string
}

// In reports whether an event with this owner counts for scope s.
func (o Owner) In(s Scope) bool {
	switch s.Level {
	case LevelEmployee:
		return o.Employee != "" && o.Employee == s.ID
	case LevelGroup:
		return o.Group != "" && o.Group == s.ID
	case LevelDepartment:
		return o.Department != "" && o.Department == s.ID
	case LevelOrg:
		return true
	}
	return false
}

// Attribute returns the owner of e (an event of kind) dated d (SPEC §4):
// the employee the kind names (EmployeeField); that employee's group on d
// (GroupAt), or the group_id the event names when it has no employee or
// the employee was in no group; and that group's department (DepartmentOf,
// also asked for ""). An abandoned call without agent thus counts for its
// queue's group if it names one, and for department and organisation.
func Attribute(kind string, e Event, d csperf.Date, a Attribution) Owner {
	p := Params{}
	var o Owner
	if f := EmployeeField(kind); f != "" {
		o.Employee, _ = get(kind, f, e, p).(string)
	}
	if o.Employee != "" && a.GroupAt != nil {
		o.Group = a.GroupAt(o.Employee, d)
	}
	if o.Group == "" {
		o.Group, _ = get(kind, "group_id", e, p).(string)
	}
	if a.DepartmentOf != nil {
		o.Department = a.DepartmentOf(o.Group)
	}
	return o
}

// Value is a KPI's value for a scope and a period: exactly Num/Den in the
// unit's base (seconds for time sums). Valid is false when the denominator
// is zero: the KPI then has no value (shown "—"), never 0.
type Value struct {
	Num     int64  `json:"numerator"`
	Den     int64  `json:"denominator"`
	Valid   bool   `json:"valid"`
	Display string `json:"display"` // formatted in the KPI's unit, "—" without value
}

// Ratio returns v as a csperf.Ratio.
func (v Value) Ratio() csperf.Ratio { return csperf.R(v.Num, v.Den) }

// Result turns the summed measures of def over a scope and a period into
// its Value. num and den are: for Ratio, Snapshot and the special
// aggregations, the numerator and the denominator; for Mean, the sum and
// the number of matching events; for CountPerPeriod, the count (den is
// ignored) and headcount the scope's number of employees (used only when
// PerEmployee). The value of a CountPerPeriod KPI is count / (headcount ×
// PeriodUnits(p, Per)), kept exact: Num = count × units.Den and Den =
// headcount × units.Num.
func Result(def Definition, num, den int64, p Period, headcount int64) (Value, error) {
	if def.Aggregation == CountPerPeriod {
		u, err := PeriodUnits(p, def.Per)
		if err != nil {
			return Value{}, err
		}
		if !def.PerEmployee {
			headcount = 1
		}
		num, den = num*u.Den, headcount*u.Num
	}
	r := csperf.R(num, den)
	return Value{Num: num, Den: den, Valid: den > 0, Display: def.Unit.Format(r)}, nil
}

// Met reports whether v meets def's target, compared exactly; nil when v
// has no value, def has no target, or the target is relative to previous
// periods (use MetBaseline).
func Met(def Definition, v Value) *bool {
	t := def.Target
	if !v.Valid || t.Op == "" || t.Baseline != "" || t.Value.Den <= 0 {
		return nil
	}
	return opHolds(t.Op, v.Ratio().Rat().Cmp(t.Value.Rat()))
}

// MetBaseline is Met for a target relative to previous periods: for
// BaselinePrevious3Mean, v compared by the target's operator with the
// plain mean of the values of the 3 previous periods (oldest or newest
// first, the mean does not care). Nil when v or any previous value has no
// value, or previous is not 3 values. For a fixed target it is Met.
func MetBaseline(def Definition, v Value, previous []Value) *bool {
	t := def.Target
	if t.Baseline != BaselinePrevious3Mean {
		return Met(def, v)
	}
	if !v.Valid || len(previous) != 3 {
		return nil
	}
	mean := new(big.Rat)
	for _, pv := range previous {
		if !pv.Valid {
			return nil
		}
		mean.Add(mean, pv.Ratio().Rat())
	}
	mean.Quo(mean, big.NewRat(3, 1))
	return opHolds(t.Op, v.Ratio().Rat().Cmp(mean))
}

func opHolds(op string, cmp int) *bool {
	var b bool
	switch op {
	case OpLt:
		b = cmp < 0
	case OpLe:
		b = cmp <= 0
	case OpGe:
		b = cmp >= 0
	case OpGt:
		b = cmp > 0
	case OpEq:
		b = cmp == 0
	default:
		return nil
	}
	return &b
}

// Evaluate computes def for scope over period p from events (kind →
// events) — the reference every other computation must match. An event
// counts when its dating day (DatingDate in the org's zone) is in p, its
// owner (Attribute) is in scope, and it matches the measure. Events of the
// kinds def reads are checked first (CheckEvent).
func Evaluate(def Definition, events map[string][]Event, scope Scope, p Period, attr Attribution) (Value, error) {
	if err := def.Validate(); err != nil {
		return Value{}, err
	}
	if err := scope.validate(); err != nil {
		return Value{}, err
	}
	if !def.AppliesTo(scope.Level) {
		return Value{}, csperf.FieldErrorf("scope", "%s is not computed for a %s", def.ID, scope.Level)
	}
	if !p.Valid() {
		return Value{}, csperf.FieldErrorf("period", "%s ends before it starts", p)
	}
	if attr.Location == nil {
		return Value{}, csperf.FieldErrorf("location", "the organisation's time zone is not set")
	}
	attr.Params = attr.Params.withDefaults()
	if err := checkEvents(def, events); err != nil {
		return Value{}, err
	}
	ev := evaluation{events: events, scope: scope, p: p, attr: attr}
	var num, den, headcount int64
	switch def.Aggregation {
	case Ratio:
		num, _ = ev.measure(def.Numerator)
		for _, m := range def.Denominator {
			s, _ := ev.measure(m)
			den += s
		}
	case Mean:
		num, den = ev.measure(def.Numerator)
	case CountPerPeriod:
		num, _ = ev.measure(def.Numerator)
		headcount = 1
		if def.PerEmployee && scope.Level != LevelEmployee {
			if attr.Headcount == nil {
				return Value{}, csperf.FieldErrorf("headcount", "%s needs the scope's headcount", def.ID)
			}
			headcount = attr.Headcount(scope, p)
		}
	case Snapshot:
		num, _ = ev.snapshot(def.Numerator)
		for _, m := range def.Denominator {
			s, _ := ev.snapshot(m)
			den += s
		}
	case Fact:
		num, den = ev.facts(def.ID)
	case RepeatCustomers:
		num, den = ev.repeat(def.Denominator)
	case Churn, PeriodChurn:
		first, last, whole := p.Months()
		if !whole {
			return Value{}, csperf.FieldErrorf("period", "%s is computed over whole months, not %s", def.ID, p)
		}
		h := ev.history(def.Denominator)
		if def.Aggregation == Churn {
			num, den = h.churn(first, last, attr.ChurnMonths)
		} else {
			num, den = h.periodChurn(first, last, attr.ChurnMonths)
		}
	}
	return Result(def, num, den, p, headcount)
}

// checkEvents checks every event of the kinds def reads.
func checkEvents(def Definition, events map[string][]Event) error {
	kinds := []string{def.Numerator.Kind}
	for _, m := range def.Denominator {
		kinds = append(kinds, m.Kind)
	}
	if def.Aggregation == Fact {
		kinds = []string{KindKPIFacts}
	}
	for _, k := range kinds {
		if k == "" {
			continue
		}
		for i, e := range events[k] {
			if err := CheckEvent(k, e); err != nil {
				var ce *csperf.Error
				if errors.As(err, &ce) {
					ce.Message = "event " + strconv.Itoa(i) + ": " + ce.Message
				}
				return err
			}
		}
	}
	return nil
}

// evaluation carries one Evaluate call's inputs.
type evaluation struct {
	events map[string][]Event
	scope  Scope
	p      Period
	attr   Attribution
}

// measure returns Σ contributions and the number of events of m dated in
// the period, owned in scope and matching.
func (ev evaluation) measure(m Measure) (sum, n int64) {
	for _, e := range ev.events[m.Kind] {
		d, ok := DatingDate(m, e, ev.attr.Location)
		if !ok || !ev.p.Contains(d) || !Attribute(m.Kind, e, d, ev.attr).In(ev.scope) || !Match(m, e, ev.attr.Params) {
			continue
		}
		sum += Contribution(m, e, ev.attr.Params)
		n++
	}
	return sum, n
}

// snapshot is measure for the Snapshot aggregation: every record dated on
// or before the period's end, or not dated, owned in scope on that day.
func (ev evaluation) snapshot(m Measure) (sum, n int64) {
	for _, e := range ev.events[m.Kind] {
		if d, ok := DatingDate(m, e, ev.attr.Location); ok && d > ev.p.End {
			continue
		}
		if !Attribute(m.Kind, e, ev.p.End, ev.attr).In(ev.scope) || !Match(m, e, ev.attr.Params) {
			continue
		}
		sum += Contribution(m, e, ev.attr.Params)
		n++
	}
	return sum, n
}

// facts sums the kpi_facts rows of kpiID for exactly the scope whose
// period lies inside the evaluation's period.
func (ev evaluation) facts(kpiID string) (num, den int64) {
	p := Params{}
	for _, e := range ev.events[KindKPIFacts] {
		id, _ := get(KindKPIFacts, "kpi_id", e, p).(string)
		level, _ := get(KindKPIFacts, "scope", e, p).(string)
		sid, _ := get(KindKPIFacts, "scope_id", e, p).(string)
		start, ok1 := get(KindKPIFacts, "period_start", e, p).(csperf.Date)
		end, ok2 := get(KindKPIFacts, "period_end", e, p).(csperf.Date)
		if id != kpiID || level != ev.scope.Level || (level != LevelOrg && sid != ev.scope.ID) ||
			!ok1 || !ok2 || start < ev.p.Start || end > ev.p.End {
			continue
		}
		n, _ := get(KindKPIFacts, "numerator", e, p).(int64)
		d, _ := get(KindKPIFacts, "denominator", e, p).(int64)
		num += n
		den += d
	}
	return num, den
}

// TrailingYear returns the 12 months ending on end: from the day after
// the same date a year earlier to end (2014-10-01..2015-09-30 for
// end 2015-09-30). RepeatCustomers counts contacts in it.
func TrailingYear(end csperf.Date) Period {
	start := csperf.DateOf(end.Time(time.UTC).AddDate(-1, 0, 0)) + 1
	return Period{Start: start, End: end}
}

// repeat counts customers with ≥ 2 and ≥ 1 contacts in the trailing year.
func (ev evaluation) repeat(contacts []Measure) (repeat, all int64) {
	w := TrailingYear(ev.p.End)
	perCustomer := map[string]int{}
	for _, m := range contacts {
		for _, e := range ev.events[m.Kind] {
			d, ok := DatingDate(m, e, ev.attr.Location)
			if !ok || !w.Contains(d) || !Attribute(m.Kind, e, d, ev.attr).In(ev.scope) || !Match(m, e, ev.attr.Params) {
				continue
			}
			if c, _ := get(m.Kind, "customer_id", e, Params{}).(string); c != "" {
				perCustomer[c]++
			}
		}
	}
	for _, n := range perCustomer {
		all++
		if n >= 2 {
			repeat++
		}
	}
	return repeat, all
}

// visit is one visit (or other activity) of a churn history.
type visit struct {
	id       string
	date     csperf.Date
	customer string
	inScope  bool
}

// later reports whether a is after b: a later date, or on the same day the
// greater visit id (SPEC §6) compared as strings, byte by byte, as package
// churn does (numeric ids must be zero-padded).
func (a visit) later(b visit) bool {
	return a.date > b.date || a.date == b.date && a.id > b.id
}

// history is every matching visit or activity of any date, with whether
// it is owned in scope.
type history struct {
	visits     []visit
	byCustomer map[string][]visit
}

func (ev evaluation) history(ms []Measure) history {
	h := history{byCustomer: map[string][]visit{}}
	for _, m := range ms {
		for _, e := range ev.events[m.Kind] {
			d, ok := DatingDate(m, e, ev.attr.Location)
			if !ok || !Match(m, e, ev.attr.Params) {
				continue
			}
			v := visit{date: d, inScope: Attribute(m.Kind, e, d, ev.attr).In(ev.scope)}
			v.id, _ = get(m.Kind, IDField(m.Kind), e, Params{}).(string)
			v.customer, _ = get(m.Kind, "customer_id", e, Params{}).(string)
			h.visits = append(h.visits, v)
			if v.customer != "" {
				h.byCustomer[v.customer] = append(h.byCustomer[v.customer], v)
			}
		}
	}
	return h
}

// lastUpTo returns a customer's last visit on or before day d.
func lastUpTo(vs []visit, d csperf.Date) (visit, bool) {
	var last visit
	found := false
	for _, v := range vs {
		if v.date <= d && (!found || v.later(last)) {
			last, found = v, true
		}
	}
	return last, found
}

// churnedIn reports whether a customer churned in month m with threshold n
// and returns the last visit that decides it.
func churnedIn(vs []visit, m csperf.Month, n int) (visit, bool) {
	last, ok := lastUpTo(vs, m.Last())
	return last, ok && last.date.Month() == m-csperf.Month(n)
}

// churn sums, over the months first..last, customers churned in the month
// (attributed by their last visit) and visits of month − n in scope.
func (h history) churn(first, last csperf.Month, n int) (churned, visits int64) {
	for m := first; m <= last; m++ {
		base := m - csperf.Month(n)
		for _, v := range h.visits {
			if v.inScope && v.date.Month() == base {
				visits++
			}
		}
		for _, vs := range h.byCustomer {
			if lv, ok := churnedIn(vs, m, n); ok && lv.inScope {
				churned++
			}
		}
	}
	return churned, visits
}

// periodChurn counts customers active at the start of first (last visit
// before it in the n months before it, attributed by that visit) and those
// of them who churn in one of the months first..last.
func (h history) periodChurn(first, last csperf.Month, n int) (lost, atStart int64) {
	for _, vs := range h.byCustomer {
		lv, ok := lastUpTo(vs, first.First()-1)
		if !ok || lv.date.Month() < first-csperf.Month(n) || !lv.inScope {
			continue
		}
		atStart++
		for m := first; m <= last; m++ {
			if _, c := churnedIn(vs, m, n); c {
				lost++
				break
			}
		}
	}
	return lost, atStart
}
