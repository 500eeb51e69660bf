// Package churn computes the after-sales churn-rate assessment of SPEC §6
// (seed 001, 售后客户流失率控制考核方案): which customers churn in a month, the
// department, group and advisor churn rates, and the rewards and penalties
// of advisor groups, return-visit specialists and managers. It also gives
// the plain period churn (lost ÷ customers at start) for sales teams.
//
// The package is pure: it reads no database and keeps every rate as an exact
// fraction, so that "equal to the average" means equal as fractions and the
// same inputs give the same report on every engine.
//
// # Definitions
//
// N is the threshold in months (Settings.Threshold, default 8). A customer is
// churned in month M when their last visit on or before the last day of M
// fell in calendar month M−N, the base month. Of two visits on the same day
// the one whose id is greater, compared as strings (byte order), is the
// later; numeric ids must therefore be zero-padded, and a store sorting in
// SQL must use a binary collation. Visits after the end of M never change
// M's result: a customer who came back after M still churned in M.
//
// Rates are churned ÷ visits of the base month: for the department, for a
// group g (visits whose advisor was a member of g on the visit's date,
// churned customers whose last visit was such a visit) and for an advisor
// (visits the advisor handled, churned customers whose last visit the
// advisor handled). A visit whose advisor belonged to no group on its date
// counts for the department and the advisor only.
//
// # Decisions
//
//   - Membership and coverage periods are inclusive at both ends; a period
//     that has not ended has To = Open (the largest Date), which the store
//     uses for a NULL end date. If two memberships of an employee overlap on
//     a day, the one with the later From wins (ties: the greater group id),
//     so that "left G1 on the 15th, joined G2 on the 15th" puts the 15th in G2.
//   - A specialist's advisors are those covered on the last day of the
//     assessed month M: the specialist is answerable, in M, for winning back
//     the customers of the advisors assigned to them then. Coverage of a
//     group stands for the advisors who are members of it on that day.
//   - A rate that has no value (no visits in the base month) is JSON null,
//     never "0.00%" and never "—", so that readers cannot mistake it for a
//     number; pages show null as "—".
//   - An advisor has one row carrying the advisor rate (the rate a
//     specialist's mean uses), with group_id the group of the advisor's
//     latest base-month visit day and groups every group the advisor handled
//     base-month visits in, so that a move between groups stays visible.
package churn

import (
	"cmp"
	"math"
	"slices"

	"csperf"
)

// Open is the To of a membership or coverage that has not ended. It is the
// largest Date, so that "From ≤ d ≤ To" needs no special case.
const Open csperf.Date = math.MaxInt32

// Kinds of department average (Settings.Average).
const (
	// AverageDepartment is the department rate, churned ÷ visits: the
	// visit-weighted average of the groups.
	AverageDepartment = "department"
	// AverageGroupMean is the plain mean of the rates of the groups that
	// had visits in the base month.
	AverageGroupMean = "group_mean"
)

// Positions assessed on the department rate (SPEC §1 position codes).
const (
	PositionWorkshopSupervisor = "workshop_supervisor" // 车间主管
	PositionGoldenBowTie       = "golden_bow_tie"      // 金领结
	PositionServiceManager     = "service_manager"     // 服务经理
)

// Settings are an organisation's churn-assessment rules.
type Settings struct {
	Threshold        int          // N, months without a visit before a customer is churned
	GroupAmount      csperf.Money // reward or penalty of an advisor group
	SpecialistAmount csperf.Money // reward or penalty of a return-visit specialist
	ManagerAmount    csperf.Money // reward or penalty of each manager
	Average          string       // AverageDepartment or AverageGroupMean
	ManagerPositions []string     // positions assessed on the department rate; empty: the three of seed 001
}

// DefaultSettings returns the rules of seed 001: 8 months, ¥200 for groups
// and managers, ¥100 for specialists, the department rate as average.
func DefaultSettings() Settings {
	return Settings{
		Threshold:        8,
		GroupAmount:      20000,
		SpecialistAmount: 10000,
		ManagerAmount:    20000,
		Average:          AverageDepartment,
		ManagerPositions: []string{PositionWorkshopSupervisor, PositionGoldenBowTie, PositionServiceManager},
	}
}

