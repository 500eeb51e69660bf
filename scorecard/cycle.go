package scorecard

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"slices"

	"csperf"
	"csperf/kpi"
)

// Cycle kinds (SPEC §7): monthly for quick feedback, quarterly for stage
// reviews, annual for the comprehensive assessment that bonus, promotion
// and raises rest on.
const (
	KindMonthly   = "monthly"
	KindQuarterly = "quarterly"
	KindAnnual    = "annual"
)

// Cycle states, in order: open → ratings collected → computed → reviewed
// (signed off by a second user: the results take effect) → closed (inputs
// and results frozen).
const (
	StateOpen     = "open"
	StateRated    = "rated"
	StateComputed = "computed"
	StateReviewed = "reviewed"
	StateClosed   = "closed"
)

// Scope levels of a cycle.
const (
	ScopeDepartment = "department"
	ScopeGroup      = "group"
)

// CycleSpec is what a new cycle is made of.
type CycleSpec struct {
	ID         string   `json:"id,omitempty"`        // "": PERIOD-SCOPEID, e.g. 2015-Q3-G1
	Name       string   `json:"name,omitempty"`      // "": made from the kind, period and scope
	Kind       string   `json:"kind"`                // KindMonthly, KindQuarterly or KindAnnual
	Period     string   `json:"period"`              // 2015-09, 2015-Q3, 2015
	ScopeLevel string   `json:"scope_level"`         // ScopeDepartment or ScopeGroup
	ScopeID    string   `json:"scope_id"`            //
	Templates  []string `json:"templates,omitempty"` // template ids; empty: every template
}

// PeriodFor parses the period of a cycle of kind: a month "2015-09" for a
// monthly cycle, a quarter "2015-Q3" for a quarterly one, a year "2015"
// for an annual one.
func PeriodFor(kind, label string) (kpi.Period, error) {
	p, err := kpi.ParsePeriod(label)
	if err != nil {
		return p, err
	}
	first, last, whole := p.Months()
	ok := false
	switch kind {
	case KindMonthly:
		ok = whole && first == last
	case KindQuarterly:
		ok = whole && first.Year() == last.Year() && (first.Month()-1)%3 == 0 && last == first+2
	case KindAnnual:
		ok = whole && first.Year() == last.Year() && first.Month() == 1 && last.Month() == 12
	default:
		return p, csperf.FieldErrorf("kind", "unknown cycle kind %q (want monthly, quarterly or annual)", kind)
	}
	if !ok {
		return p, csperf.FieldErrorf("period", "%q is not the period of a %s cycle (want 2015-09, 2015-Q3 or 2015)", label, kind)
	}
	return p, nil
}

// Setup is what a cycle is computed with, fixed when it is created: its
// kind, period and scope, the settings, the templates and the definitions
// of the KPIs they read (targets included), so that later edits of
// settings, templates or targets never change the cycle.
type Setup struct {
	Kind       string           `json:"kind"`
	Period     kpi.Period       `json:"period"`
	ScopeLevel string           `json:"scope_level"` // ScopeDepartment or ScopeGroup
	ScopeID    string           `json:"scope_id"`
	Settings   Settings         `json:"settings"`
	Templates  []Template       `json:"templates"`
	KPIs       []kpi.Definition `json:"kpis"`
}

// Catalog returns the KPIs of the setup by id.
func (s *Setup) Catalog() Catalog {
	c := Catalog{}
	for _, d := range s.KPIs {
		c[d.ID] = d
	}
	return c
}

// Validate checks the setup.
func (s *Setup) Validate() error {
	label := s.Period.String()
	if _, err := PeriodFor(s.Kind, label); err != nil {
		return err
	}
	if s.ScopeLevel != ScopeDepartment && s.ScopeLevel != ScopeGroup {
		return csperf.FieldErrorf("scope", "a cycle is for a department or a group, not %q", s.ScopeLevel)
	}
	if s.ScopeID == "" {
		return csperf.FieldErrorf("scope", "name the %s", s.ScopeLevel)
	}
	if err := s.Settings.Validate(); err != nil {
		return err
	}
	if len(s.Templates) == 0 {
		return csperf.FieldErrorf("templates", "a cycle needs at least one template")
	}
	return ValidateSet(s.Templates, s.Catalog())
}

// NewSetup returns the setup of a cycle with the templates and the KPI
// definitions (from c) they read.
func NewSetup(kind, period, level, id string, st Settings, ts []Template, c Catalog) (*Setup, error) {
	p, err := PeriodFor(kind, period)
	if err != nil {
		return nil, err
	}
	if err := ValidateSet(ts, c); err != nil {
		return nil, err
	}
	s := &Setup{Kind: kind, Period: p, ScopeLevel: level, ScopeID: id, Settings: st, Templates: ts}
	var ids []string
	for i := range ts {
		for _, k := range ts[i].KPIs() {
			if !slices.Contains(ids, k) {
				ids = append(ids, k)
			}
		}
	}
	slices.Sort(ids)
	for _, k := range ids {
		s.KPIs = append(s.KPIs, c[k])
	}
	return s, s.Validate()
}

// KPIIDs returns the ids of the KPIs the setup reads, sorted.
func (s *Setup) KPIIDs() []string {
	out := make([]string, len(s.KPIs))
	for i, d := range s.KPIs {
		out[i] = d.ID
	}
	return out
}

// TemplateFor returns the template of an employee's position, or nil.
func (s *Setup) TemplateFor(position string) *Template { return ForPosition(s.Templates, position) }

