package scorecard

import (
	"cmp"
	"math/big"
	"slices"
	"time"

	"csperf"
)

// Training tracks of the needs report (seed 002: 对新入职员工，重点进行基础服务
// 流程和沟通技巧培训；对老员工，针对其服务短板进行专项培训).
const (
	TrackBasic    = "basic"    // new hire: basic service process and communication skills
	TrackTargeted = "targeted" // targeted training on the employee's weak items
	TrackNone     = "none"     // no weak item
)

// TrainingPoints returns the points training needs judge an item by: for
// a KPI item, the KPI's own points (the rule applied to the employee's
// value — what was measured, not how the employee or the supervisor rated
// it), nil when the KPI had no value; for a rated item, its points.
func TrainingPoints(it ItemResult) *Number {
	if it.Kind != ItemKPI {
		return it.Points
	}
	for _, p := range it.Parts {
		if p.Source == SourceCustomer && !p.Missing {
			return p.Points
		}
	}
	return nil
}

// WeakItem is an item an employee scored below the weak mark in.
type WeakItem struct {
	Item   string `json:"item"`
	NameZH string `json:"name_zh"`
	NameEN string `json:"name_en"`
	KPI    string `json:"kpi,omitempty"`
	Points Number `json:"points"`
}

// Need is one employee's training need.
type Need struct {
	EmployeeID string       `json:"employee_id"`
	Name       string       `json:"name"`
	Position   string       `json:"position"`
	GroupID    string       `json:"group_id,omitempty"`
	HireDate   *csperf.Date `json:"hire_date,omitempty"`
	NewHire    bool         `json:"new_hire"`
	Track      string       `json:"track"`
	// Weakest are the items below the weak mark, weakest first, at most
	// three (ties by item order in the template).
	Weakest []WeakItem `json:"weakest"`
}

// CommonWeakness is an item that many of a group's employees are weak in.
type CommonWeakness struct {
	Item   string `json:"item"`
	NameZH string `json:"name_zh"`
	NameEN string `json:"name_en"`
	KPI    string `json:"kpi,omitempty"`
	Weak   int    `json:"weak"`   // employees below the weak mark
	Judged int    `json:"judged"` // employees with points in the item
	Share  Number `json:"share"`  // Weak / Judged, percent
	Mean   Number `json:"mean"`   // mean points of the judged
}

// GroupNeeds are a group's common weaknesses, most shared first.
type GroupNeeds struct {
	GroupID string           `json:"group_id"`
	Common  []CommonWeakness `json:"common"`
}

// NeedsReport is the training-needs report of one cycle (SPEC §10).
type NeedsReport struct {
	CycleID    string       `json:"cycle_id"`
	Period     string       `json:"period"`
	WeakPoints Number       `json:"weak_points"`
	Groups     []GroupNeeds `json:"groups"`
	Employees  []Need       `json:"employees"`
}

