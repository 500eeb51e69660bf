package churn

import (
	"cmp"
	"slices"

	"csperf"
)

// WindowTotals sums the assessment lines of several months, such as the
// trial window 2015-08 to 2015-12 of seed 001.
type WindowTotals struct {
	From        csperf.Month    `json:"from"`
	To          csperf.Month    `json:"to"`
	Months      []csperf.Month  `json:"months"`
	Groups      []GroupTotal    `json:"groups"`
	Specialists []EmployeeTotal `json:"specialists"`
	Managers    []EmployeeTotal `json:"managers"`
}

// Tally counts the results of one group or employee over the window and
// sums the amounts.
type Tally struct {
	Rewards   int    `json:"rewards"`
	Penalties int    `json:"penalties"`
	Evens     int    `json:"evens"`
	NoRates   int    `json:"no_rates"`
	Amount    Amount `json:"amount"`
}

func (t *Tally) add(result string, a Amount) {
	switch result {
	case ResultReward:
		t.Rewards++
	case ResultPenalty:
		t.Penalties++
	case ResultEven:
		t.Evens++
	default:
		t.NoRates++
	}
	t.Amount += a
}

// GroupTotal is a group's tally over the window.
type GroupTotal struct {
	GroupID string `json:"group_id"`
	Tally
}

// EmployeeTotal is a specialist's or manager's tally over the window;
// Position is set for managers, who are counted per position held.
type EmployeeTotal struct {
	EmployeeID string `json:"employee_id"`
	Position   string `json:"position,omitempty"`
	Tally
}

// Window totals the reports of several months, in any order. Two reports of
// the same month are an error, since one of them would be counted twice.
func Window(reports []*Report) (*WindowTotals, error) {
	if len(reports) == 0 {
		return nil, csperf.Errorf(csperf.EINVALID, "no monthly report to total")
	}
	rs := slices.Clone(reports)
	for _, r := range rs {
		if r == nil {
			return nil, csperf.Errorf(csperf.EINVALID, "a monthly report is missing")
		}
	}
	slices.SortFunc(rs, func(a, b *Report) int { return cmp.Compare(a.Month, b.Month) })
	w := &WindowTotals{From: rs[0].Month, To: rs[len(rs)-1].Month}
	groups := make(map[string]*GroupTotal)
	specs := make(map[string]*EmployeeTotal)
	mgrs := make(map[[2]string]*EmployeeTotal)
	for i, r := range rs {
		if i > 0 && r.Month == rs[i-1].Month {
			return nil, csperf.Errorf(csperf.EINVALID, "two reports for %s", r.Month)
		}
		w.Months = append(w.Months, r.Month)
		for _, g := range r.Groups {
			t := groups[g.GroupID]
			if t == nil {
				t = &GroupTotal{GroupID: g.GroupID}
				groups[g.GroupID] = t
			}
			t.add(g.Result, g.Amount)
		}
		for _, s := range r.Specialists {
			t := specs[s.EmployeeID]
			if t == nil {
				t = &EmployeeTotal{EmployeeID: s.EmployeeID}
				specs[s.EmployeeID] = t
			}
			t.add(s.Result, s.Amount)
		}
		for _, m := range r.Managers {
			k := [2]string{m.EmployeeID, m.Position}
			t := mgrs[k]
			if t == nil {
				t = &EmployeeTotal{EmployeeID: m.EmployeeID, Position: m.Position}
				mgrs[k] = t
			}
			t.add(m.Result, m.Amount)
		}
	}
	w.Groups = values(groups, func(a, b *GroupTotal) int { return cmp.Compare(a.GroupID, b.GroupID) })
	w.Specialists = values(specs, compareEmployee)
	w.Managers = values(mgrs, compareEmployee)
	return w, nil
}

func compareEmployee(a, b *EmployeeTotal) int {
	return cmp.Or(cmp.Compare(a.EmployeeID, b.EmployeeID), cmp.Compare(a.Position, b.Position))
}

func values[K comparable, V any](m map[K]*V, order func(a, b *V) int) []V {
	ps := make([]*V, 0, len(m))
	for _, p := range m {
		ps = append(ps, p)
	}
	slices.SortFunc(ps, order)
	out := make([]V, len(ps))
	for i, p := range ps {
		out[i] = *p
	}
	return out
}
