package sqlstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"csperf"
	"csperf/sqlstore"
)

// rows is a RowSource over values written in the test, aligned by name.
type rows struct {
	k    *csperf.Kind
	data []csperf.Record
	i    int
	err  error
}

func (s *rows) Next() (int, []any, bool) {
	if s.i >= len(s.data) {
		return 0, nil, false
	}
	r := s.data[s.i]
	s.i++
	vals := make([]any, len(s.k.Fields))
	for j, f := range s.k.Fields {
		vals[j] = r[f.Name]
	}
	return s.i + 1, vals, true
}

func (s *rows) Err() error { return s.err }

func importRecs(t *testing.T, db *sqlstore.DB, kind string, update bool, recs ...csperf.Record) (*csperf.ImportResult, error) {
	t.Helper()
	k := csperf.KindByName(kind)
	return db.Import(context.Background(), k, &rows{k: k, data: recs}, csperf.ImportOptions{File: kind + ".csv", Update: update})
}

func mustImport(t *testing.T, db *sqlstore.DB, kind string, recs ...csperf.Record) *csperf.ImportResult {
	t.Helper()
	res, err := importRecs(t, db, kind, false, recs...)
	if err != nil {
		t.Fatalf("import %s: %v", kind, err)
	}
	return res
}

func d(s string) csperf.Date {
	v, err := csperf.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

func seedOrg(t *testing.T, db *sqlstore.DB) {
	mustImport(t, db, "groups", csperf.Record{"group_id": "G1", "name": "一组", "department_id": "main"}, csperf.Record{"group_id": "G2", "name": "二组", "department_id": "main"})
	mustImport(t, db, "employees",
		csperf.Record{"employee_id": "A1", "name": "张三", "position": "service_advisor", "group_id": "G1", "department_id": "main"},
		csperf.Record{"employee_id": "A2", "name": "李四", "position": "service_advisor", "group_id": "G2", "department_id": "main"})
	mustImport(t, db, "customers", csperf.Record{"customer_id": "C1", "name": "王五", "phone": "13812345678"}, csperf.Record{"customer_id": "C2", "name": "赵六"})
}

func TestImportAllOrNothing(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		seedOrg(t, db)
		good := []csperf.Record{
			{"visit_id": "V1", "customer_id": "C1", "advisor_id": "A1", "visit_date": d("2015-01-14")},
			{"visit_id": "V2", "customer_id": "C1", "advisor_id": "A2", "visit_date": d("2015-03-01")},
			{"visit_id": "V3", "customer_id": "C2", "advisor_id": "A1", "visit_date": d("2015-01-31")},
		}
		res := mustImport(t, db, "visits", good...)
		if res.Inserted != 3 || res.Rows != 3 {
			t.Fatalf("first import: %+v", res)
		}
		// The same file again changes nothing.
		res = mustImport(t, db, "visits", good...)
		if res.Inserted != 0 || res.Unchanged != 3 {
			t.Fatalf("second import: %+v", res)
		}
		// One bad row of each sort: nothing of the file is written.
		bad := []csperf.Record{
			{"visit_id": "V4", "customer_id": "C1", "advisor_id": "A1", "visit_date": d("2015-05-01")},
			{"visit_id": "V5", "customer_id": "C9", "advisor_id": "A1", "visit_date": d("2015-05-01")},
			{"visit_id": "V4", "customer_id": "C1", "advisor_id": "A1", "visit_date": d("2015-05-01")},
			{"visit_id": "V1", "customer_id": "C1", "advisor_id": "A1", "visit_date": d("2015-01-15")},
		}
		_, err := importRecs(t, db, "visits", false, bad...)
		var ie *csperf.ImportError
		if !errors.As(err, &ie) {
			t.Fatalf("want ImportError, got %v", err)
		}
		want := []string{
			"visits.csv:3: column customer_id: unknown customer \"C9\": no such record in customers",
			"visits.csv:4: column visit_id: duplicate id V4 in the file (first at row 2)",
			"visits.csv:5: column visit_date: visit_id V1 exists with other values in visit_date; import with --update to change it",
		}
		if got := strings.Split(ie.Error(), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("errors:\n%s\nwant:\n%s", ie.Error(), strings.Join(want, "\n"))
		}
		_, total, err := db.ListRecords(context.Background(), csperf.KindByName("visits"), csperf.RecordFilter{})
		if err != nil || total != 3 {
			t.Fatalf("after failed import: %d visits, %v", total, err)
		}
		// --update changes the differing row.
		res, err = importRecs(t, db, "visits", true, csperf.Record{"visit_id": "V1", "customer_id": "C1", "advisor_id": "A1", "visit_date": d("2015-01-15")})
		if err != nil || res.Updated != 1 {
			t.Fatalf("update: %+v %v", res, err)
		}
		r, err := db.GetRecord(context.Background(), csperf.KindByName("visits"), []string{"V1"})
		if err != nil || r["visit_date"] != d("2015-01-15") {
			t.Fatalf("after update: %v %v", r, err)
		}
	})
}

