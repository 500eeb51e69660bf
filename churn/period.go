package churn

import (
	"cmp"
	"slices"

	"csperf"
)

// PeriodChurn is the plain period churn of sales teams (SPEC §6, last line,
// and the catalog's period_churn): customers lost in the period ÷ customers
// at its start. It has no value when there were no customers at the start.
func PeriodChurn(customersAtStart, lost int64) csperf.Ratio {
	return csperf.R(lost, customersAtStart)
}

// Activity is a dated sign of life of a customer: a visit or an order.
type Activity struct {
	CustomerID string
	Date       csperf.Date
}

// Period is the period churn of the months From to To with threshold N.
type Period struct {
	From      csperf.Month `json:"from"`
	To        csperf.Month `json:"to"`
	Threshold int          `json:"threshold_months"`
	AtStart   int64        `json:"customers_at_start"`
	Lost      int64        `json:"lost"`
	Rate      *string      `json:"rate"`
}

// Ratio returns lost ÷ customers at start.
func (p Period) Ratio() csperf.Ratio { return PeriodChurn(p.AtStart, p.Lost) }

// PeriodOf computes the period churn from customer activity in any order,
// with the same N-month rule as the monthly assessment so that the two
// figures agree:
//   - a customer is at the start of the period when they had an activity in
//     the N months before From (months From−N to From−1), that is, they had
//     not churned by the end of From−1;
//   - such a customer is lost when they churn in a month of the period (the
//     last activity on or before the end of some month M in From..To fell in
//     M−N). A customer who churns and returns within the period is still
//     lost once; customers first seen during the period are neither.
//
// Activity after To is ignored by construction, so a closed period keeps its
// figure.
func PeriodOf(activity []Activity, from, to csperf.Month, n int) Period {
	p := Period{From: from, To: to, Threshold: n}
	acts := slices.Clone(activity)
	slices.SortFunc(acts, func(a, b Activity) int {
		return cmp.Or(cmp.Compare(a.CustomerID, b.CustomerID), cmp.Compare(a.Date, b.Date))
	})
	startFirst, startLast := (from - csperf.Month(n)).First(), (from - 1).Last()
	for i := 0; i < len(acts); {
		j := i
		for j < len(acts) && acts[j].CustomerID == acts[i].CustomerID {
			j++
		}
		atStart, lost := false, false
		for k := i; k < j; k++ {
			d := acts[k].Date
			if startFirst <= d && d <= startLast {
				atStart = true
			}
			// Activity in month mv churns the customer in mv+N unless the
			// next activity comes by the end of mv+N.
			m := d.Month() + csperf.Month(n)
			if from <= m && m <= to && (k+1 == j || acts[k+1].Date > m.Last()) {
				lost = true
			}
		}
		if atStart {
			p.AtStart++
			if lost {
				p.Lost++
			}
		}
		i = j
	}
	p.Rate = rateText(p.Ratio())
	return p
}
