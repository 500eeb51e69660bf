package churn

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"csperf"
)

// benchMonth is a month the size the store feeds for a 10M-visit database:
// 40 advisors in 4 groups (8 of them moving group mid-month), 360,000
// base-month visits as 1,200 day counts, 30,000 churned customers, 8
// specialists covering 5 advisors each, 3 managers.
func benchMonth() (MonthInput, [3]DeptFigure, Org) {
	m := csperf.MakeMonth(2015, 9)
	base := m - 8
	first := base.First()
	org := Org{Groups: []string{"G0", "G1", "G2", "G3"}}
	in := MonthInput{Month: m}
	for a := range 40 {
		adv := fmt.Sprintf("A%02d", a)
		g := fmt.Sprintf("G%d", a%4)
		if a < 8 {
			org.Memberships = append(org.Memberships,
				Membership{EmployeeID: adv, GroupID: g, From: csperf.MakeDate(2014, 1, 1), To: first + 14},
				Membership{EmployeeID: adv, GroupID: fmt.Sprintf("G%d", (a+1)%4), From: first + 15, To: Open})
		} else {
			org.Memberships = append(org.Memberships, Membership{EmployeeID: adv, GroupID: g, From: csperf.MakeDate(2014, 1, 1), To: Open})
		}
		org.Coverage = append(org.Coverage, Coverage{SpecialistID: fmt.Sprintf("S%d", a/5), AdvisorID: adv, From: csperf.MakeDate(2014, 1, 1), To: Open})
		for d := range 30 {
			in.BaseVisits = append(in.BaseVisits, DayCount{AdvisorID: adv, Date: first + csperf.Date(d), Visits: 300})
			for c := range 25 {
				id := fmt.Sprintf("C%03d%02d%02d", a, d, c)
				in.Churned = append(in.Churned, ChurnedCustomer{CustomerID: id, LastVisitID: "V" + id[1:], LastVisit: first + csperf.Date(d), AdvisorID: adv})
			}
		}
	}
	org.Managers = []Manager{{"M1", PositionServiceManager}, {"M2", PositionGoldenBowTie}, {"M3", PositionWorkshopSupervisor}}
	p := [3]DeptFigure{{m - 1, 29000, 350000}, {m - 2, 31000, 370000}, {m - 3, 30000, 360000}}
	return in, p, org
}

func BenchmarkAssess(b *testing.B) {
	in, p, org := benchMonth()
	s := DefaultSettings()
	b.Run("sorted", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Assess(in, p, org, s); err != nil {
				b.Fatal(err)
			}
		}
	})
	// A producer that does not sort its churned customers costs a sort.
	shuffled := in
	shuffled.Churned = slices.Clone(in.Churned)
	rng := rand.New(rand.NewPCG(7, 8))
	rng.Shuffle(len(shuffled.Churned), func(i, j int) {
		shuffled.Churned[i], shuffled.Churned[j] = shuffled.Churned[j], shuffled.Churned[i]
	})
	b.Run("shuffled", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Assess(shuffled, p, org, s); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkIndex builds the index of a million visits: 100,000 customers
// over three years, the streaming pass a store makes for a window of months.
func BenchmarkIndex(b *testing.B) {
	rng := rand.New(rand.NewPCG(9, 10))
	visits := randomVisits(rng, 100000, 1000000)
	slices.SortFunc(visits, func(a, b Visit) int {
		return cmp.Or(cmp.Compare(a.CustomerID, b.CustomerID), cmp.Compare(a.Date, b.Date), cmp.Compare(a.ID, b.ID))
	})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := BuildIndex(visits, 8); err != nil {
			b.Fatal(err)
		}
	}
}
