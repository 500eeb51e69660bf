package churn

import (
	"cmp"
	"math/big"
	"slices"

	"csperf"
)

// Membership is an employee's membership of a group from From to To, both
// inclusive; To is Open while it lasts.
type Membership struct {
	EmployeeID string
	GroupID    string
	From, To   csperf.Date
}

// Coverage says that a return-visit specialist covers an advisor, or every
// member of a group (set exactly one of AdvisorID and GroupID), from From to
// To inclusive; To is Open while it lasts.
type Coverage struct {
	SpecialistID string
	AdvisorID    string
	GroupID      string
	From, To     csperf.Date
}

// Manager is an employee and position; employees in Settings.ManagerPositions
// are assessed on the department rate, others are ignored, so that a store
// may pass every employee with a position.
type Manager struct {
	EmployeeID string
	Position   string
}

// Org is the organisation as the assessment needs it.
type Org struct {
	// Groups lists every advisor group, so that a group without visits in
	// the base month still gets its no_rate line.
	Groups []string
	// Specialists lists every return-visit specialist, so that one with no
	// coverage still gets its no_rate line. Specialists found in Coverage
	// need not be repeated here.
	Specialists []string
	Memberships []Membership
	Coverage    []Coverage
	Managers    []Manager
}

// members answers which group an employee was in on a day.
type members map[string][]Membership

func newMembers(ms []Membership) members {
	idx := make(members)
	for _, m := range ms {
		idx[m.EmployeeID] = append(idx[m.EmployeeID], m)
	}
	for _, l := range idx {
		slices.SortFunc(l, func(a, b Membership) int {
			return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(a.GroupID, b.GroupID))
		})
	}
	return idx
}

// groupAt returns the employee's group on day d, "" when none. Of
// overlapping memberships the later From (then the greater group id) wins.
func (idx members) groupAt(employee string, d csperf.Date) string {
	l := idx[employee]
	for i := len(l) - 1; i >= 0; i-- {
		if l[i].From <= d && d <= l[i].To {
			return l[i].GroupID
		}
	}
	return ""
}

// tally is churned customers and visits of one group or advisor.
type tally struct {
	churned, visits int64
}

func (t tally) ratio() csperf.Ratio { return csperf.R(t.churned, t.visits) }

type advisorTally struct {
	tally
	groups    map[string]bool
	lastDay   csperf.Date
	lastGroup string
}

type dayInfo struct {
	visits, churned int64
	group           string
}

