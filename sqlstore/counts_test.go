package sqlstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"csperf"
	"csperf/kpi"
	"csperf/sqlstore"
)

// List totals come from a cache; every way the rows change — an import, a
// form's create and update, a delete, another process's import, a change
// of group membership under a supervisor's scope — must show at once.
func TestListTotalsFollowEveryWrite(t *testing.T) {
	dsns := storeDSNs(t, "counts.db")
	for engine, dsn := range dsns {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db := openTest(t, dsn)
			other := openTest(t, dsn) // a second process on the same database
			seedOrg(t, db)
			k := csperf.KindByName("visits")
			var recs []csperf.Record
			for i := 1; i <= 7; i++ {
				adv := "A1"
				if i%2 == 0 {
					adv = "A2"
				}
				recs = append(recs, csperf.Record{"visit_id": fmt.Sprintf("V%d", i), "customer_id": "C1", "advisor_id": adv, "visit_date": d(fmt.Sprintf("2015-03-%02d", i))})
			}
			mustImport(t, db, "visits", recs...)
			from := d("2015-03-02")
			all := csperf.RecordFilter{Limit: 2, Sort: "-visit_date"}
			since := csperf.RecordFilter{Limit: 2, Sort: "-visit_date", From: &from, Field: "visit_date"}
			g1 := csperf.RecordFilter{Limit: 1, Scope: &csperf.Scope{GroupIDs: []string{"G1"}}}
			check := func(step string, f csperf.RecordFilter, want int) {
				t.Helper()
				for range 2 { // counted, then from the cache
					page, total, err := db.ListRecords(ctx, k, f)
					if err != nil || total != want || len(page) != min(f.Limit, want) {
						t.Fatalf("%s: %d rows, total %d, %v; want total %d", step, len(page), total, err, want)
					}
				}
			}
			check("imported", all, 7)
			check("imported, from a date", since, 6)
			check("imported, G1's scope", g1, 4)
			if err := db.CreateRecord(ctx, k, csperf.Record{"visit_id": "V8", "customer_id": "C2", "advisor_id": "A1", "visit_date": d("2015-03-08")}); err != nil {
				t.Fatal(err)
			}
			check("created", all, 8)
			check("created, G1's scope", g1, 5)
			if _, err := db.UpdateRecord(ctx, k, []string{"V8"}, csperf.Record{"visit_date": d("2015-03-01")}); err != nil {
				t.Fatal(err)
			}
			check("updated out of the range", since, 6)
			if err := db.DeleteRecord(ctx, k, []string{"V7"}); err != nil {
				t.Fatal(err)
			}
			check("deleted", all, 7)
			check("deleted, from a date", since, 5)
			mustImport(t, other, "visits", csperf.Record{"visit_id": "V9", "customer_id": "C2", "advisor_id": "A2", "visit_date": d("2015-03-20")})
			check("imported by another process", all, 8)
			// A2 joins G1 by a membership history: G1's scope now holds
			// A2's visits too.
			mustImport(t, other, "memberships", csperf.Record{"employee_id": "A2", "group_id": "G1", "from_date": d("2014-01-01"), "to_date": d("2014-12-31")})
			check("membership changed", g1, 8)
			// Past the last page the total is still exact.
			past := csperf.RecordFilter{Limit: 5, Offset: 100}
			if page, total, err := db.ListRecords(ctx, k, past); err != nil || len(page) != 0 || total != 8 {
				t.Fatalf("past the end: %d rows, total %d, %v", len(page), total, err)
			}
		})
	}
}

