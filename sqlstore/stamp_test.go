package sqlstore_test

import (
	"context"
	"testing"

	"csperf"
	"csperf/churn"
	"csperf/kpi"
	"csperf/sqlstore"
)

// The data stamp keys the web's dashboard and churn caches: every write
// they depend on must change it — by this handle or another process's —
// and reading alone must not.
func TestDataStampFollowsEveryWrite(t *testing.T) {
	dsns := storeDSNs(t, "stamp.db")
	for engine, dsn := range dsns {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db := openTest(t, dsn)
			other := openTest(t, dsn) // a second process on the same database
			seedOrg(t, db)
			stamp := func() string {
				t.Helper()
				s, err := db.DataStamp(ctx)
				if err != nil {
					t.Fatal(err)
				}
				return s
			}
			last := stamp()
			changed := func(step string) {
				t.Helper()
				s := stamp()
				if s == last {
					t.Errorf("%s: the stamp stayed %s", step, s)
				}
				last = s
			}
			if s := stamp(); s != last {
				t.Fatalf("reading changed the stamp: %s → %s", last, s)
			}
			k := csperf.KindByName("visits")
			mustImport(t, db, "visits", csperf.Record{"visit_id": "V1", "customer_id": "C1", "advisor_id": "A1", "visit_date": d("2015-03-01")})
			changed("an import")
			if err := db.CreateRecord(ctx, k, csperf.Record{"visit_id": "V2", "customer_id": "C1", "advisor_id": "A1", "visit_date": d("2015-03-02")}); err != nil {
				t.Fatal(err)
			}
			changed("a form's create")
			if _, err := db.UpdateRecord(ctx, k, []string{"V2"}, csperf.Record{"visit_date": d("2015-03-03")}); err != nil {
				t.Fatal(err)
			}
			changed("an update")
			if err := other.DeleteRecord(ctx, k, []string{"V2"}); err != nil {
				t.Fatal(err)
			}
			changed("another process's delete")
			if _, err := db.KPIValues(ctx, kpi.Query{KPIs: []string{"csat"}, Level: kpi.LevelOrg, Period: kpi.MonthPeriod(csperf.MakeDate(2015, 3, 1).Month())}); err != nil {
				t.Fatal(err)
			}
			stamp() // draining the roll-ups may bump month versions; that is a change too
			last = stamp()
			if err := db.SetSetting(ctx, "auth.policy", "mlps"); err != nil {
				t.Fatal(err)
			}
			changed("a setting")
			if err := db.SetSetting(ctx, "auth.policy", "mlps"); err != nil {
				t.Fatal(err)
			}
			if s := stamp(); s != last {
				t.Errorf("an unchanged setting changed the stamp")
			}
			cfg := churn.DefaultConfig()
			cfg.Threshold = 6
			if err := other.SetChurnSettings(ctx, cfg); err != nil {
				t.Fatal(err)
			}
			changed("another process's churn settings")
			def, err := db.KPIDefinition(ctx, "csat")
			if err != nil {
				t.Fatal(err)
			}
			def.Target = kpi.Target{Op: ">=", Value: csperf.R(23, 25)}
			if err := db.DefineKPI(ctx, def); err != nil {
				t.Fatal(err)
			}
			changed("a KPI target")
			if err := db.RemoveKPIDefinition(ctx, "csat"); err != nil {
				t.Fatal(err)
			}
			changed("a KPI back to its catalog definition")
			if err := db.SetAlertWebhook(ctx, sqlstore.AlertWebhook{URL: "https://example.com/hook", Secret: "a-signing-secret-of-some-length"}); err != nil {
				t.Fatal(err)
			}
			changed("the alert webhook")
			m := csperf.MakeDate(2015, 3, 1).Month()
			if _, err := db.CloseChurnMonth(ctx, m); err != nil {
				t.Fatal(err)
			}
			changed("closing a churn month")
			if err := db.ReopenChurnMonth(ctx, m, "a correction", true); err != nil {
				t.Fatal(err)
			}
			changed("reopening it")
		})
	}
}