// Assess computes the assessment of cur.Month. prev holds the department
// figures of the three months before, nearest first (cur.Month−1, −2, −3),
// computed with the same threshold (Index.Previous, or MonthInput.Department
// of each).
// It returns an invalid-input *csperf.Error when the settings cannot be
// applied or the inputs contradict each other (a churned customer's last
// visit outside the base month or missing from the visit counts), since a
// report built on them would be wrong without showing it.
func Assess(cur MonthInput, prev [3]DeptFigure, org Org, s Settings) (*Report, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	for i, p := range prev {
		if want := cur.Month - csperf.Month(i+1); p.Month != want {
			return nil, csperf.FieldErrorf("previous_months", "entry %d is %s, want %s", i, p.Month, want)
		}
	}
	if err := validateOrg(org); err != nil {
		return nil, err
	}
	base := cur.Month - csperf.Month(s.Threshold)
	first, last := base.First(), base.Last()
	mem := newMembers(org.Memberships)

	// Visits: each day count goes to the group of its advisor on that day.
	days := make(map[dayKey]*dayInfo, len(cur.BaseVisits))
	var dept tally
	groups := make(map[string]*tally)
	advisors := make(map[string]*advisorTally)
	for _, g := range org.Groups {
		if g != "" {
			groups[g] = &tally{}
		}
	}
	for _, dc := range cur.BaseVisits {
		if dc.Date < first || dc.Date > last {
			return nil, csperf.FieldErrorf("base_visits", "visits of %s on %s are outside the base month %s", dc.AdvisorID, dc.Date, base)
		}
		if dc.Visits < 0 {
			return nil, csperf.FieldErrorf("base_visits", "negative visits of %s on %s", dc.AdvisorID, dc.Date)
		}
		if dc.Visits == 0 {
			continue
		}
		k := dayKey{dc.AdvisorID, dc.Date}
		di := days[k]
		if di == nil {
			di = &dayInfo{group: mem.groupAt(dc.AdvisorID, dc.Date)}
			days[k] = di
		}
		di.visits += dc.Visits
		dept.visits += dc.Visits
		if di.group != "" {
			gt := groups[di.group]
			if gt == nil {
				gt = &tally{}
				groups[di.group] = gt
			}
			gt.visits += dc.Visits
		}
		at := advisors[dc.AdvisorID]
		if at == nil {
			at = &advisorTally{groups: make(map[string]bool)}
			advisors[dc.AdvisorID] = at
		}
		at.visits += dc.Visits
		if di.group != "" {
			at.groups[di.group] = true
		}
		if dc.Date >= at.lastDay {
			at.lastDay, at.lastGroup = dc.Date, di.group
		}
	}

	// Churned customers: each counts against the advisor and group of the
	// last visit, which must be one of the counted visits.
	churned := make([]ChurnedRow, len(cur.Churned))
	for i, c := range cur.Churned {
		if c.LastVisit < first || c.LastVisit > last {
			return nil, csperf.FieldErrorf("churned", "customer %s: last visit %s is outside the base month %s", c.CustomerID, c.LastVisit, base)
		}
		di := days[dayKey{c.AdvisorID, c.LastVisit}]
		if di == nil || di.churned == di.visits {
			return nil, csperf.FieldErrorf("churned", "customer %s: more churned customers than visits of %s on %s", c.CustomerID, c.AdvisorID, c.LastVisit)
		}
		di.churned++
		dept.churned++
		if di.group != "" {
			groups[di.group].churned++
		}
		advisors[c.AdvisorID].churned++
		churned[i] = ChurnedRow{CustomerID: c.CustomerID, LastVisit: c.LastVisit, LastVisitID: c.LastVisitID, AdvisorID: c.AdvisorID, GroupID: di.group}
	}
	// Producers return customers in order already; sorting only when they
	// did not saves most of the time of a large month.
	byCustomer := func(a, b ChurnedRow) int { return cmp.Compare(a.CustomerID, b.CustomerID) }
	if !slices.IsSortedFunc(churned, byCustomer) {
		slices.SortFunc(churned, byCustomer)
	}
	for i := 1; i < len(churned); i++ {
		if churned[i].CustomerID == churned[i-1].CustomerID {
			return nil, csperf.FieldErrorf("churned", "customer %s is listed twice", churned[i].CustomerID)
		}
	}

	r := &Report{
		Month:            cur.Month,
		Threshold:        s.Threshold,
		BaseMonth:        base,
		Department:       Figure{Churned: dept.churned, Visits: dept.visits, Rate: rateText(dept.ratio())},
		AverageKind:      s.Average,
		PreviousMonths:   make([]MonthFigure, 0, 3),
		Groups:           []GroupRow{},
		Advisors:         []AdvisorRow{},
		Specialists:      []SpecialistRow{},
		Managers:         []ManagerRow{},
		ChurnedCustomers: churned,
	}

	// The benchmark of groups and specialists. Without department visits
	// there is none, and every line below becomes no_rate.
	var avg *big.Rat
	if dept.visits > 0 {
		switch s.Average {
		case AverageDepartment:
			avg = dept.ratio().Rat()
			r.Average = ratioFraction(dept.ratio())
		case AverageGroupMean:
			var rates []csperf.Ratio
			for _, g := range sortedKeys(groups) {
				if groups[g].visits > 0 {
					rates = append(rates, groups[g].ratio())
				}
			}
			avg = mean(rates)
			r.Average = ratFraction(avg)
		}
	}

	for _, g := range sortedKeys(groups) {
		t := *groups[g]
		row := GroupRow{GroupID: g, Churned: t.churned, Visits: t.visits, Rate: rateText(t.ratio())}
		if t.visits > 0 && avg != nil {
			row.Comparison, row.Result, row.Amount = judge(t.ratio().Rat().Cmp(avg), s.GroupAmount, false)
		} else {
			row.Result = ResultNoRate
		}
		r.Groups = append(r.Groups, row)
	}

	for _, a := range sortedKeys(advisors) {
		t := advisors[a]
		gs := sortedKeys(t.groups)
		if gs == nil {
			gs = []string{}
		}
		r.Advisors = append(r.Advisors, AdvisorRow{
			EmployeeID: a, GroupID: t.lastGroup, Groups: gs,
			Churned: t.churned, Visits: t.visits, Rate: rateText(t.ratio()),
		})
	}

	r.Specialists = specialists(cur.Month.Last(), org, mem, advisors, avg, s)

	// Managers: the department rate against the mean of the three months
	// before, all four of which must have a rate.
	prevRates := make([]csperf.Ratio, 0, 3)
	for _, p := range prev {
		r.PreviousMonths = append(r.PreviousMonths, MonthFigure{Month: p.Month, Churned: p.Churned, Visits: p.Visits, Rate: rateText(p.Ratio())})
		if p.Visits > 0 {
			prevRates = append(prevRates, p.Ratio())
		}
	}
	var prevMean *big.Rat
	if len(prevRates) == 3 {
		prevMean = mean(prevRates)
		r.PreviousMean = ratFraction(prevMean)
	}
	r.Managers = managers(org.Managers, dept, prevMean, s)
	return r, nil
}

