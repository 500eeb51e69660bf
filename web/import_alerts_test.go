package web

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"csperf"
	"csperf/kpi"
	"csperf/sqlstore"
)

// Imports through the API and the upload page evaluate alerts once they
// have committed: surveys of December 2015 (the last complete month on the
// test clock) with low scores make A1 and G1 miss the csat target.
func TestImportEvaluatesAlerts(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		csat := func() map[string]bool {
			as, _, err := db.ListAlerts(ctx, kpi.AlertFilter{KPI: "csat", Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			for _, a := range as {
				if a.Rule == kpi.AlertTargetMissed && a.Period == "2015-12" {
					got[a.Scope+":"+a.ScopeID] = true
				}
			}
			return got
		}
		r := e.req("POST", "/api/v1/import/surveys?name=s.csv", "manager",
			strings.NewReader("survey_id,employee_id,answered_at,overall\nS1,A1,2015-12-10T10:00:00,1\nS2,A1,2015-12-11T10:00:00,2\n"))
		if r.StatusCode != 200 {
			t.Fatalf("API import: %d %s", r.StatusCode, r)
		}
		e.srv.Wait()
		if got := csat(); !got["employee:A1"] || !got["group:G1"] {
			t.Errorf("after the API import, csat alerts %v; want A1 and G1", got)
		}
		// The upload page: B1's surveys make B1 and G2 miss it too.
		b, _ := e.signIn("manager", testPassword)
		body, ctype := multipartFile(t, "s2.csv", "survey_id,employee_id,answered_at,overall\nS3,B1,2015-12-12T10:00:00,1\n", b.csrf)
		r = e.req("POST", "/import/surveys", "", body, "Content-Type", ctype, "Cookie", "__Host-csperf="+b.cookie)
		if r.StatusCode != 200 {
			t.Fatalf("upload: %d %.500s", r.StatusCode, r)
		}
		e.srv.Wait()
		if got := csat(); !got["employee:B1"] || !got["group:G2"] {
			t.Errorf("after the upload, csat alerts %v; want B1 and G2", got)
		}
	})
}

type failingAlerts struct{}

func (failingAlerts) EvaluateAlerts(context.Context, time.Time) ([]kpi.Alert, error) {
	return nil, errors.New("evaluation broke")
}

// An evaluation that fails leaves the import standing and is logged.
func TestImportStandsWhenAlertsFail(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		var logs bytes.Buffer
		srv, err := New(Config{Records: db, Imports: db, Users: db, Sessions: db, Audit: db, Settings: db, Churn: db, Perf: testPerf{db},
			Alerts: failingAlerts{}, Loc: db.Loc, Now: func() time.Time { return e.now }, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		if err != nil {
			t.Fatal(err)
		}
		e.ts.Config.Handler = srv
		r := e.req("POST", "/api/v1/import/surveys?name=s.csv", "manager",
			strings.NewReader("survey_id,employee_id,answered_at,overall\nS1,A1,2015-12-10T10:00:00,1\n"))
		if r.StatusCode != http.StatusOK {
			t.Fatalf("import: %d %s", r.StatusCode, r)
		}
		srv.Wait()
		srv.Close()
		if _, err := db.GetRecord(context.Background(), csperf.KindByName("surveys"), []string{"S1"}); err != nil {
			t.Errorf("the import did not stand: %v", err)
		}
		if !strings.Contains(logs.String(), "evaluate alerts after import") || !strings.Contains(logs.String(), "evaluation broke") {
			t.Errorf("failure not logged: %s", logs.String())
		}
	})
}