func TestImportNextDatesAndMemberships(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		seedOrg(t, db)
		mustImport(t, db, "visits",
			csperf.Record{"visit_id": "V2", "customer_id": "C1", "advisor_id": "A1", "visit_date": d("2015-01-14")},
			csperf.Record{"visit_id": "V1", "customer_id": "C1", "advisor_id": "A1", "visit_date": d("2015-01-14")},
			csperf.Record{"visit_id": "V3", "customer_id": "C1", "advisor_id": "A2", "visit_date": d("2015-06-01")})
		ctx := context.Background()
		k := csperf.KindByName("visits")
		_ = k
		nd, err := db.NextVisitDates(ctx, "C1")
		if err != nil {
			t.Fatal(err)
		}
		if nd["V1"] != "2015-01-14" || nd["V2"] != "2015-06-01" || nd["V3"] != "" {
			t.Fatalf("next dates %v", nd)
		}
		// Moving A1 to G2 closes the G1 membership the day before "today"
		// (the test clock says 2016-01-15 in Shanghai).
		db.Now = func() time.Time { return time.Date(2016, 1, 15, 2, 0, 0, 0, time.UTC) }
		if _, err := importRecs(t, db, "employees", true, csperf.Record{"employee_id": "A1", "name": "张三", "position": "service_advisor", "group_id": "G2", "department_id": "main"}); err != nil {
			t.Fatal(err)
		}
		ms, _, err := db.ListRecords(ctx, csperf.KindByName("memberships"), csperf.RecordFilter{Where: map[string]string{"employee_id": "A1"}, Sort: "from_date"})
		if err != nil || len(ms) != 2 {
			t.Fatalf("memberships %v %v", ms, err)
		}
		if ms[0]["group_id"] != "G1" || ms[0]["to_date"] != d("2016-01-14") || ms[1]["group_id"] != "G2" || ms[1]["from_date"] != d("2016-01-15") || ms[1]["to_date"] != nil {
			t.Fatalf("memberships %v", ms)
		}
	})
}

// Employees imported with their current group, then their history: the
// history replaces the membership csperf derived from group_id.
func TestMembershipHistoryAfterEmployees(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		seedOrg(t, db)
		mustImport(t, db, "memberships",
			csperf.Record{"employee_id": "A1", "group_id": "G2", "from_date": d("2014-01-01"), "to_date": d("2015-03-31")},
			csperf.Record{"employee_id": "A1", "group_id": "G1", "from_date": d("2015-04-01")})
		ms, _, err := db.ListRecords(context.Background(), csperf.KindByName("memberships"), csperf.RecordFilter{Where: map[string]string{"employee_id": "A1"}, Sort: "from_date"})
		// The derived membership (G1 since 1900, no hire date) now ends
		// where the history begins.
		if err != nil || len(ms) != 3 || ms[0]["to_date"] != d("2013-12-31") || ms[1]["group_id"] != "G2" || ms[2]["group_id"] != "G1" {
			t.Fatalf("memberships %v %v", ms, err)
		}
		// A later move of A2 alone: the derived membership ends the day before.
		mustImport(t, db, "memberships", csperf.Record{"employee_id": "A2", "group_id": "G1", "from_date": d("2016-03-01")})
		ms, _, err = db.ListRecords(context.Background(), csperf.KindByName("memberships"), csperf.RecordFilter{Where: map[string]string{"employee_id": "A2"}, Sort: "from_date"})
		if err != nil || len(ms) != 2 || ms[0]["group_id"] != "G2" || ms[0]["to_date"] != d("2016-02-29") || ms[1]["group_id"] != "G1" {
			t.Fatalf("memberships of A2 %v %v", ms, err)
		}
	})
}
