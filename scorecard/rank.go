package scorecard

import (
	"cmp"
	"fmt"
	"math/big"
	"slices"

	"csperf"
)

// Annual is one employee's result of an annual cycle, as promotion and
// raises read it: one per employee and year (the store passes the latest
// closed annual cycle's when an employee was in several).
type Annual struct {
	Year       int     `json:"year"`
	CycleID    string  `json:"cycle_id"`
	EmployeeID string  `json:"employee_id"`
	Name       string  `json:"name"`
	Position   string  `json:"position"`
	GroupID    string  `json:"group_id,omitempty"`
	Score      *Number `json:"score"` // nil: no score
	Grade      string  `json:"grade"`
}

// Promotion is an employee rated excellent in two consecutive annual
// cycles (seed 002: 连续两个年度绩效评估为优秀的员工, 优先获得晋升机会).
type Promotion struct {
	EmployeeID string `json:"employee_id"`
	Name       string `json:"name"`
	Position   string `json:"position"`
	GroupID    string `json:"group_id,omitempty"`
	// Years are the two consecutive years, the later last; when an
	// employee has more than two excellent years in a row, the latest two.
	Years  [2]int    `json:"years"`
	Cycles [2]string `json:"cycles"`
	Scores [2]Number `json:"scores"`
}

// Promotions lists the employees graded excellent (the grade code
// GradeExcellent) in the annual cycles of two consecutive calendar years,
// by employee id. It refuses two results of one employee in one year.
func Promotions(as []Annual) ([]Promotion, error) {
	type key struct {
		emp  string
		year int
	}
	byKey := map[key]Annual{}
	for _, a := range as {
		k := key{a.EmployeeID, a.Year}
		if _, dup := byKey[k]; dup {
			return nil, csperf.Errorf(csperf.EINVALID, "employee %s has two annual results for %d", a.EmployeeID, a.Year)
		}
		byKey[k] = a
	}
	best := map[string]Promotion{}
	for k, a := range byKey {
		prev, ok := byKey[key{k.emp, k.year - 1}]
		if !ok || a.Grade != GradeExcellent || prev.Grade != GradeExcellent || a.Score == nil || prev.Score == nil {
			continue
		}
		if p, ok := best[k.emp]; ok && p.Years[1] > k.year {
			continue
		}
		best[k.emp] = Promotion{EmployeeID: a.EmployeeID, Name: a.Name, Position: a.Position, GroupID: a.GroupID,
			Years: [2]int{prev.Year, a.Year}, Cycles: [2]string{prev.CycleID, a.CycleID}, Scores: [2]Number{*prev.Score, *a.Score}}
	}
	out := make([]Promotion, 0, len(best))
	for _, p := range best {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b Promotion) int { return cmp.Compare(a.EmployeeID, b.EmployeeID) })
	return out, nil
}

// Raise is one line of the raise ranking (调薪): an employee's annual
// score ranked within their position, its quartile and suggested raise.
type Raise struct {
	Position   string `json:"position"`
	EmployeeID string `json:"employee_id"`
	Name       string `json:"name"`
	GroupID    string `json:"group_id,omitempty"`
	Score      Number `json:"score"`
	Grade      string `json:"grade"`
	// Rank is 1 + the number of the position's employees with a higher
	// score (equal scores share a rank); Of is the position's headcount.
	Rank int `json:"rank"`
	Of   int `json:"of"`
	// Quartile is 1 (top) to 4: ⌊4 × (Rank − 1) / Of⌋ + 1, i.e. by the
	// share of the position ranked above the employee: under 25% → 1,
	// under 50% → 2, under 75% → 3, else 4. Equal scores share a quartile.
	Quartile int    `json:"quartile"`
	Raise    Number `json:"raise"` // suggested raise, percent (Settings.RaiseBands)
	Rule     string `json:"rule"`
}

// Raises ranks the annual results of one year within each position (by
// position, then rank, then employee id). Employees without score are left
// out: they are listed as missing by the cycle.
func Raises(as []Annual, s Settings) []Raise {
	byPos := map[string][]Annual{}
	for _, a := range as {
		if a.Score != nil {
			byPos[a.Position] = append(byPos[a.Position], a)
		}
	}
	positions := make([]string, 0, len(byPos))
	for p := range byPos {
		positions = append(positions, p)
	}
	slices.Sort(positions)
	var out []Raise
	for _, p := range positions {
		list := byPos[p]
		slices.SortFunc(list, func(a, b Annual) int {
			if c := b.Score.Cmp(*a.Score); c != 0 {
				return c
			}
			return cmp.Compare(a.EmployeeID, b.EmployeeID)
		})
		n := len(list)
		rank := 0
		for i, a := range list {
			if i == 0 || a.Score.Cmp(*list[i-1].Score) != 0 {
				rank = i + 1
			}
			q := 4*(rank-1)/n + 1
			above := new(big.Rat).SetFrac64(int64(rank-1), int64(n))
			out = append(out, Raise{Position: p, EmployeeID: a.EmployeeID, Name: a.Name, GroupID: a.GroupID,
				Score: *a.Score, Grade: a.Grade, Rank: rank, Of: n, Quartile: q, Raise: s.RaiseBands[q-1],
				Rule: fmt.Sprintf("rank %d of %d: %s%% ranked above → quartile %d → %s%%", rank, n,
					trimZeros(csperf.FormatRat(mul(above, rat(100)), 2)), q, trimZeros(s.RaiseBands[q-1].String()))})
		}
	}
	return out
}