func specialists(day csperf.Date, org Org, mem members, advisors map[string]*advisorTally, avg *big.Rat, s Settings) []SpecialistRow {
	covered := make(map[string]map[string]bool)
	add := func(sp, adv string) {
		if covered[sp] == nil {
			covered[sp] = make(map[string]bool)
		}
		if adv != "" {
			covered[sp][adv] = true
		}
	}
	for _, sp := range org.Specialists {
		add(sp, "")
	}
	var groupMembers map[string][]string // built only when a group is covered
	for _, c := range org.Coverage {
		if c.From > day || day > c.To {
			continue
		}
		add(c.SpecialistID, c.AdvisorID)
		if c.GroupID == "" {
			continue
		}
		if groupMembers == nil {
			groupMembers = make(map[string][]string)
			for e := range mem {
				if g := mem.groupAt(e, day); g != "" {
					groupMembers[g] = append(groupMembers[g], e)
				}
			}
		}
		for _, e := range groupMembers[c.GroupID] {
			add(c.SpecialistID, e)
		}
	}
	rows := []SpecialistRow{}
	for _, sp := range sortedKeys(covered) {
		row := SpecialistRow{EmployeeID: sp, Advisors: sortedKeys(covered[sp]), RatedAdvisors: []string{}}
		if row.Advisors == nil {
			row.Advisors = []string{}
		}
		var rates []csperf.Ratio
		for _, a := range row.Advisors {
			if t := advisors[a]; t != nil && t.visits > 0 {
				row.RatedAdvisors = append(row.RatedAdvisors, a)
				rates = append(rates, t.ratio())
			}
		}
		m := mean(rates)
		row.Mean = ratFraction(m)
		if m != nil {
			p := percent(m)
			row.MeanRate = &p
		}
		if m != nil && avg != nil {
			row.Comparison, row.Result, row.Amount = judge(m.Cmp(avg), s.SpecialistAmount, false)
		} else {
			row.Result = ResultNoRate
		}
		rows = append(rows, row)
	}
	return rows
}

func managers(ms []Manager, dept tally, prevMean *big.Rat, s Settings) []ManagerRow {
	positions := s.ManagerPositions
	if len(positions) == 0 {
		positions = DefaultSettings().ManagerPositions
	}
	rows := []ManagerRow{}
	for _, m := range ms {
		if !slices.Contains(positions, m.Position) {
			continue
		}
		row := ManagerRow{EmployeeID: m.EmployeeID, Position: m.Position}
		if dept.visits > 0 && prevMean != nil {
			row.Comparison, row.Result, row.Amount = judge(dept.ratio().Rat().Cmp(prevMean), s.ManagerAmount, true)
		} else {
			row.Result = ResultNoRate
		}
		rows = append(rows, row)
	}
	slices.SortFunc(rows, func(a, b ManagerRow) int {
		return cmp.Or(cmp.Compare(a.EmployeeID, b.EmployeeID), cmp.Compare(a.Position, b.Position))
	})
	return slices.CompactFunc(rows, func(a, b ManagerRow) bool {
		return a.EmployeeID == b.EmployeeID && a.Position == b.Position
	})
}

// judge turns a comparison with the benchmark into a line: lower churn is
// better. equalRewards is the managers' rule (≤ is rewarded); elsewhere
// equality is even.
func judge(c int, amount csperf.Money, equalRewards bool) (comparison, result string, a Amount) {
	switch {
	case c < 0 || c == 0 && equalRewards:
		return compareText(c), ResultReward, Amount(amount)
	case c > 0:
		return compareText(c), ResultPenalty, Amount(-amount)
	}
	return compareText(c), ResultEven, 0
}

// mean returns the plain mean of valid ratios exactly, nil for none.
func mean(rs []csperf.Ratio) *big.Rat {
	if len(rs) == 0 {
		return nil
	}
	sum := new(big.Rat)
	for _, r := range rs {
		sum.Add(sum, r.Rat())
	}
	return sum.Quo(sum, big.NewRat(int64(len(rs)), 1))
}

func sortedKeys[V any](m map[string]V) []string {
	if len(m) == 0 {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func validateOrg(org Org) error {
	for _, m := range org.Memberships {
		if m.EmployeeID == "" || m.GroupID == "" {
			return csperf.FieldErrorf("memberships", "a membership needs an employee and a group")
		}
		if m.From > m.To {
			return csperf.FieldErrorf("memberships", "membership of %s in %s ends (%s) before it starts (%s)", m.EmployeeID, m.GroupID, m.To, m.From)
		}
	}
	for _, c := range org.Coverage {
		if c.SpecialistID == "" || (c.AdvisorID == "") == (c.GroupID == "") {
			return csperf.FieldErrorf("coverage", "a coverage needs a specialist and exactly one of an advisor and a group")
		}
		if c.From > c.To {
			return csperf.FieldErrorf("coverage", "coverage of %s by %s ends (%s) before it starts (%s)", c.AdvisorID+c.GroupID, c.SpecialistID, c.To, c.From)
		}
	}
	return nil
}
