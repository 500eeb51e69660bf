package churn

import (
	"bytes"
	"encoding/json"
	"math/big"
	"strings"

	"csperf"
)

// Results of an assessment line.
const (
	ResultReward  = "reward"  // better than the benchmark: +amount
	ResultPenalty = "penalty" // worse than the benchmark: −amount
	ResultEven    = "even"    // exactly equal to the benchmark: 0
	ResultNoRate  = "no_rate" // no rate, or no benchmark to compare with: 0
)

// Report is the churn assessment of one month. Its JSON is the output of
// `csperf churn` and of the API; the rows are sorted by id so that the same
// inputs always give the same bytes. Encode it with SetEscapeHTML(false) so
// that comparisons read "<" and ">" rather than "\u003c" and "\u003e".
type Report struct {
	Month     csperf.Month `json:"month"`
	Threshold int          `json:"threshold_months"`
	BaseMonth csperf.Month `json:"base_month"`
	// Department is the whole department's figure of Month.
	Department Figure `json:"department"`
	// AverageKind is Settings.Average; Average is the benchmark of groups
	// and specialists, null when it has no value.
	AverageKind string    `json:"average_kind"`
	Average     *Fraction `json:"average"`
	// PreviousMonths are the department figures of Month−1, −2, −3 and
	// PreviousMean their plain mean, null if any of them has no rate.
	PreviousMonths   []MonthFigure   `json:"previous_months"`
	PreviousMean     *Fraction       `json:"previous_mean"`
	Groups           []GroupRow      `json:"groups"`
	Advisors         []AdvisorRow    `json:"advisors"`
	Specialists      []SpecialistRow `json:"specialists"`
	Managers         []ManagerRow    `json:"managers"`
	ChurnedCustomers []ChurnedRow    `json:"churned_customers"`
}

// Figure is churned customers over base-month visits, with the rate shown
// to two decimals (null when there were no visits).
type Figure struct {
	Churned int64   `json:"churned"`
	Visits  int64   `json:"visits"`
	Rate    *string `json:"rate"`
}

// Ratio returns the exact rate.
func (f Figure) Ratio() csperf.Ratio { return csperf.R(f.Churned, f.Visits) }

// MonthFigure is the department figure of another month.
type MonthFigure struct {
	Month   csperf.Month `json:"month"`
	Churned int64        `json:"churned"`
	Visits  int64        `json:"visits"`
	Rate    *string      `json:"rate"`
}

// GroupRow is an advisor group's line: its rate against the average.
type GroupRow struct {
	GroupID    string  `json:"group_id"`
	Churned    int64   `json:"churned"`
	Visits     int64   `json:"visits"`
	Rate       *string `json:"rate"`
	Comparison string  `json:"comparison,omitempty"` // rate vs average: "<", "=" or ">"
	Result     string  `json:"result"`
	Amount     Amount  `json:"amount"`
}

// AdvisorRow is an advisor's own rate. GroupID is the group of the advisor's
// latest base-month visit day; Groups lists every group the advisor handled
// base-month visits in (more than one when the advisor moved).
type AdvisorRow struct {
	EmployeeID string   `json:"employee_id"`
	GroupID    string   `json:"group_id"`
	Groups     []string `json:"groups"`
	Churned    int64    `json:"churned"`
	Visits     int64    `json:"visits"`
	Rate       *string  `json:"rate"`
}

// SpecialistRow is a return-visit specialist's line: the plain mean of the
// rates of the covered advisors that had visits, against the average.
type SpecialistRow struct {
	EmployeeID    string    `json:"employee_id"`
	Advisors      []string  `json:"advisors"`       // covered on the last day of the month
	RatedAdvisors []string  `json:"rated_advisors"` // those with base-month visits, in the mean
	MeanRate      *string   `json:"mean_rate"`
	Mean          *Fraction `json:"mean"`
	Comparison    string    `json:"comparison,omitempty"`
	Result        string    `json:"result"`
	Amount        Amount    `json:"amount"`
}

// ManagerRow is a manager's line: the department rate of the month against
// the mean of the three months before (reward when ≤).
type ManagerRow struct {
	EmployeeID string `json:"employee_id"`
	Position   string `json:"position"`
	Comparison string `json:"comparison,omitempty"`
	Result     string `json:"result"`
	Amount     Amount `json:"amount"`
}

// ChurnedRow is a churned customer with the last visit, advisor and group,
// so that return visits can try to win the customer back.
type ChurnedRow struct {
	CustomerID  string      `json:"customer_id"`
	LastVisit   csperf.Date `json:"last_visit"`
	LastVisitID string      `json:"last_visit_id"`
	AdvisorID   string      `json:"advisor_id"`
	GroupID     string      `json:"group_id"`
}

// Fraction is an exact rate kept as integer text, so that a mean of rates
// (whose denominator can outgrow int64) crosses JSON without loss; Rate is
// its display.
type Fraction struct {
	Num  json.Number `json:"numerator"`
	Den  json.Number `json:"denominator"`
	Rate string      `json:"rate"`
}

// Rat returns the fraction's value, nil if the text is not a fraction.
func (f *Fraction) Rat() *big.Rat {
	x, ok := new(big.Rat).SetString(string(f.Num) + "/" + string(f.Den))
	if !ok {
		return nil
	}
	return x
}

// ratioFraction keeps a ratio unreduced (22/180), as churned over visits.
func ratioFraction(r csperf.Ratio) *Fraction {
	if !r.Valid() {
		return nil
	}
	return &Fraction{Num: json.Number(big.NewInt(r.Num).String()), Den: json.Number(big.NewInt(r.Den).String()), Rate: r.Percent(2)}
}

func ratFraction(x *big.Rat) *Fraction {
	if x == nil {
		return nil
	}
	return &Fraction{Num: json.Number(x.Num().String()), Den: json.Number(x.Denom().String()), Rate: percent(x)}
}

func percent(x *big.Rat) string {
	return csperf.FormatRat(new(big.Rat).Mul(x, big.NewRat(100, 1)), 2) + "%"
}

func rateText(r csperf.Ratio) *string {
	if !r.Valid() {
		return nil
	}
	s := r.Percent(2)
	return &s
}

// Amount is a reward (positive) or penalty (negative) in fen. It travels in
// JSON as a number of yuan written exactly — 200, -200, 150.5 — built from
// the decimal text, never through a float.
type Amount csperf.Money

// Money returns a as csperf.Money.
func (a Amount) Money() csperf.Money { return csperf.Money(a) }

// MarshalJSON writes the yuan without trailing zeros.
func (a Amount) MarshalJSON() ([]byte, error) {
	s := csperf.Money(a).String()
	if t, ok := strings.CutSuffix(s, ".00"); ok {
		s = t
	} else {
		s = strings.TrimSuffix(s, "0")
	}
	return []byte(s), nil
}

// UnmarshalJSON reads a number of yuan with at most two decimals.
func (a *Amount) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] == '"' || bytes.ContainsAny(b, "eE") {
		return csperf.Errorf(csperf.EINVALID, "amount %s is not a plain number of yuan", b)
	}
	m, err := csperf.ParseMoney(string(b))
	if err != nil {
		return csperf.Errorf(csperf.EINVALID, "amount: %v", err)
	}
	*a = Amount(m)
	return nil
}

// compare returns "<", "=" or ">" for the sign of a comparison.
func compareText(c int) string {
	switch {
	case c < 0:
		return "<"
	case c > 0:
		return ">"
	}
	return "="
}
