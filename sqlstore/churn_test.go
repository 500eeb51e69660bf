package sqlstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"csperf"
	"csperf/churn"
	"csperf/sqlstore"
)

// TestChurnMatchesDefinition imports random visits (with same-day pairs,
// ids that sort differently as text and as numbers, and an advisor who
// changes groups) and checks that the store's fast path gives, for every
// month, exactly the report the pure definition gives from the raw visits.
func TestChurnMatchesDefinition(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		mustImport(t, db, "groups", csperf.Record{"group_id": "G1", "name": "一组"}, csperf.Record{"group_id": "G2", "name": "二组"})
		mustImport(t, db, "employees",
			csperf.Record{"employee_id": "A1", "name": "甲", "position": "service_advisor", "department_id": "main"},
			csperf.Record{"employee_id": "A2", "name": "乙", "position": "service_advisor", "department_id": "main"},
			csperf.Record{"employee_id": "A3", "name": "丙", "position": "service_advisor", "department_id": "main"},
			csperf.Record{"employee_id": "S1", "name": "丁", "position": "return_visit_specialist", "department_id": "main"},
			csperf.Record{"employee_id": "M1", "name": "戊", "position": "service_manager", "department_id": "main"})
		mustImport(t, db, "memberships",
			csperf.Record{"employee_id": "A1", "group_id": "G1", "from_date": d("2014-01-01")},
			csperf.Record{"employee_id": "A2", "group_id": "G1", "from_date": d("2014-01-01"), "to_date": d("2014-06-15")},
			csperf.Record{"employee_id": "A2", "group_id": "G2", "from_date": d("2014-06-16")},
			csperf.Record{"employee_id": "A3", "group_id": "G2", "from_date": d("2014-01-01")})
		mustImport(t, db, "coverage",
			csperf.Record{"specialist_id": "S1", "advisor_id": "A1", "from_date": d("1900-01-01")},
			csperf.Record{"specialist_id": "S1", "advisor_id": "A2", "from_date": d("1900-01-01")})
		rng := rand.New(rand.NewPCG(7, 11))
		var custs []csperf.Record
		for i := 0; i < 60; i++ {
			custs = append(custs, csperf.Record{"customer_id": fmt.Sprintf("C%d", i), "name": "客户"})
		}
		mustImport(t, db, "customers", custs...)
		var visits []churn.Visit
		var recs []csperf.Record
		advisors := []string{"A1", "A2", "A3"}
		for i := 0; i < 400; i++ {
			v := churn.Visit{ID: fmt.Sprintf("V%d", i), CustomerID: fmt.Sprintf("C%d", rng.IntN(60)), AdvisorID: advisors[rng.IntN(3)],
				Date: csperf.MakeDate(2014, 1, 1) + csperf.Date(rng.IntN(700))}
			if i%25 == 0 && i > 0 { // a same-day second visit of the previous customer
				v.CustomerID, v.Date = visits[i-1].CustomerID, visits[i-1].Date
			}
			visits = append(visits, v)
			recs = append(recs, csperf.Record{"visit_id": v.ID, "customer_id": v.CustomerID, "advisor_id": v.AdvisorID, "visit_date": v.Date})
		}
		// Before any visit: every month has no rate, and no error.
		if _, err := db.ChurnReport(ctx, csperf.MakeMonth(2015, 1), churn.DefaultSettings()); err != nil {
			t.Fatalf("no visits yet: %v", err)
		}
		org := churn.Org{Groups: []string{"G1", "G2"}, Specialists: []string{"S1"},
			Memberships: []churn.Membership{{EmployeeID: "A1", GroupID: "G1", From: d("2014-01-01"), To: churn.Open},
				{EmployeeID: "A2", GroupID: "G1", From: d("2014-01-01"), To: d("2014-06-15")},
				{EmployeeID: "A2", GroupID: "G2", From: d("2014-06-16"), To: churn.Open},
				{EmployeeID: "A3", GroupID: "G2", From: d("2014-01-01"), To: churn.Open}},
			Coverage: []churn.Coverage{{SpecialistID: "S1", AdvisorID: "A1", From: d("1900-01-01"), To: churn.Open},
				{SpecialistID: "S1", AdvisorID: "A2", From: d("1900-01-01"), To: churn.Open}},
			Managers: []churn.Manager{{EmployeeID: "M1", Position: "service_manager"}}}
		check := func(stage string, visits []churn.Visit) {
			for _, n := range []int{8, 3} {
				s := churn.DefaultSettings()
				s.Threshold = n
				for m := csperf.MakeMonth(2014, 4); m <= csperf.MakeMonth(2016, 3); m++ {
					got, err := db.ChurnReport(ctx, m, s)
					if err != nil {
						t.Fatal(err)
					}
					var prev [3]churn.DeptFigure
					for i := range prev {
						prev[i] = churn.FromVisits(visits, m-csperf.Month(i+1), n).Department()
					}
					want, err := churn.Assess(churn.FromVisits(visits, m, n), prev, org, s)
					if err != nil {
						t.Fatal(err)
					}
					gj, _ := json.Marshal(got)
					wj, _ := json.Marshal(want)
					if string(gj) != string(wj) {
						t.Fatalf("%s: N=%d %s:\n got %s\nwant %s", stage, n, m, gj, wj)
					}
				}
			}
		}
		// Two imports, so that next dates are also maintained across files,
		// and every month assessed after each: nothing read before the
		// second file (the previous months' department figures are kept
		// between calls) may survive it.
		mustImport(t, db, "visits", recs[:250]...)
		check("first file", visits[:250])
		mustImport(t, db, "visits", recs[250:]...)
		check("second file", visits)
	})
}

