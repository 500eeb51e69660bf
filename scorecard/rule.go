package scorecard

import (
	"fmt"
	"math/big"
	"strings"

	"csperf"
	"csperf/kpi"
)

// Rule types.
const (
	// RuleLinear: 0 points at Floor, 100 at Target, linear between and
	// capped at 0 and 100 outside. For a lower-is-better KPI the floor is
	// above the target, so the line runs the other way.
	RuleLinear = "linear"
	// RuleStep: a table of steps. Higher is better: the points of the step
	// with the greatest At the value reaches (value ≥ At); lower is better:
	// of the step with the smallest At the value stays within (value ≤ At).
	// A value no step takes scores Else.
	RuleStep = "step"
	// RuleDeduction: 100 − PerEvent × events, never below 0. The events
	// are the KPI's value (Basis "value", for a count KPI) or its numerator
	// (Basis "numerator": e.g. the complaints of complaint_rate).
	RuleDeduction = "deduction"
)

// Deduction bases.
const (
	BasisValue     = "value"
	BasisNumerator = "numerator"
)

// Rule turns a KPI's value into 0–100 points. Thresholds (Floor, Target,
// steps' At) are written in the unit the KPI is shown in — percent for a
// percent KPI ("90" is 90%), hours for an hours KPI, minutes, seconds,
// score or count — and compared exactly with the value.
type Rule struct {
	Type string `json:"type"`
	// Linear. A nil Target is the KPI's own target (its catalog or edited
	// value); a KPI without a fixed target needs one here.
	Floor  *Number `json:"floor,omitempty"`
	Target *Number `json:"target,omitempty"`
	// Step.
	Steps []Step  `json:"steps,omitempty"`
	Else  *Number `json:"else,omitempty"` // points when no step takes the value; nil is 0
	// Deduction.
	PerEvent *Number `json:"per_event,omitempty"`
	Basis    string  `json:"basis,omitempty"` // BasisValue (default) or BasisNumerator
}

// Step is one row of a step table: At in the KPI's shown unit, Points 0–100.
type Step struct {
	At     Number `json:"at"`
	Points Number `json:"points"`
}

// Linear returns a linear rule from floor to target (shown units); a nil
// target is the KPI's target.
func Linear(floor Number, target *Number) *Rule {
	return &Rule{Type: RuleLinear, Floor: &floor, Target: target}
}

// Steps returns a step rule.
func Steps(elsePoints Number, steps ...Step) *Rule {
	return &Rule{Type: RuleStep, Steps: steps, Else: &elsePoints}
}

// Deduction returns a deduction rule of perEvent points per event.
func Deduction(perEvent Number, basis string) *Rule {
	return &Rule{Type: RuleDeduction, PerEvent: &perEvent, Basis: basis}
}

// toBase converts a shown threshold of def's unit into the unit's base
// (a fraction for percent, seconds for time units).
func toBase(def kpi.Definition, x Number) *big.Rat {
	s := def.Unit.Scale()
	return quo(x.Rat(), s.Rat())
}

// showBase formats a base value in def's unit.
func showBase(def kpi.Definition, x *big.Rat) string {
	s := def.Unit.Scale()
	v := mul(x, s.Rat())
	unit := ""
	switch def.Unit {
	case kpi.Percent:
		unit = "%"
	case kpi.Seconds:
		unit = " s"
	case kpi.Minutes:
		unit = " min"
	case kpi.Hours:
		unit = " h"
	}
	return trimZeros(csperf.FormatRat(v, 4)) + unit
}

