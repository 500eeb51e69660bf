package churn

import (
	"slices"

	"csperf"
)

// Index holds the churn events and base-month visit counts of every month,
// built in one pass over visits in (customer, date, id) order. It serves a
// window of months (csperf churn --from --to) or a recomputation of the whole
// history without one query per month.
//
// The pass rests on this: a visit v in month mv makes its customer churn in
// month mv+N exactly when the customer's next visit (by date, then id) is
// after the end of mv+N, or there is none. Each visit yields at most one
// event, so the index is no larger than the visits.
type Index struct {
	n       int
	prev    Visit // the last visit added; its event waits for the next visit
	started bool
	churned map[csperf.Month][]ChurnedCustomer // in customer order, as added
	days    map[csperf.Month]map[dayKey]int64  // by the visits' own month
	visits  map[csperf.Month]int64             // by the visits' own month
}

// NewIndex returns an empty index for threshold n (months).
func NewIndex(n int) *Index {
	return &Index{
		n:       n,
		churned: make(map[csperf.Month][]ChurnedCustomer),
		days:    make(map[csperf.Month]map[dayKey]int64),
		visits:  make(map[csperf.Month]int64),
	}
}

// BuildIndex returns the index of visits, which must be sorted by customer,
// then date, then id (all compared as strings or days).
func BuildIndex(sorted []Visit, n int) (*Index, error) {
	x := NewIndex(n)
	for _, v := range sorted {
		if err := x.Add(v); err != nil {
			return nil, err
		}
	}
	return x, nil
}

// Add adds the next visit. Visits must come in (customer, date, id) order,
// customers compared as strings, so that a store can stream them from an
// ORDER BY with a binary collation; a visit out of order is an error, since
// it would silently give wrong churn.
func (x *Index) Add(v Visit) error {
	if x.started {
		p := x.prev
		if v.CustomerID < p.CustomerID || v.CustomerID == p.CustomerID && !v.After(p) {
			return csperf.Errorf(csperf.EINVALID, "visit %s of customer %s comes after visit %s of customer %s: visits must be sorted by customer, date, id",
				v.ID, v.CustomerID, p.ID, p.CustomerID)
		}
		if v.CustomerID == p.CustomerID {
			x.close(p, v.Date.Month(), true)
		} else {
			x.close(p, 0, false)
		}
	}
	mv := v.Date.Month()
	day := x.days[mv]
	if day == nil {
		day = make(map[dayKey]int64)
		x.days[mv] = day
	}
	day[dayKey{v.AdvisorID, v.Date}]++
	x.visits[mv]++
	x.prev, x.started = v, true
	return nil
}

// close records p's churn event now that the month of the customer's next
// visit is known (or that there is none).
func (x *Index) close(p Visit, next csperf.Month, hasNext bool) {
	if m, ok := x.pending(p, next, hasNext); ok {
		x.churned[m] = append(x.churned[m], churnedBy(p))
	}
}

func (x *Index) pending(p Visit, next csperf.Month, hasNext bool) (csperf.Month, bool) {
	m := p.Date.Month() + csperf.Month(x.n)
	return m, !hasNext || next > m
}

// Month returns the input of month m. The last visit added counts as having
// no next visit, so the index can be queried at any time and fed on after.
func (x *Index) Month(m csperf.Month) MonthInput {
	in := MonthInput{Month: m, Churned: slices.Clone(x.churned[m]), BaseVisits: []DayCount{}}
	if in.Churned == nil {
		in.Churned = []ChurnedCustomer{}
	}
	if x.started {
		if pm, ok := x.pending(x.prev, 0, false); ok && pm == m {
			in.Churned = append(in.Churned, churnedBy(x.prev))
		}
	}
	for k, c := range x.days[m-csperf.Month(x.n)] {
		in.BaseVisits = append(in.BaseVisits, DayCount{AdvisorID: k.advisor, Date: k.date, Visits: c})
	}
	sortInput(&in)
	return in
}

// Department returns the department figure of month m.
func (x *Index) Department(m csperf.Month) DeptFigure {
	churned := int64(len(x.churned[m]))
	if x.started {
		if pm, ok := x.pending(x.prev, 0, false); ok && pm == m {
			churned++
		}
	}
	return DeptFigure{Month: m, Churned: churned, Visits: x.visits[m-csperf.Month(x.n)]}
}

// Previous returns the department figures of the three months before m,
// nearest first, as Assess takes them.
func (x *Index) Previous(m csperf.Month) [3]DeptFigure {
	return [3]DeptFigure{x.Department(m - 1), x.Department(m - 2), x.Department(m - 3)}
}
