package sqlstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"csperf"
	"csperf/churn"
	"csperf/sqlstore"
)

// TestChurnFastPathFollowsEveryChange drives a store through a random
// sequence of the changes that move churn figures — imports of new visits
// (earlier and later than those stored, same-day visits whose ids sort
// differently as text and as numbers), update imports that move visits to
// another day, customer or advisor, edits and deletes of single visits,
// advisors moving between groups, threshold changes and closed months —
// and after each one compares every month's report with the pure
// definition (churn.FromVisits and churn.Assess over the visits the test
// keeps itself), for two thresholds. A closed month must keep its frozen
// report under the stored settings whatever happens after.
func TestChurnFastPathFollowsEveryChange(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		mustImport(t, db, "groups", csperf.Record{"group_id": "G1", "name": "一组"}, csperf.Record{"group_id": "G2", "name": "二组"},
			csperf.Record{"group_id": "G3", "name": "三组"})
		advisors := []string{"A1", "A2", "A3", "A4"}
		mustImport(t, db, "employees",
			csperf.Record{"employee_id": "A1", "name": "甲", "position": "service_advisor"},
			csperf.Record{"employee_id": "A2", "name": "乙", "position": "service_advisor"},
			csperf.Record{"employee_id": "A3", "name": "丙", "position": "service_advisor"},
			csperf.Record{"employee_id": "A4", "name": "己", "position": "service_advisor"},
			csperf.Record{"employee_id": "S1", "name": "丁", "position": "return_visit_specialist"},
			csperf.Record{"employee_id": "M1", "name": "戊", "position": "service_manager"})
		org := churn.Org{Groups: []string{"G1", "G2", "G3"}, Specialists: []string{"S1"},
			Memberships: []churn.Membership{
				{EmployeeID: "A1", GroupID: "G1", From: d("2014-01-01"), To: churn.Open},
				{EmployeeID: "A2", GroupID: "G1", From: d("2014-01-01"), To: churn.Open},
				{EmployeeID: "A3", GroupID: "G2", From: d("2014-01-01"), To: churn.Open}},
			Coverage: []churn.Coverage{{SpecialistID: "S1", AdvisorID: "A1", From: d("1900-01-01"), To: churn.Open},
				{SpecialistID: "S1", AdvisorID: "A2", From: d("1900-01-01"), To: churn.Open}},
			Managers: []churn.Manager{{EmployeeID: "M1", Position: "service_manager"}}}
		var mrecs []csperf.Record
		for _, m := range org.Memberships {
			mrecs = append(mrecs, csperf.Record{"employee_id": m.EmployeeID, "group_id": m.GroupID, "from_date": m.From})
		}
		mustImport(t, db, "memberships", mrecs...)
		mustImport(t, db, "coverage",
			csperf.Record{"specialist_id": "S1", "advisor_id": "A1", "from_date": d("1900-01-01")},
			csperf.Record{"specialist_id": "S1", "advisor_id": "A2", "from_date": d("1900-01-01")})
		const nCust = 30
		var custs []csperf.Record
		for i := 0; i < nCust; i++ {
			custs = append(custs, csperf.Record{"customer_id": fmt.Sprintf("C%d", i), "name": "客户"})
		}
		mustImport(t, db, "customers", custs...)

		rng := rand.New(rand.NewPCG(2026, 11))
		first := d("2014-01-01")
		visits := map[string]churn.Visit{}
		nextID := 0
		rec := func(v churn.Visit) csperf.Record {
			return csperf.Record{"visit_id": v.ID, "customer_id": v.CustomerID, "advisor_id": v.AdvisorID, "visit_date": v.Date}
		}
		randomVisit := func() churn.Visit {
			nextID++
			// Ids V1…V999: "V10" sorts before "V9", so same-day order is by
			// bytes, not numbers.
			v := churn.Visit{ID: fmt.Sprintf("V%d", nextID), CustomerID: fmt.Sprintf("C%d", rng.IntN(nCust)),
				AdvisorID: advisors[rng.IntN(len(advisors))], Date: first + csperf.Date(rng.IntN(760))}
			if len(visits) > 0 && rng.IntN(6) == 0 { // the same day as a stored visit of the customer
				w := visits[pick(rng, visits)]
				v.CustomerID, v.Date = w.CustomerID, w.Date
			}
			return v
		}
		all := func() []churn.Visit { return slices.Collect(maps.Values(visits)) }

		stored := churn.DefaultSettings()
		frozen := map[csperf.Month]string{}
		check := func(step string) {
			t.Helper()
			for _, n := range []int{stored.Threshold, 3} {
				s := stored
				s.Threshold = n
				vs := all()
				for m := csperf.MakeMonth(2014, 2); m <= csperf.MakeMonth(2016, 4); m++ {
					got, err := db.ChurnReport(ctx, m, s)
					if err != nil {
						t.Fatalf("%s: %v", step, err)
					}
					gj, _ := json.Marshal(got)
					if js, ok := frozen[m]; ok && n == stored.Threshold {
						if string(gj) != js {
							t.Fatalf("%s: closed month %s changed:\n got %s\nwant %s", step, m, gj, js)
						}
						continue
					}
					var prev [3]churn.DeptFigure
					for i := range prev {
						prev[i] = churn.FromVisits(vs, m-csperf.Month(i+1), n).Department()
					}
					want, err := churn.Assess(churn.FromVisits(vs, m, n), prev, org, s)
					if err != nil {
						t.Fatal(err)
					}
					wj, _ := json.Marshal(want)
					if string(gj) != string(wj) {
						t.Fatalf("%s: N=%d %s:\n got %s\nwant %s", step, n, m, gj, wj)
					}
				}
			}
		}

		// A first import, then a later one that interleaves with it.
		for _, size := range []int{120, 60} {
			var recs []csperf.Record
			for range size {
				v := randomVisit()
				visits[v.ID] = v
				recs = append(recs, rec(v))
			}
			mustImport(t, db, "visits", recs...)
		}
		check("imports")
		closedAt := map[csperf.Month]csperf.Month{} // closed month → its base month
		for step := 0; step < 24; step++ {
			switch op := rng.IntN(7); op {
			case 0: // another import of new visits
				var recs []csperf.Record
				for range 1 + rng.IntN(25) {
					v := randomVisit()
					visits[v.ID] = v
					recs = append(recs, rec(v))
				}
				mustImport(t, db, "visits", recs...)
			case 1: // an update import moving some visits, with unchanged and new rows
				var recs []csperf.Record
				for range 1 + rng.IntN(6) {
					v := visits[pick(rng, visits)]
					switch rng.IntN(3) {
					case 0:
						v.Date = first + csperf.Date(rng.IntN(760))
					case 1:
						v.CustomerID = fmt.Sprintf("C%d", rng.IntN(nCust))
					case 2:
						v.AdvisorID = advisors[rng.IntN(len(advisors))]
					}
					visits[v.ID] = v
					recs = append(recs, rec(v))
				}
				recs = append(recs, rec(visits[pick(rng, visits)]))
				v := randomVisit()
				visits[v.ID] = v
				recs = append(recs, rec(v))
				if _, err := importRecs(t, db, "visits", true, recs...); err != nil {
					t.Fatal(err)
				}
			case 2: // one visit edited
				id := pick(rng, visits)
				v := visits[id]
				v.Date = first + csperf.Date(rng.IntN(760))
				v.AdvisorID = advisors[rng.IntN(len(advisors))]
				if _, err := db.UpdateRecord(ctx, csperf.KindByName("visits"), []string{id}, csperf.Record{"visit_date": v.Date, "advisor_id": v.AdvisorID}); err != nil {
					t.Fatal(err)
				}
				visits[id] = v
			case 3: // one visit deleted, refused when a closed month depends on it
				id := pick(rng, visits)
				err := db.DeleteRecord(ctx, csperf.KindByName("visits"), []string{id})
				switch {
				case err == nil:
					delete(visits, id)
				case csperf.ErrorCode(err) == csperf.ECONFLICT && frozenDay(closedAt, visits[id].Date):
				default:
					t.Fatalf("delete %s: %v", id, err)
				}
			case 4: // an advisor moves to another group on a day
				i := rng.IntN(len(org.Memberships))
				m := &org.Memberships[i]
				if m.To != churn.Open {
					continue
				}
				day := m.From + 1 + csperf.Date(rng.IntN(300))
				to := []string{"G1", "G2", "G3"}[rng.IntN(3)]
				if _, err := importRecs(t, db, "memberships", true,
					csperf.Record{"employee_id": m.EmployeeID, "group_id": m.GroupID, "from_date": m.From, "to_date": day - 1},
					csperf.Record{"employee_id": m.EmployeeID, "group_id": to, "from_date": day}); err != nil {
					t.Fatal(err)
				}
				m.To = day - 1
				org.Memberships = append(org.Memberships, churn.Membership{EmployeeID: m.EmployeeID, GroupID: to, From: day, To: churn.Open})
			case 5: // the threshold changes
				c, err := db.ChurnSettings(ctx)
				if err != nil {
					t.Fatal(err)
				}
				c.Threshold = []int{6, 8, 12}[rng.IntN(3)]
				if err := db.SetChurnSettings(ctx, c); err != nil {
					t.Fatal(err)
				}
				stored = c.Rules()
			case 6: // a month is closed
				m := csperf.MakeMonth(2014, 2) + csperf.Month(rng.IntN(27))
				if _, ok := closedAt[m]; ok {
					continue
				}
				if _, err := db.CloseChurnMonth(ctx, m); err != nil {
					t.Fatal(err)
				}
				rep, err := db.ChurnReport(ctx, m, stored)
				if err != nil {
					t.Fatal(err)
				}
				js, _ := json.Marshal(rep)
				frozen[m], closedAt[m] = string(js), rep.BaseMonth
			}
			check(fmt.Sprintf("step %d", step))
		}
	})
}

// frozenDay reports whether a visit on day d lies in the months a closed
// month was computed from (its base month to itself).
func frozenDay(closed map[csperf.Month]csperf.Month, d csperf.Date) bool {
	for m, base := range closed {
		if base.First() <= d && d <= m.Last() {
			return true
		}
	}
	return false
}

// pick returns a random key of m, the same for the same random stream.
func pick(rng *rand.Rand, m map[string]churn.Visit) string {
	keys := slices.Sorted(maps.Keys(m))
	return keys[rng.IntN(len(keys))]
}