// trimZeros drops trailing zero decimals: "90.0000" → "90", "2.5000" → "2.5".
func trimZeros(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// target returns the linear rule's target in base units.
func (r *Rule) target(def kpi.Definition) (*big.Rat, bool) {
	if r.Target != nil {
		return toBase(def, *r.Target), true
	}
	t := def.Target
	if t.Op == "" || t.Baseline != "" || t.Value.Den <= 0 {
		return nil, false
	}
	return t.Value.Rat(), true
}

func (r *Rule) validate(def kpi.Definition, path string) error {
	inPoints := func(field string, x Number) error {
		if x.Sign() < 0 || x.Cmp(Int(100)) > 0 {
			return csperf.FieldErrorf(path+"."+field, "%s points is outside 0–100", x.Exact())
		}
		return nil
	}
	switch r.Type {
	case RuleLinear:
		if r.Floor == nil {
			return csperf.FieldErrorf(path+".floor", "a linear rule for %s needs a floor (0 points)", def.ID)
		}
		t, ok := r.target(def)
		if !ok {
			return csperf.FieldErrorf(path+".target", "KPI %s has no fixed target: give the rule a target (100 points)", def.ID)
		}
		f := toBase(def, *r.Floor)
		c := f.Cmp(t)
		switch {
		case c == 0:
			return csperf.FieldErrorf(path+".floor", "floor and target of %s are both %s", def.ID, showBase(def, t))
		case def.Direction == kpi.HigherBetter && c > 0:
			return csperf.FieldErrorf(path+".floor", "higher is better for %s: its floor %s must be below its target %s", def.ID, showBase(def, f), showBase(def, t))
		case def.Direction == kpi.LowerBetter && c < 0:
			return csperf.FieldErrorf(path+".floor", "lower is better for %s: its floor %s must be above its target %s", def.ID, showBase(def, f), showBase(def, t))
		}
	case RuleStep:
		if len(r.Steps) == 0 {
			return csperf.FieldErrorf(path+".steps", "a step rule needs at least one step")
		}
		for i, s := range r.Steps {
			if err := inPoints(fmt.Sprintf("steps[%d].points", i), s.Points); err != nil {
				return err
			}
			for _, o := range r.Steps[:i] {
				if o.At.Cmp(s.At) == 0 {
					return csperf.FieldErrorf(fmt.Sprintf("%s.steps[%d].at", path, i), "two steps at %s", s.At.Exact())
				}
			}
		}
		if r.Else != nil {
			if err := inPoints("else", *r.Else); err != nil {
				return err
			}
		}
	case RuleDeduction:
		if r.PerEvent == nil || r.PerEvent.Sign() <= 0 {
			return csperf.FieldErrorf(path+".per_event", "a deduction rule needs positive points per event")
		}
		if r.Basis != "" && r.Basis != BasisValue && r.Basis != BasisNumerator {
			return csperf.FieldErrorf(path+".basis", "unknown basis %q (want value or numerator)", r.Basis)
		}
	default:
		return csperf.FieldErrorf(path+".type", "unknown rule type %q (want linear, step or deduction)", r.Type)
	}
	return nil
}

// Describe returns the rule in words, thresholds in def's shown unit.
func (r *Rule) Describe(def kpi.Definition) string {
	switch r.Type {
	case RuleLinear:
		f := toBase(def, *r.Floor)
		t, _ := r.target(def)
		return fmt.Sprintf("linear: %s → 0, %s → 100 points, capped", showBase(def, f), showBase(def, t))
	case RuleStep:
		e := "0"
		if r.Else != nil {
			e = trimZeros(r.Else.String())
		}
		return "step: " + r.describeSteps(def) + ", otherwise " + e
	case RuleDeduction:
		what := "the value"
		if r.Basis == BasisNumerator {
			what = "the numerator"
		}
		return fmt.Sprintf("deduction: 100 − %s per event (%s), floor 0", trimZeros(r.PerEvent.String()), what)
	}
	return "unknown rule"
}

// Points returns the points (0–100) of value v of def under r, and how
// the rule applied, in words. v must be valid.
func (r *Rule) Points(def kpi.Definition, v kpi.Value) (*big.Rat, string) {
	x := v.Ratio().Rat()
	switch r.Type {
	case RuleLinear:
		f := toBase(def, *r.Floor)
		t, _ := r.target(def)
		raw := mul(rat(100), quo(sub(x, f), sub(t, f)))
		p := clamp(raw)
		how := fmt.Sprintf("100 × (%s − %s) / (%s − %s)", showBase(def, x), showBase(def, f), showBase(def, t), showBase(def, f))
		if p != raw {
			how += ", capped"
		}
		return p, how + " = " + NumberOf(p).String()
	case RuleStep:
		var best *Step
		for i := range r.Steps {
			s := &r.Steps[i]
			at := toBase(def, s.At)
			if def.Direction == kpi.LowerBetter {
				if x.Cmp(at) <= 0 && (best == nil || s.At.Cmp(best.At) < 0) {
					best = s
				}
			} else if x.Cmp(at) >= 0 && (best == nil || s.At.Cmp(best.At) > 0) {
				best = s
			}
		}
		if best == nil {
			p := new(big.Rat)
			if r.Else != nil {
				p = r.Else.Rat()
			}
			return p, fmt.Sprintf("%s reaches no step → %s", showBase(def, x), NumberOf(p).String())
		}
		op := "≥"
		if def.Direction == kpi.LowerBetter {
			op = "≤"
		}
		return best.Points.Rat(), fmt.Sprintf("%s %s %s → %s", showBase(def, x), op, showBase(def, toBase(def, best.At)), best.Points.String())
	case RuleDeduction:
		n := x
		if r.Basis == BasisNumerator {
			n = rat(v.Num)
		}
		p := clamp(sub(rat(100), mul(r.PerEvent.Rat(), n)))
		return p, fmt.Sprintf("100 − %s × %s = %s", trimZeros(r.PerEvent.String()), trimZeros(csperf.FormatRat(n, 4)), NumberOf(p).String())
	}
	return new(big.Rat), "unknown rule"
}

func (r *Rule) describeSteps(def kpi.Definition) string {
	op := "≥"
	if def.Direction == kpi.LowerBetter {
		op = "≤"
	}
	parts := make([]string, len(r.Steps))
	for i, s := range r.Steps {
		parts[i] = fmt.Sprintf("%s %s → %s", op, showBase(def, toBase(def, s.At)), trimZeros(s.Points.String()))
	}
	return strings.Join(parts, ", ")
}