// TrainingNeeds builds the training-needs report of a computation under
// its settings: an item is weak below Settings.WeakPoints; it is a common
// weakness of a group when the weak are at least Settings.CommonShare
// percent of the group's employees judged in it; employees hired less than
// Settings.NewHireMonths months before the cycle's last day are new hires
// and take the basic track.
func TrainingNeeds(c *Computation) NeedsReport {
	s := c.Setup.Settings
	rep := NeedsReport{CycleID: c.CycleID, Period: c.Setup.Period.String(), WeakPoints: s.WeakPoints, Groups: []GroupNeeds{}, Employees: []Need{}}
	end := c.Setup.Period.End
	type agg struct {
		item     ItemResult
		weak, of int
		sum      *big.Rat
		order    int
	}
	groups := map[string]map[string]*agg{}
	for _, r := range c.Results {
		n := Need{EmployeeID: r.ID, Name: r.Name, Position: r.Position, GroupID: r.GroupID, HireDate: r.HireDate, Weakest: []WeakItem{}}
		if r.HireDate != nil {
			limit := csperf.DateOf(r.HireDate.Time(time.UTC).AddDate(0, s.NewHireMonths, 0))
			n.NewHire = limit > end
		}
		g := groups[r.GroupID]
		if g == nil {
			g = map[string]*agg{}
			groups[r.GroupID] = g
		}
		var weak []WeakItem
		for i, it := range r.Items {
			p := TrainingPoints(it)
			if p == nil {
				continue
			}
			a := g[it.Item]
			if a == nil {
				a = &agg{item: it, sum: new(big.Rat), order: i}
				g[it.Item] = a
			}
			a.of++
			a.sum.Add(a.sum, p.Rat())
			if p.Cmp(s.WeakPoints) < 0 {
				a.weak++
				weak = append(weak, WeakItem{Item: it.Item, NameZH: it.NameZH, NameEN: it.NameEN, KPI: it.KPI, Points: *p})
			}
		}
		slices.SortStableFunc(weak, func(a, b WeakItem) int { return a.Points.Cmp(b.Points) })
		if len(weak) > 3 {
			weak = weak[:3]
		}
		n.Weakest = append(n.Weakest, weak...)
		switch {
		case n.NewHire:
			n.Track = TrackBasic
		case len(weak) > 0:
			n.Track = TrackTargeted
		default:
			n.Track = TrackNone
		}
		rep.Employees = append(rep.Employees, n)
	}
	ids := make([]string, 0, len(groups))
	for id := range groups {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		gn := GroupNeeds{GroupID: id, Common: []CommonWeakness{}}
		var list []*agg
		for _, a := range groups[id] {
			list = append(list, a)
		}
		slices.SortFunc(list, func(a, b *agg) int {
			return cmp.Or(cmp.Compare(a.item.Item, b.item.Item), cmp.Compare(a.order, b.order))
		})
		for _, a := range list {
			share := quo(mul(rat(int64(a.weak)), rat(100)), rat(int64(a.of)))
			if a.weak == 0 || share.Cmp(s.CommonShare.Rat()) < 0 {
				continue
			}
			gn.Common = append(gn.Common, CommonWeakness{Item: a.item.Item, NameZH: a.item.NameZH, NameEN: a.item.NameEN, KPI: a.item.KPI,
				Weak: a.weak, Judged: a.of, Share: NumberOf(share), Mean: NumberOf(quo(a.sum, rat(int64(a.of))))})
		}
		slices.SortStableFunc(gn.Common, func(a, b CommonWeakness) int { return b.Share.Cmp(a.Share) })
		rep.Groups = append(rep.Groups, gn)
	}
	return rep
}

// Training modes and plan horizons.
const (
	ModeOnline  = "online"
	ModeOffline = "offline"
)

// TrainingPlan is a course given to participants (SPEC §10): what, how,
// when, by whom, and the items (KPI or rated item ids) it aims to improve.
type TrainingPlan struct {
	ID           string                `json:"plan_id"`
	Course       string                `json:"course"`
	Content      string                `json:"content,omitempty"`
	Mode         string                `json:"mode"` // ModeOnline or ModeOffline
	Trainer      string                `json:"trainer,omitempty"`
	Starts       csperf.Date           `json:"starts_on"`
	Ends         csperf.Date           `json:"ends_on"`
	Horizon      string                `json:"horizon"` // annual, quarterly or monthly plan
	Targets      []string              `json:"targets"` // KPI ids or item ids
	Participants []TrainingParticipant `json:"participants"`
}

// TrainingParticipant is one participant with their exam and practical
// (实际操作考核) scores, nil until recorded.
type TrainingParticipant struct {
	EmployeeID string  `json:"employee_id"`
	Exam       *Number `json:"exam,omitempty"`
	Practical  *Number `json:"practical,omitempty"`
}

// Validate checks a plan.
func (p *TrainingPlan) Validate() error {
	switch {
	case p.ID == "" || len(p.ID) > 64:
		return csperf.FieldErrorf("plan_id", "a plan needs an id of at most 64 characters")
	case p.Course == "":
		return csperf.FieldErrorf("course", "name the course")
	case p.Mode != ModeOnline && p.Mode != ModeOffline:
		return csperf.FieldErrorf("mode", "mode is online or offline, not %q", p.Mode)
	case p.Horizon != KindAnnual && p.Horizon != KindQuarterly && p.Horizon != KindMonthly:
		return csperf.FieldErrorf("horizon", "a plan is annual, quarterly or monthly, not %q", p.Horizon)
	case p.Ends < p.Starts:
		return csperf.FieldErrorf("ends_on", "the course ends before it starts")
	}
	for _, pt := range p.Participants {
		for _, x := range []*Number{pt.Exam, pt.Practical} {
			if x != nil && (x.Sign() < 0 || x.Cmp(Int(100)) > 0) {
				return csperf.FieldErrorf("score", "%s's score %s is outside 0–100", pt.EmployeeID, x.Exact())
			}
		}
	}
	return nil
}