func TestChurnCloseFreezes(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		seedOrg(t, db)
		mustImport(t, db, "visits", csperf.Record{"visit_id": "V1", "customer_id": "C1", "advisor_id": "A1", "visit_date": d("2015-01-14")})
		m := csperf.MakeMonth(2015, 9)
		st, err := db.CloseChurnMonth(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		before, _ := db.ChurnReport(ctx, m, churn.DefaultSettings())
		if err := db.DeleteRecord(ctx, csperf.KindByName("visits"), []string{"V1"}); csperf.ErrorCode(err) != csperf.ECONFLICT {
			t.Fatalf("deleting a visit of a closed month: %v", err)
		}
		// A visit in September that would un-churn C1 arrives later.
		mustImport(t, db, "visits", csperf.Record{"visit_id": "V2", "customer_id": "C1", "advisor_id": "A1", "visit_date": d("2015-09-03")})
		after, _ := db.ChurnReport(ctx, m, churn.DefaultSettings())
		if before.Department.Churned != 1 || after.Department.Churned != 1 {
			t.Fatalf("closed month changed: %+v → %+v", before.Department, after.Department)
		}
		drift, err := db.ChurnDrift(ctx)
		if err != nil || len(drift) != 1 || drift[0] != m {
			t.Fatalf("drift %v %v", drift, err)
		}
		if err := db.ReopenChurnMonth(ctx, m, "late data", false); csperf.ErrorCode(err) != csperf.EFORBIDDEN {
			t.Fatalf("non-admin reopen: %v", err)
		}
		if err := db.ReopenChurnMonth(ctx, m, "September visits arrived late", true); err != nil {
			t.Fatal(err)
		}
		now, _ := db.ChurnReport(ctx, m, churn.DefaultSettings())
		if now.Department.Churned != 0 {
			t.Fatalf("reopened month: %+v", now.Department)
		}
		_ = st
		mustImport(t, db, "return_visits", csperf.Record{"return_visit_id": "R1", "customer_id": "C1", "specialist_id": "A1", "done_date": d("2015-10-02"), "churn_reason": "搬家"})
		reasons, _, err := db.ChurnReasons(ctx, csperf.MakeMonth(2015, 8), 8)
		if err != nil || len(reasons) != 0 {
			t.Fatalf("reasons of a month without churn: %v %v", reasons, err)
		}
		if n, err := db.VerifyAudit(ctx); err != nil || n < 2 {
			t.Fatalf("audit %d %v", n, err)
		}
	})
}

func TestPeriodChurnMatchesDefinition(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		seedOrg(t, db)
		var custs []csperf.Record
		for i := 0; i < 40; i++ {
			custs = append(custs, csperf.Record{"customer_id": fmt.Sprintf("P%02d", i), "name": "客户"})
		}
		mustImport(t, db, "customers", custs...)
		rng := rand.New(rand.NewPCG(3, 5))
		var acts []churn.Activity
		var recs []csperf.Record
		for i := 0; i < 300; i++ {
			a := churn.Activity{CustomerID: fmt.Sprintf("P%02d", rng.IntN(40)), Date: csperf.MakeDate(2014, 1, 1) + csperf.Date(rng.IntN(800))}
			acts = append(acts, a)
			recs = append(recs, csperf.Record{"visit_id": fmt.Sprintf("W%03d", i), "customer_id": a.CustomerID, "advisor_id": "A1", "visit_date": a.Date})
		}
		mustImport(t, db, "visits", recs...)
		for _, n := range []int{3, 8} {
			for _, w := range [][2]csperf.Month{{csperf.MakeMonth(2015, 1), csperf.MakeMonth(2015, 6)}, {csperf.MakeMonth(2015, 8), csperf.MakeMonth(2015, 12)}} {
				got, err := db.PeriodChurn(ctx, w[0], w[1], n)
				if err != nil {
					t.Fatal(err)
				}
				want := churn.PeriodOf(acts, w[0], w[1], n)
				gj, _ := json.Marshal(got)
				wj, _ := json.Marshal(want)
				if string(gj) != string(wj) {
					t.Fatalf("N=%d %v: got %s want %s", n, w, gj, wj)
				}
			}
		}
	})
}
