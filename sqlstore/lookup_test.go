package sqlstore_test

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"slices"
	"testing"

	"csperf"
	"csperf/sqlstore"
)

// TestGetRecordsMatchesGetRecord reads 1,203 customers by id — more than
// two chunks of one statement each — with unknown and repeated ids among
// them, and finds each exactly as GetRecord reads it.
func TestGetRecordsMatchesGetRecord(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		k := csperf.KindByName("customers")
		var recs []csperf.Record
		var ids []string
		for i := range 1203 {
			id := fmt.Sprintf("K%04d", i)
			r := csperf.Record{"customer_id": id, "name": fmt.Sprintf("客户%d", i)}
			if i%3 == 0 {
				r["phone"] = fmt.Sprintf("138%08d", i)
			}
			recs = append(recs, r)
			ids = append(ids, id)
		}
		mustImport(t, db, "customers", recs...)
		ask := append(slices.Clone(ids), "K0007", "NOPE", "K1202", "")
		got, err := db.GetRecords(ctx, k, ask)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(ids) {
			t.Fatalf("%d records for %d ids", len(got), len(ids))
		}
		for _, id := range ids {
			want, err := db.GetRecord(ctx, k, []string{id})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got[id], want) {
				t.Fatalf("%s: %v, GetRecord %v", id, got[id], want)
			}
		}
		if none, err := db.GetRecords(ctx, k, nil); err != nil || len(none) != 0 {
			t.Errorf("no ids: %v %v", none, err)
		}
		if _, err := db.GetRecords(ctx, csperf.KindByName("memberships"), []string{"x"}); csperf.ErrorCode(err) != csperf.EINVALID {
			t.Errorf("a composite key: %v", err)
		}
	})
}

// TestChurnReasonsByChunks churns 1,100 customers in September 2015 (their
// only visit in January) and gives them return visits of every sort; the
// reasons read a chunk of customers at a time must be those written out
// here: each customer's latest return visit with a reason after their last
// visit (of one day, the greater id), "not yet asked" without one.
func TestChurnReasonsByChunks(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		seedOrg(t, db)
		var custs, visits, rvs []csperf.Record
		want := map[string][]string{}
		rv := 0
		addRV := func(cust, date string, reason any) {
			rv++
			r := csperf.Record{"return_visit_id": fmt.Sprintf("R%05d", rv), "customer_id": cust, "specialist_id": "A1", "done_date": d(date)}
			if reason != nil {
				r["churn_reason"] = reason
			}
			rvs = append(rvs, r)
		}
		for i := range 1100 {
			id := fmt.Sprintf("Q%04d", i)
			custs = append(custs, csperf.Record{"customer_id": id, "name": "客户"})
			visits = append(visits, csperf.Record{"visit_id": "V" + id, "customer_id": id, "advisor_id": "A1", "visit_date": d("2015-01-20")})
			reason := "not yet asked"
			switch i % 6 {
			case 0: // none at all
			case 1: // only before the last visit: does not count
				addRV(id, "2015-01-10", "价格")
			case 2: // after: the latest wins
				addRV(id, "2015-03-01", "价格")
				addRV(id, "2015-05-01", "搬家")
				reason = "搬家"
			case 3: // one day, two return visits: the greater id wins
				addRV(id, "2015-04-01", "服务态度")
				addRV(id, "2015-04-01", "距离远")
				reason = "距离远"
			case 4: // a later one without a reason does not hide an earlier reason
				addRV(id, "2015-02-01", "价格")
				addRV(id, "2015-06-01", nil)
				reason = "价格"
			case 5: // the day of the last visit itself is not after it
				addRV(id, "2015-01-20", "价格")
			}
			want[reason] = append(want[reason], id)
		}
		mustImport(t, db, "customers", custs...)
		mustImport(t, db, "visits", visits...)
		mustImport(t, db, "return_visits", rvs...)
		got, _, err := db.ChurnReasons(ctx, csperf.MakeMonth(2015, 9), 8)
		if err != nil {
			t.Fatal(err)
		}
		gotBy := map[string][]string{}
		total := 0
		for _, r := range got {
			if r.Customers != len(r.IDs) {
				t.Errorf("%s: %d customers, %d ids", r.Reason, r.Customers, len(r.IDs))
			}
			gotBy[r.Reason] = r.IDs
			total += r.Customers
		}
		if total != 1100 || !reflect.DeepEqual(gotBy, want) {
			t.Fatalf("reasons of %d customers:\n got %v\nwant %v", total, counts(gotBy), counts(want))
		}
	})
}

func counts(by map[string][]string) map[string]int {
	out := map[string]int{}
	for k, v := range by {
		out[k] = len(v)
	}
	return out
}

// BenchmarkCustomerLookup reads the names and phones of 16,000 customers
// (the churned customers of a month at the 10-million scale), one
// statement per customer as the churn PDF once did, and by chunks of 500
// with GetRecords, on each engine.
func BenchmarkCustomerLookup(b *testing.B) {
	const n = 16000
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			var dsn string
			if engine == "sqlite" {
				dsn = "sqlite:" + b.TempDir() + "/bench.db"
			} else {
				url := os.Getenv("CSPERF_TEST_POSTGRES_URL")
				if url == "" {
					b.Skip("CSPERF_TEST_POSTGRES_URL not set")
				}
				dsn = freshPostgresB(b, url)
			}
			db, err := sqlstore.Open(dsn)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			ctx := context.Background()
			if _, err := db.Migrate(ctx); err != nil {
				b.Fatal(err)
			}
			var recs []csperf.Record
			var ids []string
			for i := range n {
				id := fmt.Sprintf("B%06d", i*7)
				recs = append(recs, csperf.Record{"customer_id": id, "name": "客户", "phone": fmt.Sprintf("138%08d", i)})
				ids = append(ids, id)
			}
			k := csperf.KindByName("customers")
			if _, err := db.Import(ctx, k, &rows{k: k, data: recs}, csperf.ImportOptions{File: "customers.csv"}); err != nil {
				b.Fatal(err)
			}
			b.Run("one_by_one", func(b *testing.B) {
				for b.Loop() {
					for _, id := range ids {
						if _, err := db.GetRecord(ctx, k, []string{id}); err != nil {
							b.Fatal(err)
						}
					}
				}
			})
			b.Run("by_chunks", func(b *testing.B) {
				for b.Loop() {
					if got, err := db.GetRecords(ctx, k, ids); err != nil || len(got) != n {
						b.Fatal(len(got), err)
					}
				}
			})
		})
	}
}
