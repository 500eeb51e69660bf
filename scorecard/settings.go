package scorecard

import (
	"fmt"
	"math/big"

	"csperf"
)

// Missing-input rules.
const (
	// MissingRenormalise leaves a missing input's weight out and spreads it
	// over the inputs that are there: a missing source of an item is left
	// out of that item's source weights; an item with no input at all is
	// left out of the template's item weights. An employee with no input
	// at all has no score.
	MissingRenormalise = "renormalise"
	// MissingZero scores a missing input 0 points, weights unchanged.
	MissingZero = "zero"
)

// Grade codes, best first.
const (
	GradeExcellent   = "excellent"   // 优秀
	GradeGood        = "good"        // 良好
	GradeQualified   = "qualified"   // 合格
	GradeUnqualified = "unqualified" // 不合格
)

// Grade is one band of the grade scale: a score of at least Min points
// (exactly; a score on the threshold takes this, the higher, grade) earns
// the grade and its bonus coefficient. The last grade has no Min.
type Grade struct {
	Code        string  `json:"code"`
	NameZH      string  `json:"name_zh"`
	NameEN      string  `json:"name_en"`
	Min         *Number `json:"min,omitempty"`
	Coefficient Number  `json:"coefficient"`
}

// Settings are a cycle's rules beyond its templates; a cycle keeps a copy
// of them taken when it is created, so that later edits never change it.
type Settings struct {
	Missing string  `json:"missing"` // MissingRenormalise or MissingZero
	Grades  []Grade `json:"grades"`  // best first
	// RaiseBands is the suggested raise, in percent, of each quartile of
	// the raise ranking: [0] for the top quartile … [3] for the bottom.
	RaiseBands [4]Number `json:"raise_bands"`
	// NewHireMonths: employees hired less than this many months before a
	// cycle's end are new hires for the training-needs report (SPEC §10).
	NewHireMonths int `json:"new_hire_months"`
	// WeakPoints: an item scored below this is weak, for the training-needs
	// report.
	WeakPoints Number `json:"weak_points"`
	// CommonShare: an item is a common weakness of a group when at least
	// this share (percent) of the group's scored employees are weak in it.
	CommonShare Number `json:"common_share"`
}

// DefaultSettings returns the seed 002 defaults: renormalise missing
// inputs; excellent ≥ 90 (×1.5), good ≥ 80 (×1.2), qualified ≥ 60 (×1.0),
// unqualified (×0.8); raises 8 / 5 / 3 / 0 percent by quartile; new hires
// under 6 months; weak below 60 points; common when a third of a group is
// weak.
func DefaultSettings() Settings {
	m := func(n int64) *Number { x := Int(n); return &x }
	return Settings{
		Missing: MissingRenormalise,
		Grades: []Grade{
			{Code: GradeExcellent, NameZH: "优秀", NameEN: "Excellent", Min: m(90), Coefficient: N(3, 2)},
			{Code: GradeGood, NameZH: "良好", NameEN: "Good", Min: m(80), Coefficient: N(6, 5)},
			{Code: GradeQualified, NameZH: "合格", NameEN: "Qualified", Min: m(60), Coefficient: Int(1)},
			{Code: GradeUnqualified, NameZH: "不合格", NameEN: "Unqualified", Coefficient: N(4, 5)},
		},
		RaiseBands:    [4]Number{Int(8), Int(5), Int(3), Int(0)},
		NewHireMonths: 6,
		WeakPoints:    Int(60),
		CommonShare:   N(100, 3),
	}
}

// Validate checks the settings.
func (s Settings) Validate() error {
	if s.Missing != MissingRenormalise && s.Missing != MissingZero {
		return csperf.FieldErrorf("missing", "unknown missing-input rule %q (want renormalise or zero)", s.Missing)
	}
	if len(s.Grades) < 2 {
		return csperf.FieldErrorf("grades", "a grade scale needs at least two grades")
	}
	for i, g := range s.Grades {
		path := fmt.Sprintf("grades[%d]", i)
		if g.Code == "" {
			return csperf.FieldErrorf(path+".code", "a grade needs a code")
		}
		last := i == len(s.Grades)-1
		switch {
		case last && g.Min != nil:
			return csperf.FieldErrorf(path+".min", "the lowest grade %s takes every score below the others: it has no minimum", g.Code)
		case !last && g.Min == nil:
			return csperf.FieldErrorf(path+".min", "grade %s needs a minimum score", g.Code)
		case !last && (g.Min.Sign() < 0 || g.Min.Cmp(Int(100)) > 0):
			return csperf.FieldErrorf(path+".min", "grade %s's minimum %s is outside 0–100", g.Code, g.Min.Exact())
		case !last && i > 0 && g.Min.Cmp(*s.Grades[i-1].Min) >= 0:
			return csperf.FieldErrorf(path+".min", "grade %s's minimum %s is not below %s's %s", g.Code, g.Min.Exact(), s.Grades[i-1].Code, s.Grades[i-1].Min.Exact())
		}
		if g.Coefficient.Sign() < 0 {
			return csperf.FieldErrorf(path+".coefficient", "grade %s has a negative coefficient", g.Code)
		}
		for _, o := range s.Grades[:i] {
			if o.Code == g.Code {
				return csperf.FieldErrorf(path+".code", "grade %s appears twice", g.Code)
			}
		}
	}
	for i, b := range s.RaiseBands {
		if b.r == nil || b.Sign() < 0 {
			return csperf.FieldErrorf(fmt.Sprintf("raise_bands[%d]", i), "a suggested raise must be 0 or more percent")
		}
	}
	if s.NewHireMonths < 0 || s.WeakPoints.Sign() < 0 || s.WeakPoints.Cmp(Int(100)) > 0 || s.CommonShare.Sign() < 0 || s.CommonShare.Cmp(Int(100)) > 0 {
		return csperf.FieldErrorf("training", "new-hire months, weak points (0–100) and common share (0–100%%) must be in range")
	}
	return nil
}

// GradeOf returns the grade of an exact score and the rule applied in
// words. The score is compared exactly: 89.995 is below 90 even though it
// shows as 90.00, and the rule then says so.
func (s Settings) GradeOf(score *big.Rat) (Grade, string) {
	shown := csperf.FormatRat(score, 2)
	if !isTwoDecimal(score) {
		shown += " (exactly " + score.RatString() + ")"
	}
	for i, g := range s.Grades {
		if g.Min == nil || score.Cmp(g.Min.Rat()) >= 0 {
			var rule string
			switch {
			case g.Min != nil && i > 0:
				rule = fmt.Sprintf("%s ≥ %s and < %s → %s %s", shown, trimZeros(g.Min.String()), trimZeros(s.Grades[i-1].Min.String()), g.NameZH, g.Code)
			case g.Min != nil:
				rule = fmt.Sprintf("%s ≥ %s → %s %s", shown, trimZeros(g.Min.String()), g.NameZH, g.Code)
			case i > 0:
				rule = fmt.Sprintf("%s < %s → %s %s", shown, trimZeros(s.Grades[i-1].Min.String()), g.NameZH, g.Code)
			default:
				rule = g.Code
			}
			return g, rule + ", coefficient " + trimZeros(g.Coefficient.String())
		}
	}
	return Grade{}, ""
}

// isTwoDecimal reports whether x×100 is a whole number.
func isTwoDecimal(x *big.Rat) bool {
	return mul(x, rat(100)).IsInt()
}

// Grade returns the grade of the code.
func (s Settings) Grade(code string) (Grade, bool) {
	for _, g := range s.Grades {
		if g.Code == code {
			return g, true
		}
	}
	return Grade{}, false
}