// Computation is a cycle's whole result: what it was computed with and
// every employee's result. Its canonical JSON (Canonical) is what is
// stored and hashed; the same inputs give the same bytes.
type Computation struct {
	CycleID    string     `json:"cycle_id"`
	Setup      *Setup     `json:"setup"`
	Results    []Result   `json:"results"`     // by employee id
	NoTemplate []Employee `json:"no_template"` // members whose position has no template
	Summary    Summary    `json:"summary"`
}

// Summary counts a computation's results.
type Summary struct {
	Employees   int            `json:"employees"`
	Scored      int            `json:"scored"`
	ByGrade     map[string]int `json:"by_grade"`
	WithMissing int            `json:"with_missing_inputs"`
	BonusBase   csperf.Money   `json:"bonus_base_total"`
	Bonus       csperf.Money   `json:"bonus_total"`
	Mean        *Number        `json:"mean_score"`
}

// Compute scores every input under its position's template. Inputs are
// sorted by employee id, so their order does not matter; an employee may
// appear once.
func Compute(cycleID string, s *Setup, inputs []Input) (*Computation, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	in := slices.Clone(inputs)
	slices.SortFunc(in, func(a, b Input) int { return cmp.Compare(a.Employee.ID, b.Employee.ID) })
	c := &Computation{CycleID: cycleID, Setup: s, Results: []Result{}, NoTemplate: []Employee{},
		Summary: Summary{ByGrade: map[string]int{}}}
	for _, g := range s.Settings.Grades {
		c.Summary.ByGrade[g.Code] = 0
	}
	cat := s.Catalog()
	sum := new(big.Rat)
	for i, x := range in {
		if i > 0 && in[i-1].Employee.ID == x.Employee.ID {
			return nil, csperf.Errorf(csperf.EINVALID, "employee %s appears twice in the cycle's inputs", x.Employee.ID)
		}
		c.Summary.Employees++
		t := s.TemplateFor(x.Employee.Position)
		if t == nil {
			c.NoTemplate = append(c.NoTemplate, x.Employee)
			continue
		}
		r := Score(t, s.Settings, cat, x)
		if r.Score != nil {
			c.Summary.Scored++
			c.Summary.ByGrade[r.Grade]++
			sum.Add(sum, r.Score.Rat())
		}
		hasInputMissing := false
		for _, m := range r.Missing {
			if m.Input != "bonus_base" {
				hasInputMissing = true
			}
		}
		if hasInputMissing {
			c.Summary.WithMissing++
		}
		if r.BonusBase != nil {
			c.Summary.BonusBase += *r.BonusBase
		}
		if r.Bonus != nil {
			c.Summary.Bonus += *r.Bonus
		}
		c.Results = append(c.Results, r)
	}
	if c.Summary.Scored > 0 {
		m := NumberOf(quo(sum, rat(int64(c.Summary.Scored))))
		c.Summary.Mean = &m
	}
	return c, nil
}

// Canonical returns the computation's canonical JSON and its SHA-256 in
// hex. The JSON has a fixed field order, map keys sorted, no floats, no
// times and no HTML escaping.
func (c *Computation) Canonical() ([]byte, string, error) {
	b, sum, _, err := c.CanonicalParts()
	return b, sum, err
}

// CanonicalParts is Canonical that also returns each result's canonical
// JSON (MarshalCanonical of the result), which the whole embeds as it is:
// each result is encoded once.
func (c *Computation) CanonicalParts() ([]byte, string, [][]byte, error) {
	parts := make([][]byte, len(c.Results))
	raw := make([]json.RawMessage, len(c.Results))
	for i := range c.Results {
		b, err := marshal(&c.Results[i])
		if err != nil {
			return nil, "", nil, err
		}
		parts[i], raw[i] = b, b
	}
	// The same fields, in the same order, as Computation.
	b, err := marshal(struct {
		CycleID    string            `json:"cycle_id"`
		Setup      *Setup            `json:"setup"`
		Results    []json.RawMessage `json:"results"`
		NoTemplate []Employee        `json:"no_template"`
		Summary    Summary           `json:"summary"`
	}{c.CycleID, c.Setup, raw, c.NoTemplate, c.Summary})
	if err != nil {
		return nil, "", nil, err
	}
	sum := sha256.Sum256(b)
	return b, hex.EncodeToString(sum[:]), parts, nil
}

// Result returns the result of an employee.
func (c *Computation) Result(employeeID string) (*Result, bool) {
	i, ok := slices.BinarySearchFunc(c.Results, employeeID, func(r Result, id string) int { return cmp.Compare(r.ID, id) })
	if !ok {
		return nil, false
	}
	return &c.Results[i], true
}

// MarshalCanonical returns v's canonical JSON: fixed field order, map keys
// sorted, no HTML escaping, no trailing newline.
func MarshalCanonical(v any) ([]byte, error) { return marshal(v) }

// ParseComputation reads a computation back from its canonical JSON.
func ParseComputation(b []byte) (*Computation, error) {
	var c Computation
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// ParseResult reads a result back from its JSON.
func ParseResult(b []byte) (*Result, error) {
	var r Result
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

func marshal(v any) ([]byte, error) {
	var buf jsonBuffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	b := buf.b
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	return b, nil
}

type jsonBuffer struct{ b []byte }

func (j *jsonBuffer) Write(p []byte) (int, error) { j.b = append(j.b, p...); return len(p), nil }
