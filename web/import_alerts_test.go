package web

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
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

// blockingAlerts holds an evaluation until released, then evaluates as of
// asOf on the store.
type blockingAlerts struct {
	db       *sqlstore.DB
	asOf     time.Time
	started  chan struct{}
	released chan struct{}
}

func (b blockingAlerts) EvaluateAlerts(ctx context.Context, _ time.Time) ([]kpi.Alert, error) {
	b.started <- struct{}{}
	<-b.released
	return b.db.EvaluateAlerts(ctx, b.asOf)
}

// A survey answered through a public link evaluates alerts as an import
// does: after the answer has committed, in the background — the customer's
// thank-you page does not wait for it (the evaluation here is held until
// the page has come back) — and a failed evaluation leaves the answer
// standing. A1's one answer of January 2016, "very dissatisfied", makes A1
// miss the csat target of January, evaluated as of February.
func TestSurveyAnswerEvaluatesAlerts(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		seed(t, db, "visits", csperf.Record{"visit_id": "V1", "customer_id": "C1", "advisor_id": "A1", "visit_date": date("2016-01-10")})
		l := makeLink(t, e, "agent", map[string]any{"source_kind": "visits", "source_id": "V1"}, http.StatusCreated)
		ev := blockingAlerts{db: db, asOf: time.Date(2016, 2, 16, 2, 0, 0, 0, time.UTC), started: make(chan struct{}, 1), released: make(chan struct{})}
		srv, err := New(Config{Records: db, Imports: db, Users: db, Sessions: db, Audit: db, Settings: db, Churn: db, Perf: testPerf{db}, Surveys: db,
			Alerts: ev, Loc: db.Loc, Now: func() time.Time { return e.now }, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		e.ts.Config.Handler = srv
		defer srv.Close()
		r := e.postForm("/s/"+l.Token, "", url.Values{"overall": {"1"}}, "Sec-Fetch-Site", "same-origin")
		if r.StatusCode != 200 || !strings.Contains(r.String(), `id="survey-thanks"`) {
			t.Fatalf("answer: %d %.500s", r.StatusCode, r)
		}
		select {
		case <-ev.started:
		case <-time.After(time.Minute):
			t.Fatal("the answer started no evaluation")
		}
		close(ev.released)
		srv.Wait()
		as, _, err := db.ListAlerts(ctx, kpi.AlertFilter{KPI: "csat", Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, a := range as {
			found = found || a.Rule == kpi.AlertTargetMissed && a.Period == "2016-01" && a.Scope == "employee" && a.ScopeID == "A1"
		}
		if !found {
			t.Errorf("no csat alert of A1 for January after the answer: %+v", as)
		}

		// A failing evaluation: the answer stands, the failure is logged.
		var logs bytes.Buffer
		srv2, err := New(Config{Records: db, Imports: db, Users: db, Sessions: db, Audit: db, Settings: db, Churn: db, Perf: testPerf{db}, Surveys: db,
			Alerts: failingAlerts{}, Loc: db.Loc, Now: func() time.Time { return e.now }, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		if err != nil {
			t.Fatal(err)
		}
		e.ts.Config.Handler = srv2
		l2 := makeLink(t, e, "manager", map[string]any{"customer_id": "C2"}, http.StatusCreated)
		if r := e.postForm("/s/"+l2.Token, "", url.Values{"overall": {"5"}}, "Sec-Fetch-Site", "same-origin"); r.StatusCode != 200 {
			t.Fatalf("second answer: %d %.500s", r.StatusCode, r)
		}
		srv2.Wait()
		srv2.Close()
		if _, n, _ := db.ListRecords(ctx, csperf.KindByName("surveys"), csperf.RecordFilter{}); n != 2 {
			t.Errorf("%d surveys stored, want 2", n)
		}
		if !strings.Contains(logs.String(), "evaluate alerts after survey answer") || !strings.Contains(logs.String(), "evaluation broke") || strings.Contains(logs.String(), l2.Token) {
			t.Errorf("failure not logged, or the token logged: %s", logs.String())
		}
	})
}