// Validate reports settings that cannot be applied.
func (s Settings) Validate() error {
	if s.Threshold < 1 || s.Threshold > 120 {
		return csperf.FieldErrorf("threshold", "must be between 1 and 120 months, not %d", s.Threshold)
	}
	if s.Average != AverageDepartment && s.Average != AverageGroupMean {
		return csperf.FieldErrorf("average", "must be %q or %q, not %q", AverageDepartment, AverageGroupMean, s.Average)
	}
	for _, a := range []csperf.Money{s.GroupAmount, s.SpecialistAmount, s.ManagerAmount} {
		if a < 0 {
			return csperf.FieldErrorf("amount", "must not be negative (%s)", a)
		}
	}
	return nil
}

// Visit is one visit (repair order, 台次) as churn needs it.
type Visit struct {
	ID         string
	CustomerID string
	AdvisorID  string
	Date       csperf.Date
}

// After reports whether v is later than w: a later day, or the same day and
// a greater id compared as strings.
func (v Visit) After(w Visit) bool {
	return v.Date > w.Date || v.Date == w.Date && v.ID > w.ID
}

// ChurnedCustomer is a customer churned in a month, with the last visit that
// decides which advisor and group the churn counts against.
type ChurnedCustomer struct {
	CustomerID  string
	LastVisitID string
	LastVisit   csperf.Date
	AdvisorID   string
}

// DayCount is the number of visits an advisor handled on one day of the base
// month. Counting per day rather than per month is what lets a visit belong
// to the group its advisor was in on that day.
type DayCount struct {
	AdvisorID string
	Date      csperf.Date
	Visits    int64
}

// MonthInput is what the assessment of one month needs from the visits: the
// customers churned in Month and the base month's visits per advisor and day.
// A store fills it with two aggregate queries; FromVisits is its definition.
// Churned customers are best given in customer order (byte order), as every
// producer in this package returns them: any order is accepted, at the cost
// of a sort.
type MonthInput struct {
	Month      csperf.Month
	Churned    []ChurnedCustomer
	BaseVisits []DayCount
}

// Department returns the department figure of in.
func (in MonthInput) Department() DeptFigure {
	var visits int64
	for _, d := range in.BaseVisits {
		visits += d.Visits
	}
	return DeptFigure{Month: in.Month, Churned: int64(len(in.Churned)), Visits: visits}
}

// DeptFigure is the department churn of a month: customers churned in Month
// and visits of its base month. The managers' line compares a month with
// the three before it, of which only these figures are needed.
type DeptFigure struct {
	Month   csperf.Month
	Churned int64
	Visits  int64
}

// Ratio returns churned ÷ visits; it has no value when there were no visits.
func (d DeptFigure) Ratio() csperf.Ratio { return csperf.R(d.Churned, d.Visits) }

type dayKey struct {
	advisor string
	date    csperf.Date
}

// FromVisits computes the input of month m with threshold n straight from
// raw visits in any order. It is the reference definition that faster paths
// (SQL aggregates, Index) are tested against. Visits after the end of m are
// ignored, so that a later return never changes m's result.
func FromVisits(visits []Visit, m csperf.Month, n int) MonthInput {
	base := m - csperf.Month(n)
	first, last, end := base.First(), base.Last(), m.Last()
	latest := make(map[string]Visit)
	counts := make(map[dayKey]int64)
	for _, v := range visits {
		if v.Date > end {
			continue
		}
		if p, ok := latest[v.CustomerID]; !ok || v.After(p) {
			latest[v.CustomerID] = v
		}
		if first <= v.Date && v.Date <= last {
			counts[dayKey{v.AdvisorID, v.Date}]++
		}
	}
	in := MonthInput{Month: m, Churned: []ChurnedCustomer{}, BaseVisits: []DayCount{}}
	for _, v := range latest {
		if first <= v.Date && v.Date <= last {
			in.Churned = append(in.Churned, churnedBy(v))
		}
	}
	for k, c := range counts {
		in.BaseVisits = append(in.BaseVisits, DayCount{AdvisorID: k.advisor, Date: k.date, Visits: c})
	}
	sortInput(&in)
	return in
}

func churnedBy(v Visit) ChurnedCustomer {
	return ChurnedCustomer{CustomerID: v.CustomerID, LastVisitID: v.ID, LastVisit: v.Date, AdvisorID: v.AdvisorID}
}

// sortInput puts churned customers in customer order and day counts in
// (advisor, day) order, the order every producer of a MonthInput returns.
func sortInput(in *MonthInput) {
	slices.SortFunc(in.Churned, func(a, b ChurnedCustomer) int { return cmp.Compare(a.CustomerID, b.CustomerID) })
	slices.SortFunc(in.BaseVisits, func(a, b DayCount) int {
		return cmp.Or(cmp.Compare(a.AdvisorID, b.AdvisorID), cmp.Compare(a.Date, b.Date))
	})
}