// A scoped list is read as one query per employee of the scope; its pages
// must be exactly those of the plain filter and sort, ties included.
func TestScopedListPages(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		seedOrg(t, db)
		mustImport(t, db, "employees", csperf.Record{"employee_id": "A3", "name": "孙七", "position": "service_advisor", "group_id": "G1", "department_id": "main"})
		k := csperf.KindByName("visits")
		type v struct{ id, adv, date string }
		var all []v
		var recs []csperf.Record
		for i := 0; i < 40; i++ {
			r := v{fmt.Sprintf("V%02d", (i*17)%40), []string{"A1", "A2", "A3"}[i%3], fmt.Sprintf("2015-04-%02d", 1+(i*7)%9)}
			all = append(all, r)
			recs = append(recs, csperf.Record{"visit_id": r.id, "customer_id": "C1", "advisor_id": r.adv, "visit_date": d(r.date)})
		}
		mustImport(t, db, "visits", recs...)
		var want []string
		for _, r := range all {
			if r.adv != "A2" && r.date >= "2015-04-02" {
				want = append(want, r.date+" "+r.id)
			}
		}
		// Newest first, ties by id.
		sort.Slice(want, func(i, j int) bool {
			di, dj := want[i][:10], want[j][:10]
			if di != dj {
				return di > dj
			}
			return want[i] < want[j]
		})
		from := d("2015-04-02")
		for _, off := range []int{0, 7, 14, 21, 28} {
			f := csperf.RecordFilter{Limit: 7, Offset: off, Sort: "-visit_date", From: &from, Field: "visit_date", Scope: &csperf.Scope{GroupIDs: []string{"G1"}}}
			page, total, err := db.ListRecords(ctx, k, f)
			if err != nil || total != len(want) {
				t.Fatalf("offset %d: total %d, %v; want %d", off, total, err, len(want))
			}
			var got []string
			for _, r := range page {
				got = append(got, r["visit_date"].(csperf.Date).String()+" "+r["visit_id"].(string))
			}
			exp := want[min(off, len(want)):min(off+7, len(want))]
			if strings.Join(got, ",") != strings.Join(exp, ",") {
				t.Fatalf("offset %d:\n got %v\nwant %v", off, got, exp)
			}
		}
		// An employee with no visits in a scope changes nothing.
		one, n1, err1 := db.ListRecords(ctx, k, csperf.RecordFilter{Sort: "-visit_date", Scope: &csperf.Scope{EmployeeIDs: []string{"A1"}}})
		two, n2, err2 := db.ListRecords(ctx, k, csperf.RecordFilter{Sort: "-visit_date", Scope: &csperf.Scope{EmployeeIDs: []string{"A1", "S9"}}})
		if err1 != nil || err2 != nil || n1 != n2 || n1 == 0 || fmt.Sprint(one) != fmt.Sprint(two) {
			t.Fatalf("A1 alone: %d rows (%v); with S9: %d rows (%v)", n1, err1, n2, err2)
		}
		// An agent with no visits sees none; a group with no members none.
		for _, sc := range []*csperf.Scope{{EmployeeIDs: []string{"S9"}}, {GroupIDs: []string{"G9"}}} {
			if page, total, err := db.ListRecords(ctx, k, csperf.RecordFilter{Sort: "-visit_date", Scope: sc}); err != nil || len(page) != 0 || total != 0 {
				t.Fatalf("%+v: %d rows, total %d, %v", sc, len(page), total, err)
			}
		}
	})
}

// KPI values are cached per query; after each kind of change the cached
// handle must answer exactly what a fresh handle (empty cache) computes.
func TestKPIValuesCacheFollowsWrites(t *testing.T) {
	dsns := storeDSNs(t, "kpicache.db")
	for engine, dsn := range dsns {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db := openTest(t, dsn)
			newKPIFixture(4).load(t, db)
			q4, _ := kpi.ParsePeriod("2015-Q4")
			q := kpi.Query{KPIs: []string{"fcr", "asa", "service_level", "complaint_rate", "csat"}, Level: kpi.LevelOrg, Period: q4, By: kpi.UnitMonth}
			values := func(db *sqlstore.DB) string {
				t.Helper()
				rows, err := db.KPIValues(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				js, _ := json.Marshal(rows)
				return string(js)
			}
			first := values(db)
			if again := values(db); again != first {
				t.Fatal("the same query twice differs")
			}
			check := func(step string) string {
				t.Helper()
				got, want := values(db), values(openTest(t, dsn))
				if got != want {
					t.Fatalf("%s: the cached handle answers\n%s\na fresh one\n%s", step, got, want)
				}
				return got
			}
			calls := csperf.KindByName("calls")
			from, to := d("2015-10-01"), d("2015-12-31")
			page, _, err := db.ListRecords(ctx, calls, csperf.RecordFilter{From: &from, To: &to, Field: "queued_at", Where: map[string]string{"resolved_first_contact": "1"}, Limit: 1})
			if err != nil || len(page) != 1 {
				t.Fatalf("a call to change: %v %v", page, err)
			}
			id := page[0]["call_id"].(string)
			if _, err := db.UpdateRecord(ctx, calls, []string{id}, csperf.Record{"resolved_first_contact": false}); err != nil {
				t.Fatal(err)
			}
			if check("updated") == first {
				t.Fatal("un-resolving a call changed no figure")
			}
			complaints := csperf.KindByName("complaints")
			page, _, err = db.ListRecords(ctx, complaints, csperf.RecordFilter{From: &from, To: &to, Field: "opened_at", Limit: 1})
			if err != nil || len(page) != 1 {
				t.Fatalf("a complaint to delete: %v %v", page, err)
			}
			if err := db.DeleteRecord(ctx, complaints, []string{page[0]["complaint_id"].(string)}); err != nil {
				t.Fatal(err)
			}
			check("deleted")
			if err := db.SetKPIParams(ctx, kpi.Params{ServiceLevelSeconds: 7}); err != nil {
				t.Fatal(err)
			}
			check("parameters changed")
			def, err := db.KPIDefinition(ctx, "csat")
			if err != nil {
				t.Fatal(err)
			}
			def.Target.Value = csperf.R(1, 3)
			if err := db.DefineKPI(ctx, def); err != nil {
				t.Fatal(err)
			}
			check("target changed")
		})
	}
}
