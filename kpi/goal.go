package kpi

import (
	"math/big"
	"strings"
	"time"

	"csperf"
)

// Goal is a SMART goal (SPEC §5, seed 003): a KPI for one scope, a target,
// a start and a deadline, an owner, the baseline measured when the goal was
// set (现状分析), and the measures (措施) that are to get there.
type Goal struct {
	ID      int64  `json:"id"`
	Title   string `json:"title"`
	KPI     string `json:"kpi"`
	Scope   string `json:"scope"`    // level
	ScopeID string `json:"scope_id"` // "" for org
	// Target is the goal's own target in the KPI's base unit (a fraction
	// for percent, seconds for time), compared exactly; TargetText shows it.
	Target     Target      `json:"target"`
	TargetText string      `json:"target_text"`
	Start      csperf.Date `json:"start"`
	Deadline   csperf.Date `json:"deadline"`
	Owner      string      `json:"owner"` // employee id
	// Baseline is the KPI's value over BaselinePeriod, measured when the
	// goal was created.
	BaselinePeriod Period       `json:"baseline_period"`
	Baseline       Value        `json:"baseline"`
	Notes          string       `json:"notes,omitempty"`
	Actions        []GoalAction `json:"actions"`
	CreatedAt      time.Time    `json:"created_at"`
	CreatedBy      string       `json:"created_by"`
}

// GoalAction is one measure (措施) of a goal: what is done, by whom, by when.
type GoalAction struct {
	Seq         int          `json:"seq"`
	Description string       `json:"description"`
	Responsible string       `json:"responsible"` // employee id
	Due         csperf.Date  `json:"due"`
	Done        *csperf.Date `json:"done,omitempty"`
}

// GoalFilter selects goals.
type GoalFilter struct {
	Owner   string
	KPI     string
	Scope   string
	ScopeID string
	// ActiveOn keeps goals whose start..deadline holds the day.
	ActiveOn *csperf.Date
}

// Goal statuses (see Track).
const (
	GoalNotStarted = "not_started"
	GoalOnTrack    = "on_track"
	GoalAtRisk     = "at_risk"
	GoalMissed     = "missed"
	GoalAchieved   = "achieved"
)

// GoalProgress is a goal as tracked on a day.
type GoalProgress struct {
	Goal
	AsOf csperf.Date `json:"as_of"`
	// Window is what Actual covers: from the start to the day before AsOf,
	// or to the deadline once it has passed. Empty before the start.
	Window Period `json:"window"`
	Actual Value  `json:"actual"`
	Status string `json:"status"`
	// Achievement is how far Actual has come, exactly (see Track), shown
	// with one decimal ("63.5%") and as a reduced fraction ("127/200").
	Achievement      string `json:"achievement"`
	AchievementExact string `json:"achievement_exact,omitempty"`
	// Expected is where the linear path from baseline to target stands
	// at the end of the window, when there is such a path.
	Expected       string `json:"expected,omitempty"`
	Points         []Row  `json:"points"` // the KPI month by month (week by week for goals of up to 2 months) against the goal's target
	OverdueActions int    `json:"overdue_actions"`
}

// Validate checks what a goal can be checked for on its own: the KPI
// definition it is set on is def.
func (g Goal) Validate(def Definition) error {
	if strings.TrimSpace(g.Title) == "" {
		return csperf.FieldErrorf("title", "a goal needs a title")
	}
	if !def.AppliesTo(g.Scope) {
		return csperf.FieldErrorf("scope", "%s is not computed for a %s", def.ID, g.Scope)
	}
	if err := (Scope{Level: g.Scope, ID: g.ScopeID}).validate(); err != nil {
		return err
	}
	switch g.Target.Op {
	case OpLt, OpLe, OpGe, OpGt, OpEq:
	default:
		return csperf.FieldErrorf("target", "unknown target operator %q", g.Target.Op)
	}
	if g.Target.Baseline != "" || g.Target.Value.Den <= 0 {
		return csperf.FieldErrorf("target", "a goal needs a target value")
	}
	if g.Deadline < g.Start {
		return csperf.FieldErrorf("deadline", "the deadline %s is before the start %s", g.Deadline, g.Start)
	}
	if g.Owner == "" {
		return csperf.FieldErrorf("owner", "a goal needs an owner")
	}
	for i, a := range g.Actions {
		if strings.TrimSpace(a.Description) == "" || a.Responsible == "" || a.Due == 0 {
			return csperf.FieldErrorf("actions", "measure %d needs a description, a responsible person and a due date", i+1)
		}
	}
	return nil
}

// WithTarget returns def judged by the goal's target instead of its own.
func (g Goal) WithTarget(def Definition) Definition {
	def.Target = g.Target
	return def
}

// Window returns the days a goal's actual value covers on asOf: the start
// to the day before asOf (whole days only), or to the deadline once it has
// passed; ok is false before any day has passed.
func (g Goal) Window(asOf csperf.Date) (Period, bool) {
	end := min(asOf-1, g.Deadline)
	if end < g.Start {
		return Period{}, false
	}
	return Period{Start: g.Start, End: end}, true
}

