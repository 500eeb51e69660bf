package web

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"csperf"
	"csperf/churn"
	"csperf/kpi"
	"csperf/sqlstore"
)

// The dashboard's counts, churn report and KPI tiles are cached under the
// store's data stamp: a write — by this server or another process — shows
// on the next view, however soon, and views without writes are served from
// memory.
func TestDashboardNeverStale(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		visitTile := regexp.MustCompile(`href="/r/visits\?from=2016-01-01&amp;to=2016-01-31">\s*<span class="tile-label">[^<]*</span>\s*<span class="tile-value">([^<]*)</span>`)
		view := func(role string) string {
			t.Helper()
			e.now = e.now.Add(time.Second) // well within any time-based cache
			r := e.get("/", role)
			if r.StatusCode != 200 {
				t.Fatalf("dashboard as %s: %d %s", role, r.StatusCode, r)
			}
			return r.String()
		}
		visits := func(role string) string {
			t.Helper()
			m := visitTile.FindStringSubmatch(view(role))
			if m == nil {
				t.Fatalf("no visits tile for %s", role)
			}
			return m[1]
		}
		for _, role := range []string{"manager", "supervisor", "agent"} {
			if n := visits(role); n != "0" {
				t.Fatalf("%s: %s visits before any", role, n)
			}
		}
		k := csperf.KindByName("visits")
		seed(t, db, "visits", csperf.Record{"visit_id": "V1", "customer_id": "C1", "advisor_id": ownEmp, "visit_date": date("2016-01-10")})
		for _, role := range []string{"manager", "supervisor", "agent"} {
			if n := visits(role); n != "1" {
				t.Errorf("%s after an import: %s visits, want 1", role, n)
			}
		}
		if err := db.CreateRecord(ctx, k, csperf.Record{"visit_id": "V2", "customer_id": "C2", "advisor_id": otherEmp, "visit_date": date("2016-01-11")}); err != nil {
			t.Fatal(err)
		}
		if n := visits("manager"); n != "2" {
			t.Errorf("manager after a create: %s visits, want 2", n)
		}
		if n := visits("supervisor"); n != "1" {
			t.Errorf("supervisor after another group's visit: %s, want 1", n)
		}
		if err := db.DeleteRecord(ctx, k, []string{"V1"}); err != nil {
			t.Fatal(err)
		}
		if n := visits("manager"); n != "1" {
			t.Errorf("manager after a delete: %s visits, want 1", n)
		}
		if n := visits("agent"); n != "0" {
			t.Errorf("agent after their visit was deleted: %s, want 0", n)
		}

		// A KPI target set elsewhere (csperf kpi define) shows on the tile.
		def, err := db.KPIDefinition(ctx, "csat")
		if err != nil {
			t.Fatal(err)
		}
		def.Target = kpi.Target{Op: ">=", Value: csperf.R(23, 25)}
		seed(t, db, "surveys", csperf.Record{"survey_id": "S1", "employee_id": ownEmp, "answered_at": time.Date(2015, 12, 8, 2, 0, 0, 0, time.UTC), "overall": "5"})
		if page := view("manager"); !strings.Contains(page, `<span class="tile-value">100.0%</span>`) || strings.Contains(page, "92.0%") {
			t.Fatalf("the survey's csat of 100.0%% is not shown, or the target shows before it is set: %s", page)
		}
		if err := db.DefineKPI(ctx, def); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(view("manager"), "92.0%") {
			t.Errorf("the new csat target 92%% is not on the dashboard: %s", view("manager"))
		}

		// Churn settings changed elsewhere are read again: the report's
		// threshold follows (the report itself is computed anew).
		cfg := churn.DefaultConfig()
		cfg.Threshold = 3
		if err := db.SetChurnSettings(ctx, cfg); err != nil {
			t.Fatal(err)
		}
		stamp, err := db.DataStamp(ctx)
		if err != nil {
			t.Fatal(err)
		}
		view("manager")
		e.srv.churnMu.Lock()
		got := e.srv.churnCfg
		e.srv.churnMu.Unlock()
		if got.stamp != stamp || got.cfg.Threshold != 3 {
			t.Errorf("churn settings cached %+v under %q, want threshold 3 under %q", got.cfg, got.stamp, stamp)
		}
	})
}

// Signing in computes the user's dashboard in the background, so that the
// page the sign-in leads to is served from the caches.
func TestSignInWarmsDashboard(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		seed(t, db, "visits", csperf.Record{"visit_id": "V1", "customer_id": "C1", "advisor_id": ownEmp, "visit_date": date("2016-01-10")})
		stamp, err := db.DataStamp(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if _, r := e.signIn("supervisor", testPassword); r.StatusCode != 303 {
			t.Fatalf("sign in: %d", r.StatusCode)
		}
		e.srv.Wait()
		e.srv.dash.mu.Lock()
		var counts []string
		for k, v := range e.srv.dash.m {
			if v.stamp == stamp {
				counts = append(counts, k)
			}
		}
		e.srv.dash.mu.Unlock()
		if len(counts) != 1 || !strings.HasPrefix(counts[0], "supervisor|S1|G1|2016-01") {
			t.Errorf("counts warmed: %v", counts)
		}
		e.srv.kpiTileMu.Lock()
		_, ok := e.srv.kpiTileCache["group|G1|2015-07-01..2015-12-31"]
		var keys []string
		for k := range e.srv.kpiTileCache {
			keys = append(keys, k)
		}
		e.srv.kpiTileMu.Unlock()
		if !ok {
			t.Errorf("KPI tiles warmed: %v", keys)
		}
		e.srv.churnMu.Lock()
		n := len(e.srv.churnCache)
		e.srv.churnMu.Unlock()
		if n != 1 {
			t.Errorf("%d churn reports warmed, want December's", n)
		}
	})
}
