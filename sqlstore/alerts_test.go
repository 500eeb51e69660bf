package sqlstore_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"csperf"
	"csperf/kpi"
	"csperf/sqlstore"
)

func TestAlerts(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := newKPIFixture(5)
		f.load(t, db)
		for _, u := range []*csperf.User{
			{Username: "m1", Role: csperf.RoleSupervisor, EmployeeID: "M1", PasswordHash: "x"},
			{Username: "lead3", Role: csperf.RoleSupervisor, GroupIDs: []string{"G3"}, PasswordHash: "x"},
			{Username: "boss", Role: csperf.RoleManager, PasswordHash: "x"},
		} {
			if err := db.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
		}
		// The figures of September 2015 that should raise alerts.
		sep, _ := kpi.ParsePeriod("2015-09")
		wantMissed := 0
		for _, level := range []string{kpi.LevelEmployee, kpi.LevelGroup} {
			rows, err := db.KPIValues(ctx, kpi.Query{Level: level, Period: sep})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				def, _ := db.KPIDefinition(ctx, r.KPI)
				if r.Met != nil && !*r.Met && !(level == kpi.LevelEmployee && def.Aggregation == kpi.CountPerPeriod && r.Numerator == 0) {
					wantMissed++
				}
			}
		}
		wantDecline := 0
		defs, _ := db.KPIDefinitions(ctx)
		for _, level := range []string{kpi.LevelEmployee, kpi.LevelGroup} {
			span, _ := kpi.ParsePeriod("2015-06..2015-09")
			for _, id := range sqlstore.DefaultDeclineKPIs {
				def, _ := db.KPIDefinition(ctx, id)
				if !def.AppliesTo(level) {
					continue
				}
				rows, err := db.KPIValues(ctx, kpi.Query{KPIs: []string{id}, Level: level, Period: span, By: "month"})
				if err != nil {
					t.Fatal(err)
				}
				for i := 0; i < len(rows); i += 4 {
					val := func(r kpi.Row) kpi.Value {
						return kpi.Value{Num: r.Numerator, Den: r.Denominator, Valid: r.Denominator > 0}
					}
					if ok, _ := kpi.Declined(def, val(rows[i+3]), []kpi.Value{val(rows[i]), val(rows[i+1]), val(rows[i+2])}); ok {
						wantDecline++
					}
				}
			}
		}
		_ = defs
		alerts, err := db.EvaluateAlerts(ctx, time.Date(2015, 10, 5, 1, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		counts := map[string]int{}
		for _, a := range alerts {
			counts[a.Rule]++
			if a.Period != "2015-09" || a.Value == "" || a.Reference == "" || a.Message == "" {
				t.Errorf("alert %+v", a)
			}
			switch {
			case a.Scope == kpi.LevelEmployee && a.ScopeID == "M1" && (a.Recipient != "" || len(a.RecipientUsers) != 1 || a.RecipientUsers[0] != "boss"):
				t.Errorf("M1 has no supervisor: alert to %q %v", a.Recipient, a.RecipientUsers)
			case a.Scope == kpi.LevelEmployee && a.ScopeID != "M1" && (a.Recipient != "M1" || len(a.RecipientUsers) != 1 || a.RecipientUsers[0] != "m1"):
				t.Errorf("employee alert to %q %v", a.Recipient, a.RecipientUsers)
			case a.Scope == kpi.LevelGroup && a.ScopeID == "G3" && (len(a.RecipientUsers) != 1 || a.RecipientUsers[0] != "lead3"):
				t.Errorf("G3 alert to %v", a.RecipientUsers)
			case a.Scope == kpi.LevelGroup && a.ScopeID != "G3" && (len(a.RecipientUsers) != 1 || a.RecipientUsers[0] != "boss"):
				t.Errorf("%s alert to %v (no leader: the managers)", a.ScopeID, a.RecipientUsers)
			}
		}
		if counts[kpi.AlertTargetMissed] != wantMissed || counts[kpi.AlertDecline] != wantDecline || wantMissed == 0 || wantDecline == 0 {
			t.Errorf("alerts %v, want %d missed and %d declines", counts, wantMissed, wantDecline)
		}
		// No duplicate for the same figure.
		again, err := db.EvaluateAlerts(ctx, time.Date(2015, 10, 20, 1, 0, 0, 0, time.UTC))
		if err != nil || len(again) != 0 {
			t.Errorf("second evaluation raised %d alerts, %v", len(again), err)
		}
		list, total, err := db.ListAlerts(ctx, kpi.AlertFilter{UserID: "lead3", Limit: 1000})
		if err != nil || total == 0 || len(list) != total {
			t.Fatalf("alerts of lead3: %d of %d, %v", len(list), total, err)
		}
		if err := db.AcknowledgeAlert(ctx, list[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, open, _ := db.ListAlerts(ctx, kpi.AlertFilter{UserID: "lead3", Open: true}); open != total-1 {
			t.Errorf("open after acknowledging one: %d of %d", open, total)
		}
		if err := db.AcknowledgeAlert(ctx, 99999); csperf.ErrorCode(err) != csperf.ENOTFOUND {
			t.Errorf("unknown alert: %v", err)
		}

		// A goal at risk raises an alert to the owner's supervisor.
		if _, err := db.CreateGoal(ctx, kpi.Goal{Title: "FCR", KPI: "fcr", Scope: kpi.LevelEmployee, ScopeID: "C2",
			Target: kpi.Target{Op: ">=", Value: csperf.R(1, 1)}, Start: d("2015-10-01"), Deadline: d("2015-12-31"), Owner: "C2"}); err != nil {
			t.Fatal(err)
		}

		// Webhook: signed POSTs, the first one refused, retried later.
		var mu sync.Mutex
		var got []kpi.Alert
		calls := 0
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			ts, _ := strconv.ParseInt(r.Header.Get("X-Csperf-Timestamp"), 10, 64)
			if r.Header.Get("X-Csperf-Signature") != sqlstore.SignAlert("0123456789abcdef-secret", ts, body) {
				t.Errorf("bad signature")
			}
			mu.Lock()
			defer mu.Unlock()
			calls++
			if calls == 1 {
				http.Error(w, "busy", http.StatusServiceUnavailable)
				return
			}
			var a kpi.Alert
			json.Unmarshal(body, &a)
			got = append(got, a)
		}))
		defer srv.Close()
		if err := db.SetAlertWebhook(ctx, sqlstore.AlertWebhook{URL: srv.URL, Secret: "short"}); csperf.ErrorCode(err) != csperf.EINVALID {
			t.Errorf("short secret: %v", err)
		}
		if err := db.SetAlertWebhook(ctx, sqlstore.AlertWebhook{URL: srv.URL, Secret: "0123456789abcdef-secret"}); err != nil {
			t.Fatal(err)
		}
		if a, _, _ := db.ListAudit(ctx, csperf.AuditFilter{Object: "settings/" + sqlstore.SettingAlertWebhook}); len(a) != 1 || a[0].After == "" || contains(a[0].After, "0123456789abcdef") {
			t.Errorf("webhook audit %+v", a)
		}
		now := time.Date(2015, 11, 16, 1, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		fresh, err := db.EvaluateAlerts(ctx, now)
		if err != nil || len(fresh) == 0 {
			t.Fatalf("October alerts: %d, %v", len(fresh), err)
		}
		goalAlerts := 0
		for _, a := range fresh {
			if a.Delivery != "pending" {
				t.Errorf("delivery %q", a.Delivery)
			}
			if a.Rule == kpi.AlertGoalAtRisk {
				goalAlerts++
				if a.GoalID != 1 || a.Recipient != "M1" || a.Period != "2015-10" {
					t.Errorf("goal alert %+v", a)
				}
			}
		}
		if goalAlerts != 1 {
			t.Errorf("%d goal alerts", goalAlerts)
		}
		sent, failed, err := db.DeliverAlerts(ctx, srv.Client())
		if err != nil || sent != len(fresh)-1 || failed != 0 {
			t.Fatalf("first round: %d sent, %d failed, %v", sent, failed, err)
		}
		if sent, _, _ := db.DeliverAlerts(ctx, srv.Client()); sent != 0 {
			t.Errorf("the retry is not due yet, but %d were sent", sent)
		}
		now = now.Add(31 * time.Second)
		if sent, _, err := db.DeliverAlerts(ctx, srv.Client()); sent != 1 || err != nil {
			t.Errorf("retry: %d sent, %v", sent, err)
		}
		if len(got) != len(fresh) {
			t.Errorf("webhook received %d of %d alerts", len(got), len(fresh))
		}
		if l, _, _ := db.ListAlerts(ctx, kpi.AlertFilter{Limit: 1}); l[0].Delivery != "delivered" {
			t.Errorf("delivery state %q", l[0].Delivery)
		}
	})
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