// Track judges a goal on asOf from the actual value over its window
// (Goal.Window). The rule:
//   - not_started: no whole day has passed since the start;
//   - after the deadline: achieved when the actual value meets the goal's
//     target (exactly), missed otherwise (and when there is no value);
//   - before: on_track when the actual value meets the target already,
//     or when it is at least as good as the expected value — the straight
//     line from the baseline on the first day to the target on the
//     deadline, at the share of the goal's days that have passed; at_risk
//     otherwise, and when there is no value yet. Without a baseline (or
//     one equal to the target) there is no line: only meeting the target
//     is on track.
//
// Achievement is (actual − baseline) / (target − baseline) with a baseline
// that differs from the target — the share of the way covered, which can
// be negative or exceed 1 — else actual / target for a higher-is-better
// KPI and target / actual for a lower-is-better one; nil when it cannot be
// computed. Expected is nil when there is no line.
func Track(def Definition, g Goal, actual Value, asOf csperf.Date) (status string, achievement, expected *big.Rat) {
	w, started := g.Window(asOf)
	if !started {
		return GoalNotStarted, nil, nil
	}
	gd := g.WithTarget(def)
	target := g.Target.Value.Rat()
	var base *big.Rat
	if g.Baseline.Valid {
		if b := g.Baseline.Ratio().Rat(); b.Cmp(target) != 0 {
			base = b
		}
	}
	if actual.Valid {
		a := actual.Ratio().Rat()
		switch {
		case base != nil:
			achievement = new(big.Rat).Quo(new(big.Rat).Sub(a, base), new(big.Rat).Sub(target, base))
		case def.Direction == HigherBetter && target.Sign() != 0:
			achievement = new(big.Rat).Quo(a, target)
		case def.Direction == LowerBetter && a.Sign() != 0:
			achievement = new(big.Rat).Quo(target, a)
		}
	}
	if base != nil {
		share := big.NewRat(int64(w.Days()), int64(g.Deadline-g.Start)+1)
		expected = new(big.Rat).Add(base, new(big.Rat).Mul(new(big.Rat).Sub(target, base), share))
	}
	met := Met(gd, actual)
	if asOf > g.Deadline {
		if met != nil && *met {
			return GoalAchieved, achievement, expected
		}
		return GoalMissed, achievement, expected
	}
	switch {
	case !actual.Valid:
		return GoalAtRisk, achievement, expected
	case met != nil && *met:
		return GoalOnTrack, achievement, expected
	case expected != nil && !Worse(def, actual.Ratio().Rat(), expected):
		return GoalOnTrack, achievement, expected
	}
	return GoalAtRisk, achievement, expected
}

// Progress assembles a goal's progress on asOf from the actual value over
// its window and the KPI's points, judged against the goal's target.
func Progress(def Definition, g Goal, actual Value, points []Row, asOf csperf.Date) GoalProgress {
	gp := GoalProgress{Goal: g, AsOf: asOf, Actual: actual, Points: points, Achievement: "—"}
	gp.Window, _ = g.Window(asOf)
	var ach, exp *big.Rat
	gp.Status, ach, exp = Track(def, g, actual, asOf)
	if ach != nil {
		gp.Achievement = csperf.FormatRat(new(big.Rat).Mul(ach, big.NewRat(100, 1)), 1) + "%"
		gp.AchievementExact = ach.RatString()
	}
	if exp != nil {
		gp.Expected = FormatRat(def.Unit, exp)
	}
	gd := g.WithTarget(def)
	for i := range gp.Points {
		p := &gp.Points[i]
		p.Target = TargetText(gd, nil)
		p.Met = Met(gd, Value{Num: p.Numerator, Den: p.Denominator, Valid: p.Denominator > 0})
	}
	for _, a := range g.Actions {
		if a.Done == nil && a.Due < asOf {
			gp.OverdueActions++
		}
	}
	if gp.Actual.Display == "" {
		gp.Actual.Display = display(def, actual)
	}
	return gp
}

// ParseTarget reads a target typed in the KPI's shown unit ("92", "92%",
// "4.5", "540" seconds, "24" hours) into the base unit, exactly.
func ParseTarget(u Unit, s string) (csperf.Ratio, error) {
	t := strings.TrimSpace(s)
	for _, suf := range []string{"%", "pp", "s", "min", "h"} {
		t = strings.TrimSpace(strings.TrimSuffix(t, suf))
	}
	x, ok := new(big.Rat).SetString(t)
	if !ok || strings.ContainsAny(t, "/eE") {
		return csperf.Ratio{}, csperf.FieldErrorf("target", "%q is not a number", s)
	}
	x.Quo(x, u.Scale().Rat())
	r, err := reduce(x)
	if err != nil {
		return csperf.Ratio{}, csperf.FieldErrorf("target", "%q is out of range", s)
	}
	return r, nil
}
