package churn

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"csperf"
)

func day(t testing.TB, s string) csperf.Date {
	t.Helper()
	d, err := csperf.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func month(t testing.TB, s string) csperf.Month {
	t.Helper()
	m, err := csperf.ParseMonth(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// v builds a visit: id, customer, advisor, date.
func v(t testing.TB, id, customer, advisor, date string) Visit {
	return Visit{ID: id, CustomerID: customer, AdvisorID: advisor, Date: day(t, date)}
}

// row is an advisor's visits on one day and how many of them were the last
// visit of a customer churned in the assessed month.
type row struct {
	advisor, date string
	visits        int64
	churned       int
}

// input builds a MonthInput from rows, naming churned customers
// C-<advisor>-<date>-<i> so that they are unique.
func input(t testing.TB, m string, rows ...row) MonthInput {
	in := MonthInput{Month: month(t, m)}
	for _, r := range rows {
		d := day(t, r.date)
		in.BaseVisits = append(in.BaseVisits, DayCount{AdvisorID: r.advisor, Date: d, Visits: r.visits})
		for i := range r.churned {
			id := fmt.Sprintf("C-%s-%s-%02d", r.advisor, r.date, i)
			in.Churned = append(in.Churned, ChurnedCustomer{CustomerID: id, LastVisitID: "V" + id[1:], LastVisit: d, AdvisorID: r.advisor})
		}
	}
	return in
}

func member(t testing.TB, employee, group, from, to string) Membership {
	m := Membership{EmployeeID: employee, GroupID: group, From: day(t, from), To: Open}
	if to != "" {
		m.To = day(t, to)
	}
	return m
}

func cover(t testing.TB, specialist, advisor, group, from, to string) Coverage {
	c := Coverage{SpecialistID: specialist, AdvisorID: advisor, GroupID: group, From: day(t, from), To: Open}
	if to != "" {
		c.To = day(t, to)
	}
	return c
}

func prev(t testing.TB, m string, figs ...[2]int64) [3]DeptFigure {
	cur := month(t, m)
	var p [3]DeptFigure
	for i := range p {
		p[i] = DeptFigure{Month: cur - csperf.Month(i+1), Churned: figs[i][0], Visits: figs[i][1]}
	}
	return p
}

// lines flattens a report into one line per fact, so that a case lists the
// facts it worked out by hand and compares them all at once.
func lines(r *Report) []string {
	str := func(s *string) string {
		if s == nil {
			return "null"
		}
		return *s
	}
	frac := func(f *Fraction) string {
		if f == nil {
			return "null"
		}
		return fmt.Sprintf("%s/%s %s", f.Num, f.Den, f.Rate)
	}
	amt := func(a Amount) string {
		b, _ := a.MarshalJSON()
		return string(b)
	}
	var out []string
	add := func(format string, args ...any) {
		out = append(out, strings.Join(strings.Fields(fmt.Sprintf(format, args...)), " "))
	}
	add("dept %d/%d %s", r.Department.Churned, r.Department.Visits, str(r.Department.Rate))
	add("avg %s %s", r.AverageKind, frac(r.Average))
	for _, p := range r.PreviousMonths {
		add("prev %s %d/%d %s", p.Month, p.Churned, p.Visits, str(p.Rate))
	}
	add("prevmean %s", frac(r.PreviousMean))
	for _, g := range r.Groups {
		add("group %s %d/%d %s %s %s %s", g.GroupID, g.Churned, g.Visits, str(g.Rate), g.Comparison, g.Result, amt(g.Amount))
	}
	for _, a := range r.Advisors {
		add("advisor %s %q %v %d/%d %s", a.EmployeeID, a.GroupID, a.Groups, a.Churned, a.Visits, str(a.Rate))
	}
	for _, s := range r.Specialists {
		add("spec %s %v %v %s %s %s %s", s.EmployeeID, s.Advisors, s.RatedAdvisors, frac(s.Mean), s.Comparison, s.Result, amt(s.Amount))
	}
	for _, m := range r.Managers {
		add("mgr %s %s %s %s %s", m.EmployeeID, m.Position, m.Comparison, m.Result, amt(m.Amount))
	}
	for _, c := range r.ChurnedCustomers {
		add("churned %s %s %s %s %q", c.CustomerID, c.LastVisit, c.LastVisitID, c.AdvisorID, c.GroupID)
	}
	return out
}

// only keeps the lines of the kinds (first words) that want mentions.
func only(got, want []string) []string {
	kinds := map[string]bool{}
	for _, w := range want {
		kinds[strings.Fields(w)[0]] = true
	}
	var out []string
	for _, g := range got {
		if kinds[strings.Fields(g)[0]] {
			out = append(out, g)
		}
	}
	return out
}

func diffLines(t *testing.T, got, want []string) {
	t.Helper()
	got = only(got, want)
	if slices.Equal(got, want) {
		return
	}
	t.Errorf("report differs\n got:\n\t%s\nwant:\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
}

// The organisation of most cases: A1, A2 in G1; A3, A4 in G2 since 2014; G9
// has no one; A7 joins G1 in 2015-09 and has no base-month visit.
func orgA(t testing.TB) Org {
	return Org{
		Groups:      []string{"G1", "G2", "G9"},
		Specialists: []string{"S4"},
		Memberships: []Membership{
			member(t, "A1", "G1", "2014-01-01", ""),
			member(t, "A2", "G1", "2014-01-01", ""),
			member(t, "A3", "G2", "2014-01-01", ""),
			member(t, "A4", "G2", "2014-01-01", ""),
			member(t, "A7", "G1", "2015-09-01", ""),
		},
		Coverage: []Coverage{
			cover(t, "S1", "A1", "", "2014-01-01", ""),
			cover(t, "S1", "A2", "", "2014-01-01", ""),
			cover(t, "S1", "A3", "", "2015-09-30", ""),           // starts on the last day of M: counts
			cover(t, "S1", "A4", "", "2015-10-01", ""),           // starts after M: does not
			cover(t, "S2", "A4", "", "2014-01-01", ""),           //
			cover(t, "S3", "A9", "", "2014-01-01", ""),           // A9 has no visits
			cover(t, "S5", "A1", "", "2014-01-01", "2015-08-31"), // ended before M: S5 absent
			cover(t, "S6", "", "G1", "2015-01-01", ""),           // G1 on 2015-09-30: A1, A2, A7
		},
		Managers: []Manager{
			{EmployeeID: "M1", Position: PositionServiceManager},
			{EmployeeID: "M2", Position: PositionGoldenBowTie},
			{EmployeeID: "M3", Position: PositionWorkshopSupervisor},
			{EmployeeID: "X1", Position: "service_advisor"}, // not a manager position
			{EmployeeID: "M1", Position: PositionServiceManager},
		},
	}
}

// inputA is the month of the brief: 2015-09, base 2015-01. Visits and
// churned customers per advisor: A1 30/4, A2 50/5, A3 60/8, A4 40/5.
func inputA(t testing.TB) MonthInput {
	return input(t, "2015-09",
		row{"A1", "2015-01-05", 10, 1}, row{"A1", "2015-01-14", 20, 3},
		row{"A2", "2015-01-06", 50, 5},
		row{"A3", "2015-01-07", 60, 8},
		row{"A4", "2015-01-31", 40, 5},
	)
}

func TestAssess(t *testing.T) {
	type tc struct {
		name     string
		cur      MonthInput
		prev     [3]DeptFigure
		org      Org
		settings func(*Settings)
		want     []string
	}
	cases := []tc{
		{
			// Department 22/180 = 12.22%.
			// G1 = A1+A2 = 9/80 = 11.25% < 12.22% → reward 200.
			// G2 = A3+A4 = 13/100 = 13.00% > → penalty −200. G9: no visits.
			// S1 covers A1, A2, A3 on 2015-09-30: (4/30+5/50+8/60)/3 =
			// (4/30+3/30+4/30)/3 = 11/90 = 22/180 exactly → even.
			// S2: A4 5/40 = 1/8 = 12.5% > → −100. S3: A9 no visits → no_rate.
			// S4: listed, no coverage → no_rate. S6 covers G1 = A1, A2, A7;
			// A7 has no visits: (4/30+5/50)/2 = (4/30+3/30)/2 = 7/60 =
			// 11.67% < → +100.
			// Previous: 20/160 = 1/8, 10/100 = 1/10, 15/120 = 1/8; mean
			// (5/40+4/40+5/40)/3 = 14/120 = 7/60 = 11.67%; 11/90 > 7/60
			// (660 > 630 over 5400) → managers −200; X1 ignored, M1 once.
			name: "brief example",
			cur:  inputA(t),
			prev: prev(t, "2015-09", [2]int64{20, 160}, [2]int64{10, 100}, [2]int64{15, 120}),
			org:  orgA(t),
			want: []string{
				"dept 22/180 12.22%",
				"avg department 22/180 12.22%",
				"prev 2015-08 20/160 12.50%",
				"prev 2015-07 10/100 10.00%",
				"prev 2015-06 15/120 12.50%",
				"prevmean 7/60 11.67%",
				"group G1 9/80 11.25% < reward 200",
				"group G2 13/100 13.00% > penalty -200",
				"group G9 0/0 null no_rate 0",
				`advisor A1 "G1" [G1] 4/30 13.33%`,
				`advisor A2 "G1" [G1] 5/50 10.00%`,
				`advisor A3 "G2" [G2] 8/60 13.33%`,
				`advisor A4 "G2" [G2] 5/40 12.50%`,
				"spec S1 [A1 A2 A3] [A1 A2 A3] 11/90 12.22% = even 0",
				"spec S2 [A4] [A4] 1/8 12.50% > penalty -100",
				"spec S3 [A9] [] null no_rate 0",
				"spec S4 [] [] null no_rate 0",
				"spec S6 [A1 A2 A7] [A1 A2] 7/60 11.67% < reward 100",
				"mgr M1 service_manager > penalty -200",
				"mgr M2 golden_bow_tie > penalty -200",
				"mgr M3 workshop_supervisor > penalty -200",
			},
		},
		{
			// Group mean instead: (9/80 + 13/100)/2 = (45/400 + 52/400)/2 =
			// 97/800 = 12.125% → shown 12.13% (half away from zero).
			// G1 11.25% < → reward; G2 13% > → penalty. S1 11/90 =
			// 12.22% > 12.125% (8800 > 8730 over 72000) → penalty, where
			// the department average gave even. G9 has no visits and stays
			// out of the mean.
			name:     "group mean average",
			cur:      inputA(t),
			prev:     prev(t, "2015-09", [2]int64{20, 160}, [2]int64{10, 100}, [2]int64{15, 120}),
			org:      orgA(t),
			settings: func(s *Settings) { s.Average = AverageGroupMean },
			want: []string{
				"avg group_mean 97/800 12.13%",
				"group G1 9/80 11.25% < reward 200",
				"group G2 13/100 13.00% > penalty -200",
				"group G9 0/0 null no_rate 0",
				"spec S1 [A1 A2 A3] [A1 A2 A3] 11/90 12.22% > penalty -100",
				"spec S2 [A4] [A4] 1/8 12.50% > penalty -100",
				"spec S3 [A9] [] null no_rate 0",
				"spec S4 [] [] null no_rate 0",
				"spec S6 [A1 A2 A7] [A1 A2] 7/60 11.67% < reward 100",
			},
		},
		{
			// G1 = A1 1/10, G2 = A3 3/30, department 4/40: all exactly 10%
			// with different denominators → even, even. S1 (A1, A2, A3;
			// A2 no visits): (1/10+3/30)/2 = 1/10 → even.
			name: "equal to the average is even",
			cur:  input(t, "2015-09", row{"A1", "2015-01-02", 10, 1}, row{"A3", "2015-01-03", 30, 3}),
			prev: prev(t, "2015-09", [2]int64{1, 10}, [2]int64{1, 10}, [2]int64{1, 10}),
			org:  orgA(t),
			want: []string{
				"dept 4/40 10.00%",
				// 4/40 equals the mean of 1/10 three times: ≤ rewards.
				"prevmean 1/10 10.00%",
				"group G1 1/10 10.00% = even 0",
				"group G2 3/30 10.00% = even 0",
				"group G9 0/0 null no_rate 0",
				"spec S1 [A1 A2 A3] [A1 A3] 1/10 10.00% = even 0",
				"spec S2 [A4] [] null no_rate 0",
				"spec S3 [A9] [] null no_rate 0",
				"spec S4 [] [] null no_rate 0",
				"spec S6 [A1 A2 A7] [A1] 1/10 10.00% = even 0",
				"mgr M1 service_manager = reward 200",
				"mgr M2 golden_bow_tie = reward 200",
				"mgr M3 workshop_supervisor = reward 200",
			},
		},
		{
			// A1 1/10 in G1, A2 2/10 in G1 too, A3 0/0; department 3/20.
			// S7 covers A1 and A2: (1/10+2/10)/2 = 3/20 exactly → even;
			// in float64 (0.1+0.2)/2 = 0.15000000000000002 > 0.15 would have
			// given a penalty (TestFloatWouldDisagree).
			name: "specialist mean equal although floats disagree",
			cur:  input(t, "2015-09", row{"A1", "2015-01-02", 10, 1}, row{"A2", "2015-01-03", 10, 2}),
			prev: prev(t, "2015-09", [2]int64{1, 10}, [2]int64{1, 10}, [2]int64{1, 10}),
			org: Org{
				Memberships: orgA(t).Memberships,
				Coverage:    []Coverage{cover(t, "S7", "A1", "", "2015-01-01", ""), cover(t, "S7", "A2", "", "2015-01-01", "")},
			},
			want: []string{
				"dept 3/20 15.00%",
				"group G1 3/20 15.00% = even 0",
				"spec S7 [A1 A2] [A1 A2] 3/20 15.00% = even 0",
			},
		},
		{
			// Previous 2015-07 has no visits in its base month → no
			// previous mean → managers no_rate; groups still assessed.
			name: "managers: a previous month without rate",
			cur:  inputA(t),
			prev: prev(t, "2015-09", [2]int64{20, 160}, [2]int64{0, 0}, [2]int64{15, 120}),
			org:  orgA(t),
			want: []string{
				"prev 2015-08 20/160 12.50%",
				"prev 2015-07 0/0 null",
				"prev 2015-06 15/120 12.50%",
				"prevmean null",
				"group G1 9/80 11.25% < reward 200",
				"group G2 13/100 13.00% > penalty -200",
				"group G9 0/0 null no_rate 0",
				"mgr M1 service_manager no_rate 0",
				"mgr M2 golden_bow_tie no_rate 0",
				"mgr M3 workshop_supervisor no_rate 0",
			},
		},
		{
			// Department 7/60 and previous 1/8, 1/10, 1/8 with mean 7/60
			// (see the brief example): equal → reward, since ≤ rewards.
			name: "managers: equal to the previous mean",
			cur:  input(t, "2015-09", row{"A1", "2015-01-02", 60, 7}),
			prev: prev(t, "2015-09", [2]int64{20, 160}, [2]int64{10, 100}, [2]int64{15, 120}),
			org:  orgA(t),
			want: []string{
				"dept 7/60 11.67%",
				"prevmean 7/60 11.67%",
				"mgr M1 service_manager = reward 200",
				"mgr M2 golden_bow_tie = reward 200",
				"mgr M3 workshop_supervisor = reward 200",
			},
		},
		{
			// Department 6/60 = 10% < 7/60 → reward.
			name: "managers: below the previous mean",
			cur:  input(t, "2015-09", row{"A1", "2015-01-02", 60, 6}),
			prev: prev(t, "2015-09", [2]int64{20, 160}, [2]int64{10, 100}, [2]int64{15, 120}),
			org:  Org{Managers: []Manager{{EmployeeID: "M1", Position: PositionServiceManager}}},
			want: []string{"mgr M1 service_manager < reward 200"},
		},
		{
			// No visits in 2015-01: no department rate and no average, so
			// every line is no_rate although the previous months have rates.
			name: "department without visits",
			cur:  MonthInput{Month: month(t, "2015-09")},
			prev: prev(t, "2015-09", [2]int64{20, 160}, [2]int64{10, 100}, [2]int64{15, 120}),
			org:  orgA(t),
			want: []string{
				"dept 0/0 null",
				"avg department null",
				"group G1 0/0 null no_rate 0",
				"group G2 0/0 null no_rate 0",
				"group G9 0/0 null no_rate 0",
				"spec S1 [A1 A2 A3] [] null no_rate 0",
				"spec S2 [A4] [] null no_rate 0",
				"spec S3 [A9] [] null no_rate 0",
				"spec S4 [] [] null no_rate 0",
				"spec S6 [A1 A2 A7] [] null no_rate 0",
				"mgr M1 service_manager no_rate 0",
				"mgr M2 golden_bow_tie no_rate 0",
				"mgr M3 workshop_supervisor no_rate 0",
			},
		},
		{
			// A8 has no membership: its visits and churn count for the
			// department (2/20 = 10%) and A8's own row, not for a group.
			// G1 1/10 = 10% → even.
			name: "advisor without a group",
			cur:  input(t, "2015-09", row{"A1", "2015-01-02", 10, 1}, row{"A8", "2015-01-02", 10, 1}),
			prev: prev(t, "2015-09", [2]int64{1, 10}, [2]int64{1, 10}, [2]int64{1, 10}),
			org:  Org{Memberships: orgA(t).Memberships},
			want: []string{
				"dept 2/20 10.00%",
				"group G1 1/10 10.00% = even 0",
				`advisor A1 "G1" [G1] 1/10 10.00%`,
				`advisor A8 "" [] 1/10 10.00%`,
				`churned C-A1-2015-01-02-00 2015-01-02 V-A1-2015-01-02-00 A1 "G1"`,
				`churned C-A8-2015-01-02-00 2015-01-02 V-A8-2015-01-02-00 A8 ""`,
			},
		},
		{
			// Amounts with fen travel as exact decimals.
			name: "amounts with fen",
			cur:  inputA(t),
			prev: prev(t, "2015-09", [2]int64{20, 160}, [2]int64{10, 100}, [2]int64{15, 120}),
			org:  orgA(t),
			settings: func(s *Settings) {
				s.GroupAmount, s.SpecialistAmount, s.ManagerAmount = 15050, 5, 10
			},
			want: []string{
				"group G1 9/80 11.25% < reward 150.5",
				"group G2 13/100 13.00% > penalty -150.5",
				"group G9 0/0 null no_rate 0",
				"spec S1 [A1 A2 A3] [A1 A2 A3] 11/90 12.22% = even 0",
				"spec S2 [A4] [A4] 1/8 12.50% > penalty -0.05",
				"spec S3 [A9] [] null no_rate 0",
				"spec S4 [] [] null no_rate 0",
				"spec S6 [A1 A2 A7] [A1 A2] 7/60 11.67% < reward 0.05",
				"mgr M1 service_manager > penalty -0.1",
				"mgr M2 golden_bow_tie > penalty -0.1",
				"mgr M3 workshop_supervisor > penalty -0.1",
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := DefaultSettings()
			if c.settings != nil {
				c.settings(&s)
			}
			r, err := Assess(c.cur, c.prev, c.org, s)
			if err != nil {
				t.Fatal(err)
			}
			diffLines(t, lines(r), c.want)
		})
	}
}

func TestFloatWouldDisagree(t *testing.T) {
	// Guards the premise of the case above: floats get 3/20 wrong, while
	// the brief's 11/90 example happens to come out right in float64 too.
	a, b := 0.1, 0.2
	if (a+b)/2 == 0.15 {
		t.Fatal("float64 mean of 0.1 and 0.2 equals 0.15: the case proves nothing")
	}
	r := mean([]csperf.Ratio{csperf.R(1, 10), csperf.R(2, 10)})
	if r.Cmp(csperf.R(3, 20).Rat()) != 0 {
		t.Fatalf("exact mean %s, want 3/20", r)
	}
	r = mean([]csperf.Ratio{csperf.R(4, 30), csperf.R(5, 50), csperf.R(8, 60)})
	if r.Cmp(csperf.R(11, 90).Rat()) != 0 {
		t.Fatalf("exact mean %s, want 11/90", r)
	}
}

// TestVisits runs cases from raw visits through FromVisits, Index and Assess.
func TestVisits(t *testing.T) {
	// Memberships: A1 in G1, A2 in G2; A5 in G1 until 2015-01-15 and in G3
	// from 2015-01-15 (overlapping on the 15th: the later From wins).
	org := Org{
		Groups: []string{"G1", "G2", "G3"},
		Memberships: []Membership{
			member(t, "A1", "G1", "2014-01-01", ""),
			member(t, "A2", "G2", "2014-01-01", ""),
			member(t, "A5", "G1", "2014-01-01", "2015-01-15"),
			member(t, "A5", "G3", "2015-01-15", ""),
		},
	}
	type tc struct {
		name      string
		month     string
		threshold int
		visits    []Visit
		want      []string
	}
	cases := []tc{
		{
			// C1's last visit is 2015-01-31, the last day of the base month
			// → churned in 2015-09. C2's last visit is 2015-02-01 → it
			// churns in 2015-10, not 2015-09, and its visit is not in the
			// base month. Base visits: V02 only → 1/1.
			name: "last visit on the last day of the base month", month: "2015-09",
			visits: []Visit{
				v(t, "V01", "C1", "A1", "2014-12-05"),
				v(t, "V02", "C1", "A1", "2015-01-31"),
				v(t, "V03", "C2", "A2", "2015-02-01"),
			},
			want: []string{
				"dept 1/1 100.00%",
				"group G1 1/1 100.00% = even 0",
				"group G2 0/0 null no_rate 0",
				"group G3 0/0 null no_rate 0",
				`churned C1 2015-01-31 V02 A1 "G1"`,
			},
		},
		{
			// The month after: C2 (last visit 2015-02-01) churns in 2015-10,
			// C1 does not churn again. Base 2015-02: V03 → 1/1.
			name: "a customer churns in one month only", month: "2015-10",
			visits: []Visit{
				v(t, "V01", "C1", "A1", "2014-12-05"),
				v(t, "V02", "C1", "A1", "2015-01-31"),
				v(t, "V03", "C2", "A2", "2015-02-01"),
			},
			want: []string{
				"dept 1/1 100.00%",
				`churned C2 2015-02-01 V03 A2 "G2"`,
			},
		},
		{
			// C1 and C2 come back in 2015-09 itself (the 1st and the 30th):
			// their last visit by the end of September is in September →
			// not churned. Their January visits still count: 0/2 = 0%, and
			// each group's 0/1 = 0% equals it → even.
			name: "returns in the month itself", month: "2015-09",
			visits: []Visit{
				v(t, "V01", "C1", "A1", "2015-01-10"),
				v(t, "V02", "C1", "A1", "2015-09-30"),
				v(t, "V03", "C2", "A2", "2015-01-11"),
				v(t, "V04", "C2", "A2", "2015-09-01"),
			},
			want: []string{
				"dept 0/2 0.00%",
				"group G1 0/1 0.00% = even 0",
				"group G2 0/1 0.00% = even 0",
				"group G3 0/0 null no_rate 0",
			},
		},
		{
			// C1 comes back on 2015-10-02, after September: its last visit
			// on or before 2015-09-30 is still 2015-01-10 → churned in
			// September (TestLaterVisitsNeverChangeThePast checks the whole
			// report is the same with and without V02).
			name: "returns after the month", month: "2015-09",
			visits: []Visit{
				v(t, "V01", "C1", "A1", "2015-01-10"),
				v(t, "V02", "C1", "A2", "2015-10-02"),
			},
			want: []string{
				"dept 1/1 100.00%",
				`churned C1 2015-01-10 V01 A1 "G1"`,
			},
		},
		{
			// Two visits of C1 on 2015-01-20: "V9" by A1 and "V10" by A2.
			// As strings "V9" > "V10", so V9 is the later and A1 (G1) gets
			// the churn: G1 1/1 = 100% > 50% → penalty; G2 0/1 → reward.
			name: "same day: the greater id is the later", month: "2015-09",
			visits: []Visit{
				v(t, "V10", "C1", "A2", "2015-01-20"),
				v(t, "V9", "C1", "A1", "2015-01-20"),
			},
			want: []string{
				"dept 1/2 50.00%",
				"group G1 1/1 100.00% > penalty -200",
				"group G2 0/1 0.00% < reward 200",
				"group G3 0/0 null no_rate 0",
				`advisor A1 "G1" [G1] 1/1 100.00%`,
				`advisor A2 "G2" [G2] 0/1 0.00%`,
				`churned C1 2015-01-20 V9 A1 "G1"`,
			},
		},
		{
			// A5 is in G1 until the 15th and in G3 from the 15th (the 15th
			// itself: G3, the later From). Visits: V01 A5 01-10 (G1, C1
			// churns), V02 A5 01-20 (G3, C2 churns), V03 A1 01-20 (G1, C3
			// returns in May), V04 A5 01-15 (G3, C4 churns).
			// Department 3/4 = 75%. G1: V01, V03 → 1/2 = 50% < → reward.
			// G3: V02, V04 → 2/2 = 100% > → penalty. A5: 3/3, latest day
			// 01-20 in G3, groups G1 and G3.
			name: "advisor moved groups", month: "2015-09",
			visits: []Visit{
				v(t, "V01", "C1", "A5", "2015-01-10"),
				v(t, "V02", "C2", "A5", "2015-01-20"),
				v(t, "V03", "C3", "A1", "2015-01-20"),
				v(t, "V05", "C3", "A1", "2015-05-01"),
				v(t, "V04", "C4", "A5", "2015-01-15"),
			},
			want: []string{
				"dept 3/4 75.00%",
				"group G1 1/2 50.00% < reward 200",
				"group G2 0/0 null no_rate 0",
				"group G3 2/2 100.00% > penalty -200",
				`advisor A1 "G1" [G1] 0/1 0.00%`,
				`advisor A5 "G3" [G1 G3] 3/3 100.00%`,
				`churned C1 2015-01-10 V01 A5 "G1"`,
				`churned C2 2015-01-20 V02 A5 "G3"`,
				`churned C4 2015-01-15 V04 A5 "G3"`,
			},
		},
		{
			// N = 12: base of 2016-01 is 2015-01. C1 (last 2015-01-10)
			// churns; C2 came back on 2015-12-20, within 12 months (with
			// N = 8 it would have churned in 2015-09); C3's visit is in May.
			// Base visits V01, V02 → 1/2.
			name: "threshold 12", month: "2016-01", threshold: 12,
			visits: []Visit{
				v(t, "V01", "C1", "A1", "2015-01-10"),
				v(t, "V02", "C2", "A2", "2015-01-05"),
				v(t, "V03", "C2", "A2", "2015-12-20"),
				v(t, "V04", "C3", "A2", "2015-05-05"),
			},
			want: []string{
				"dept 1/2 50.00%",
				"group G1 1/1 100.00% > penalty -200",
				"group G2 0/1 0.00% < reward 200",
				"group G3 0/0 null no_rate 0",
				`churned C1 2015-01-10 V01 A1 "G1"`,
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := DefaultSettings()
			if c.threshold != 0 {
				s.Threshold = c.threshold
			}
			m := month(t, c.month)
			in := FromVisits(c.visits, m, s.Threshold)
			x := indexOf(t, c.visits, s.Threshold)
			if got := x.Month(m); !reflect.DeepEqual(got, in) {
				t.Errorf("Index.Month = %+v, FromVisits = %+v", got, in)
			}
			var p [3]DeptFigure
			for i := range p {
				p[i] = FromVisits(c.visits, m-csperf.Month(i+1), s.Threshold).Department()
			}
			if got := x.Previous(m); got != p {
				t.Errorf("Index.Previous = %+v, want %+v", got, p)
			}
			r, err := Assess(in, p, org, s)
			if err != nil {
				t.Fatal(err)
			}
			diffLines(t, lines(r), c.want)
		})
	}
}

func indexOf(t testing.TB, visits []Visit, n int) *Index {
	t.Helper()
	sorted := slices.Clone(visits)
	slices.SortFunc(sorted, func(a, b Visit) int {
		return cmp.Or(cmp.Compare(a.CustomerID, b.CustomerID), cmp.Compare(a.Date, b.Date), cmp.Compare(a.ID, b.ID))
	})
	x, err := BuildIndex(sorted, n)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// randomVisits returns visits of 2014–2016 with many same-day pairs and ids
// that are not zero-padded, so that string order of ids matters.
func randomVisits(rng *rand.Rand, customers, n int) []Visit {
	start := csperf.MakeDate(2014, 1, 1)
	out := make([]Visit, n)
	for i := range out {
		out[i] = Visit{
			ID:         fmt.Sprintf("V%d", i),
			CustomerID: fmt.Sprintf("C%d", rng.IntN(customers)),
			AdvisorID:  fmt.Sprintf("A%d", rng.IntN(6)),
			Date:       start + csperf.Date(rng.IntN(3*365)),
		}
		if i > 0 && rng.IntN(5) == 0 {
			out[i].Date = out[i-1].Date
			out[i].CustomerID = out[i-1].CustomerID
		}
	}
	return out
}

// bruteForce is the definition stated by months rather than by "last
// visit": a customer churns in M when they had a visit in M−N and none in
// M−N+1..M; the later of the M−N visits is the one attributed.
func bruteForce(visits []Visit, m csperf.Month, n int) MonthInput {
	base := m - csperf.Month(n)
	in := MonthInput{Month: m, Churned: []ChurnedCustomer{}, BaseVisits: []DayCount{}}
	byCustomer := map[string][]Visit{}
	for _, v := range visits {
		byCustomer[v.CustomerID] = append(byCustomer[v.CustomerID], v)
	}
	for c, vs := range byCustomer {
		var lastInBase *Visit
		returned := false
		for i, v := range vs {
			vm := v.Date.Month()
			if vm == base && (lastInBase == nil || v.After(*lastInBase)) {
				lastInBase = &vs[i]
			}
			if vm > base && vm <= m {
				returned = true
			}
		}
		if lastInBase != nil && !returned {
			in.Churned = append(in.Churned, ChurnedCustomer{CustomerID: c, LastVisitID: lastInBase.ID, LastVisit: lastInBase.Date, AdvisorID: lastInBase.AdvisorID})
		}
	}
	for _, v := range visits {
		if v.Date.Month() != base {
			continue
		}
		i := slices.IndexFunc(in.BaseVisits, func(d DayCount) bool { return d.AdvisorID == v.AdvisorID && d.Date == v.Date })
		if i < 0 {
			in.BaseVisits = append(in.BaseVisits, DayCount{AdvisorID: v.AdvisorID, Date: v.Date})
			i = len(in.BaseVisits) - 1
		}
		in.BaseVisits[i].Visits++
	}
	sortInput(&in)
	return in
}

func TestFromVisitsMatchesBruteForceAndIndex(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	visits := randomVisits(rng, 300, 3000)
	for _, n := range []int{1, 3, 8, 12} {
		x := indexOf(t, visits, n)
		total := 0
		for m := csperf.MakeMonth(2014, 1); m <= csperf.MakeMonth(2017, 12); m++ {
			want := bruteForce(visits, m, n)
			got := FromVisits(visits, m, n)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("n=%d %s: FromVisits\n%+v\nbrute force\n%+v", n, m, got, want)
			}
			if ix := x.Month(m); !reflect.DeepEqual(ix, want) {
				t.Fatalf("n=%d %s: Index\n%+v\nbrute force\n%+v", n, m, ix, want)
			}
			if d := x.Department(m); d != want.Department() {
				t.Fatalf("n=%d %s: Index.Department %+v, want %+v", n, m, d, want.Department())
			}
			total += len(want.Churned)
		}
		if total == 0 {
			t.Fatalf("n=%d: no churn at all, the data proves nothing", n)
		}
	}
}

// TestLaterVisitsNeverChangeThePast: a month's report is the same whether
// or not the visits after it are known, through FromVisits and the Index.
func TestLaterVisitsNeverChangeThePast(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	visits := randomVisits(rng, 200, 2000)
	org := Org{Groups: []string{"G1", "G2"}}
	for i := range 6 {
		org.Memberships = append(org.Memberships,
			Membership{EmployeeID: fmt.Sprintf("A%d", i), GroupID: "G1", From: csperf.MakeDate(2014, 1, 1), To: csperf.MakeDate(2014, 12, 31)},
			Membership{EmployeeID: fmt.Sprintf("A%d", i), GroupID: []string{"G1", "G2"}[i%2], From: csperf.MakeDate(2015, 1, 1), To: Open},
		)
	}
	s := DefaultSettings()
	full := indexOf(t, visits, s.Threshold)
	for m := csperf.MakeMonth(2014, 10); m <= csperf.MakeMonth(2016, 12); m++ {
		var known []Visit
		for _, v := range visits {
			if v.Date <= m.Last() {
				known = append(known, v)
			}
		}
		past := indexOf(t, known, s.Threshold)
		a, err := Assess(full.Month(m), full.Previous(m), org, s)
		if err != nil {
			t.Fatal(err)
		}
		b, err := Assess(past.Month(m), past.Previous(m), org, s)
		if err != nil {
			t.Fatal(err)
		}
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Fatalf("%s: report changes when later visits are known\nall:   %s\nknown: %s", m, ja, jb)
		}
		c, err := Assess(FromVisits(visits, m, s.Threshold), full.Previous(m), org, s)
		if err != nil {
			t.Fatal(err)
		}
		if jc, _ := json.Marshal(c); string(jc) != string(ja) {
			t.Fatalf("%s: FromVisits and Index reports differ", m)
		}
	}
}

func TestIndexRejectsUnsortedVisits(t *testing.T) {
	x := NewIndex(8)
	if err := x.Add(v(t, "V2", "C1", "A1", "2015-01-02")); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []Visit{
		v(t, "V1", "C1", "A1", "2015-01-01"), // earlier day
		v(t, "V1", "C1", "A1", "2015-01-02"), // same day, smaller id
		v(t, "V2", "C1", "A1", "2015-01-02"), // the same visit again
		v(t, "V3", "C0", "A1", "2015-03-01"), // earlier customer
	} {
		if err := x.Add(bad); csperf.ErrorCode(err) != csperf.EINVALID {
			t.Errorf("Add(%+v) = %v, want an invalid error", bad, err)
		}
	}
}

// TestReportJSON pins the JSON shape of a small report byte for byte.
func TestReportJSON(t *testing.T) {
	// Same-day case: C1's visits V9 (A1, G1) and V10 (A2, G2) on
	// 2015-01-20; department 1/2. S1 covers A1: 1/1 > 1/2 → −100.
	// Previous 1/10, 1/10, 0/0 → managers no_rate.
	visits := []Visit{v(t, "V10", "C1", "A2", "2015-01-20"), v(t, "V9", "C1", "A1", "2015-01-20")}
	org := Org{
		Groups:      []string{"G1", "G2"},
		Memberships: []Membership{member(t, "A1", "G1", "2014-01-01", ""), member(t, "A2", "G2", "2014-01-01", "")},
		Coverage:    []Coverage{cover(t, "S1", "A1", "", "2014-01-01", "")},
		Managers:    []Manager{{EmployeeID: "M1", Position: PositionServiceManager}},
	}
	s := DefaultSettings()
	s.GroupAmount = 15050
	r, err := Assess(FromVisits(visits, month(t, "2015-09"), 8), prev(t, "2015-09", [2]int64{1, 10}, [2]int64{1, 10}, [2]int64{0, 0}), org, s)
	if err != nil {
		t.Fatal(err)
	}
	// The CLI and the API encode without HTML escaping, so that the
	// comparisons read "<" and ">" rather than "\u003c" and "\u003e".
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(r); err != nil {
		t.Fatal(err)
	}
	got := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	want := `{
 "month": "2015-09",
 "threshold_months": 8,
 "base_month": "2015-01",
 "department": {
  "churned": 1,
  "visits": 2,
  "rate": "50.00%"
 },
 "average_kind": "department",
 "average": {
  "numerator": 1,
  "denominator": 2,
  "rate": "50.00%"
 },
 "previous_months": [
  {
   "month": "2015-08",
   "churned": 1,
   "visits": 10,
   "rate": "10.00%"
  },
  {
   "month": "2015-07",
   "churned": 1,
   "visits": 10,
   "rate": "10.00%"
  },
  {
   "month": "2015-06",
   "churned": 0,
   "visits": 0,
   "rate": null
  }
 ],
 "previous_mean": null,
 "groups": [
  {
   "group_id": "G1",
   "churned": 1,
   "visits": 1,
   "rate": "100.00%",
   "comparison": ">",
   "result": "penalty",
   "amount": -150.5
  },
  {
   "group_id": "G2",
   "churned": 0,
   "visits": 1,
   "rate": "0.00%",
   "comparison": "<",
   "result": "reward",
   "amount": 150.5
  }
 ],
 "advisors": [
  {
   "employee_id": "A1",
   "group_id": "G1",
   "groups": [
    "G1"
   ],
   "churned": 1,
   "visits": 1,
   "rate": "100.00%"
  },
  {
   "employee_id": "A2",
   "group_id": "G2",
   "groups": [
    "G2"
   ],
   "churned": 0,
   "visits": 1,
   "rate": "0.00%"
  }
 ],
 "specialists": [
  {
   "employee_id": "S1",
   "advisors": [
    "A1"
   ],
   "rated_advisors": [
    "A1"
   ],
   "mean_rate": "100.00%",
   "mean": {
    "numerator": 1,
    "denominator": 1,
    "rate": "100.00%"
   },
   "comparison": ">",
   "result": "penalty",
   "amount": -100
  }
 ],
 "managers": [
  {
   "employee_id": "M1",
   "position": "service_manager",
   "result": "no_rate",
   "amount": 0
  }
 ],
 "churned_customers": [
  {
   "customer_id": "C1",
   "last_visit": "2015-01-20",
   "last_visit_id": "V9",
   "advisor_id": "A1",
   "group_id": "G1"
  }
 ]
}`
	if string(got) != want {
		t.Errorf("JSON:\n%s\nwant:\n%s", got, want)
	}
	var back Report
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&back, r) {
		t.Errorf("JSON round trip changed the report:\n%+v\n%+v", back, *r)
	}
}

func TestAmountJSON(t *testing.T) {
	for _, c := range []struct {
		fen  csperf.Money
		text string
	}{{20000, "200"}, {-20000, "-200"}, {15050, "150.5"}, {-5, "-0.05"}, {0, "0"}, {12345, "123.45"}} {
		b, err := json.Marshal(Amount(c.fen))
		if err != nil || string(b) != c.text {
			t.Errorf("Marshal(%d) = %s, %v; want %s", c.fen, b, err, c.text)
		}
		var a Amount
		if err := json.Unmarshal(b, &a); err != nil || a != Amount(c.fen) {
			t.Errorf("Unmarshal(%s) = %d, %v", b, a, err)
		}
	}
	for _, bad := range []string{`"200"`, `1e2`, `1.234`} {
		var a Amount
		if err := json.Unmarshal([]byte(bad), &a); err == nil {
			t.Errorf("Unmarshal(%s) accepted", bad)
		}
	}
}

func TestAssessRejects(t *testing.T) {
	good := func() (MonthInput, [3]DeptFigure, Org, Settings) {
		return inputA(t), prev(t, "2015-09", [2]int64{1, 10}, [2]int64{1, 10}, [2]int64{1, 10}), orgA(t), DefaultSettings()
	}
	if _, err := Assess(good()); err != nil {
		t.Fatalf("good input rejected: %v", err)
	}
	cases := map[string]func(*MonthInput, *[3]DeptFigure, *Org, *Settings){
		"threshold 0":           func(_ *MonthInput, _ *[3]DeptFigure, _ *Org, s *Settings) { s.Threshold = 0 },
		"unknown average":       func(_ *MonthInput, _ *[3]DeptFigure, _ *Org, s *Settings) { s.Average = "median" },
		"negative amount":       func(_ *MonthInput, _ *[3]DeptFigure, _ *Org, s *Settings) { s.GroupAmount = -1 },
		"previous out of order": func(_ *MonthInput, p *[3]DeptFigure, _ *Org, _ *Settings) { p[0], p[1] = p[1], p[0] },
		"churned outside the base month": func(in *MonthInput, _ *[3]DeptFigure, _ *Org, _ *Settings) {
			in.Churned[0].LastVisit = day(t, "2015-02-01")
		},
		"more churned than visits": func(in *MonthInput, _ *[3]DeptFigure, _ *Org, _ *Settings) {
			in.BaseVisits[0].Visits = 0 // A1 on 01-05 had 1 churned customer
		},
		"customer twice": func(in *MonthInput, _ *[3]DeptFigure, _ *Org, _ *Settings) {
			in.Churned[1].CustomerID = in.Churned[0].CustomerID
		},
		"visits outside the base month": func(in *MonthInput, _ *[3]DeptFigure, _ *Org, _ *Settings) {
			in.BaseVisits = append(in.BaseVisits, DayCount{AdvisorID: "A1", Date: day(t, "2015-02-01"), Visits: 1})
		},
		"coverage of advisor and group": func(_ *MonthInput, _ *[3]DeptFigure, o *Org, _ *Settings) {
			o.Coverage[0].GroupID = "G1"
		},
		"membership ending before it starts": func(_ *MonthInput, _ *[3]DeptFigure, o *Org, _ *Settings) {
			o.Memberships[0].To = o.Memberships[0].From - 1
		},
	}
	for name, spoil := range cases {
		in, p, o, s := good()
		spoil(&in, &p, &o, &s)
		if _, err := Assess(in, p, o, s); csperf.ErrorCode(err) != csperf.EINVALID {
			t.Errorf("%s: err = %v, want invalid", name, err)
		}
	}
}

func TestWindow(t *testing.T) {
	// September is the brief example (G1 +200, G2 −200, G9 no_rate; S1
	// even, S2 −100, S3 and S4 no_rate, S6 +100; managers −200). October
	// is "equal to the average" moved a month on (G1, G2 even; S1 and S6
	// even; S2 no_rate; managers = → +200).
	s := DefaultSettings()
	sep, err := Assess(inputA(t), prev(t, "2015-09", [2]int64{20, 160}, [2]int64{10, 100}, [2]int64{15, 120}), orgA(t), s)
	if err != nil {
		t.Fatal(err)
	}
	oct, err := Assess(input(t, "2015-10", row{"A1", "2015-02-02", 10, 1}, row{"A3", "2015-02-03", 30, 3}),
		prev(t, "2015-10", [2]int64{1, 10}, [2]int64{1, 10}, [2]int64{1, 10}), orgA(t), s)
	if err != nil {
		t.Fatal(err)
	}
	w, err := Window([]*Report{oct, sep})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(w)
	want := `{"from":"2015-09","to":"2015-10","months":["2015-09","2015-10"],` +
		`"groups":[` +
		`{"group_id":"G1","rewards":1,"penalties":0,"evens":1,"no_rates":0,"amount":200},` +
		`{"group_id":"G2","rewards":0,"penalties":1,"evens":1,"no_rates":0,"amount":-200},` +
		`{"group_id":"G9","rewards":0,"penalties":0,"evens":0,"no_rates":2,"amount":0}],` +
		`"specialists":[` +
		`{"employee_id":"S1","rewards":0,"penalties":0,"evens":2,"no_rates":0,"amount":0},` +
		`{"employee_id":"S2","rewards":0,"penalties":1,"evens":0,"no_rates":1,"amount":-100},` +
		`{"employee_id":"S3","rewards":0,"penalties":0,"evens":0,"no_rates":2,"amount":0},` +
		`{"employee_id":"S4","rewards":0,"penalties":0,"evens":0,"no_rates":2,"amount":0},` +
		`{"employee_id":"S6","rewards":1,"penalties":0,"evens":1,"no_rates":0,"amount":100}],` +
		`"managers":[` +
		`{"employee_id":"M1","position":"service_manager","rewards":1,"penalties":1,"evens":0,"no_rates":0,"amount":0},` +
		`{"employee_id":"M2","position":"golden_bow_tie","rewards":1,"penalties":1,"evens":0,"no_rates":0,"amount":0},` +
		`{"employee_id":"M3","position":"workshop_supervisor","rewards":1,"penalties":1,"evens":0,"no_rates":0,"amount":0}]}`
	if string(got) != want {
		t.Errorf("Window:\n%s\nwant:\n%s", got, want)
	}
	if _, err := Window([]*Report{sep, sep}); csperf.ErrorCode(err) != csperf.EINVALID {
		t.Errorf("the same month twice: err = %v", err)
	}
	if _, err := Window(nil); csperf.ErrorCode(err) != csperf.EINVALID {
		t.Errorf("no month: err = %v", err)
	}
}

func TestPeriod(t *testing.T) {
	// Period 2015-08..2015-12, N = 8: customers at start had activity in
	// 2014-12..2015-07.
	//   C1 2015-01-10 only: at start; churns 2015-09 → lost.
	//   C2 2015-03-01, 2015-09-15: at start; March is followed within 8
	//      months, September churns in 2016-05 → kept.
	//   C3 2014-11-20 only: churned in 2015-07, before the start → neither.
	//   C4 2015-10-01 only: new in the period → neither.
	//   C5 2014-12-31 only: at start (first month of the window); churns
	//      2015-08 → lost.
	//   C6 2015-07-31, 2016-01-05: at start; kept (July would churn in
	//      2016-03, after the period anyway).
	// 2 lost of 4 → 50.00%.
	acts := []Activity{
		{"C6", day(t, "2016-01-05")}, {"C1", day(t, "2015-01-10")},
		{"C2", day(t, "2015-09-15")}, {"C2", day(t, "2015-03-01")},
		{"C3", day(t, "2014-11-20")}, {"C4", day(t, "2015-10-01")},
		{"C5", day(t, "2014-12-31")}, {"C6", day(t, "2015-07-31")},
	}
	p := PeriodOf(acts, month(t, "2015-08"), month(t, "2015-12"), 8)
	if p.AtStart != 4 || p.Lost != 2 || p.Rate == nil || *p.Rate != "50.00%" {
		t.Errorf("PeriodOf = %+v, want 2 lost of 4 at start, 50.00%%", p)
	}
	if r := PeriodChurn(0, 0); r.Valid() {
		t.Errorf("PeriodChurn(0, 0) = %v, want no value", r)
	}
	if r := PeriodChurn(40, 3); r.Cmp(csperf.R(3, 40)) != 0 {
		t.Errorf("PeriodChurn(40, 3) = %v", r)
	}
}

// TestPeriodAgreesWithMonths: over random data, the customers lost in a
// period are those at the start who appear in a month's churn list.
func TestPeriodAgreesWithMonths(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	visits := randomVisits(rng, 300, 2000)
	acts := make([]Activity, len(visits))
	for i, v := range visits {
		acts[i] = Activity{CustomerID: v.CustomerID, Date: v.Date}
	}
	const n = 3
	x := indexOf(t, visits, n)
	from, to := csperf.MakeMonth(2015, 3), csperf.MakeMonth(2015, 8)
	atStart := map[string]bool{}
	for _, v := range visits {
		if (from-n).First() <= v.Date && v.Date <= (from-1).Last() {
			atStart[v.CustomerID] = true
		}
	}
	lost := map[string]bool{}
	for m := from; m <= to; m++ {
		for _, c := range x.Month(m).Churned {
			if atStart[c.CustomerID] {
				lost[c.CustomerID] = true
			}
		}
	}
	p := PeriodOf(acts, from, to, n)
	if p.AtStart != int64(len(atStart)) || p.Lost != int64(len(lost)) || p.Lost == 0 {
		t.Errorf("PeriodOf = %d lost of %d, months say %d of %d", p.Lost, p.AtStart, len(lost), len(atStart))
	}
}