// EffectLine is one participant's points on one target in the cycle
// before the course and in the cycle after it.
type EffectLine struct {
	EmployeeID  string  `json:"employee_id"`
	Target      string  `json:"target"`
	CycleBefore string  `json:"cycle_before,omitempty"`
	CycleAfter  string  `json:"cycle_after,omitempty"`
	Before      *Number `json:"before"`
	After       *Number `json:"after"`
	Change      *Number `json:"change"` // after − before; nil when either is missing
	Exam        *Number `json:"exam,omitempty"`
	Practical   *Number `json:"practical,omitempty"`
}

// TargetEffect sums one target over the participants with both figures.
type TargetEffect struct {
	Target     string  `json:"target"`
	Compared   int     `json:"compared"`
	MeanBefore *Number `json:"mean_before"`
	MeanAfter  *Number `json:"mean_after"`
	MeanChange *Number `json:"mean_change"`
}

// CourseEffect is the effect of one course (SPEC §10).
type CourseEffect struct {
	PlanID        string         `json:"plan_id"`
	Course        string         `json:"course"`
	Lines         []EffectLine   `json:"lines"`
	Targets       []TargetEffect `json:"targets"`
	MeanExam      *Number        `json:"mean_exam"`
	MeanPractical *Number        `json:"mean_practical"`
}

// Effect compares each participant's points on the plan's targets (an item
// id, or a KPI id matching a KPI item; points as TrainingPoints) in their
// result before the course with their result after it. before and after
// map employee ids to the result and the cycle id it comes from.
func Effect(p *TrainingPlan, before, after map[string]CycleResult) CourseEffect {
	ce := CourseEffect{PlanID: p.ID, Course: p.Course, Lines: []EffectLine{}, Targets: []TargetEffect{}}
	find := func(r *Result, target string) *Number {
		if r == nil {
			return nil
		}
		for _, it := range r.Items {
			if it.Item == target || it.KPI == target {
				return TrainingPoints(it)
			}
		}
		return nil
	}
	type sums struct {
		n          int
		b, a, diff *big.Rat
	}
	per := map[string]*sums{}
	exam, prac := new(big.Rat), new(big.Rat)
	ne, np := 0, 0
	for _, pt := range p.Participants {
		if pt.Exam != nil {
			exam.Add(exam, pt.Exam.Rat())
			ne++
		}
		if pt.Practical != nil {
			prac.Add(prac, pt.Practical.Rat())
			np++
		}
		b, a := before[pt.EmployeeID], after[pt.EmployeeID]
		for _, t := range p.Targets {
			l := EffectLine{EmployeeID: pt.EmployeeID, Target: t, CycleBefore: b.CycleID, CycleAfter: a.CycleID,
				Before: find(b.Result, t), After: find(a.Result, t), Exam: pt.Exam, Practical: pt.Practical}
			if l.Before != nil && l.After != nil {
				d := NumberOf(sub(l.After.Rat(), l.Before.Rat()))
				l.Change = &d
				s := per[t]
				if s == nil {
					s = &sums{b: new(big.Rat), a: new(big.Rat), diff: new(big.Rat)}
					per[t] = s
				}
				s.n++
				s.b.Add(s.b, l.Before.Rat())
				s.a.Add(s.a, l.After.Rat())
				s.diff.Add(s.diff, d.Rat())
			}
			ce.Lines = append(ce.Lines, l)
		}
	}
	for _, t := range p.Targets {
		te := TargetEffect{Target: t}
		if s := per[t]; s != nil {
			n := rat(int64(s.n))
			mb, ma, md := NumberOf(quo(s.b, n)), NumberOf(quo(s.a, n)), NumberOf(quo(s.diff, n))
			te.Compared, te.MeanBefore, te.MeanAfter, te.MeanChange = s.n, &mb, &ma, &md
		}
		ce.Targets = append(ce.Targets, te)
	}
	if ne > 0 {
		m := NumberOf(quo(exam, rat(int64(ne))))
		ce.MeanExam = &m
	}
	if np > 0 {
		m := NumberOf(quo(prac, rat(int64(np))))
		ce.MeanPractical = &m
	}
	return ce
}

// CycleResult is a result with the cycle it comes from.
type CycleResult struct {
	CycleID string
	Result  *Result
}
