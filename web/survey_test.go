package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"csperf"
	"csperf/sqlstore"
)

// makeLink makes a survey link through the API as role and returns it.
func makeLink(t *testing.T, e *env, role string, body map[string]any, want int) csperf.SurveyLink {
	t.Helper()
	r := e.sendJSON("POST", "/api/v1/survey-links", role, body)
	if r.StatusCode != want {
		t.Fatalf("make link %v as %s: %d, want %d: %s", body, role, r.StatusCode, want, r)
	}
	var l csperf.SurveyLink
	if want == http.StatusCreated {
		r.json(t, &l)
	}
	return l
}

func TestSurveyLinkAPIAndScope(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		seed(t, db, "visits", csperf.Record{"visit_id": "V1", "customer_id": "C1", "advisor_id": "A1", "visit_date": date("2016-01-10")},
			csperf.Record{"visit_id": "V2", "customer_id": "C2", "advisor_id": "B1", "visit_date": date("2016-01-11")})
		// An agent: for their own visit, and not for another's (answered
		// as if it did not exist).
		l := makeLink(t, e, "agent", map[string]any{"source_kind": "visits", "source_id": "V1"}, http.StatusCreated)
		if l.CustomerID != "C1" || l.EmployeeID != "A1" || len(l.Token) != 43 || !strings.HasSuffix(l.URL, "/s/"+l.Token) || l.Status != "open" {
			t.Errorf("agent's link = %+v", l)
		}
		if r := e.sendJSON("POST", "/api/v1/survey-links", "agent", map[string]any{"source_kind": "visits", "source_id": "V2"}); r.StatusCode != 400 || !strings.Contains(r.String(), `"field":"source_id"`) {
			t.Errorf("agent, another's visit: %d %s", r.StatusCode, r)
		}
		// Without a contact the agent's own id is the employee.
		if l := makeLink(t, e, "agent", map[string]any{"customer_id": "C2"}, http.StatusCreated); l.EmployeeID != ownEmp {
			t.Errorf("agent without employee: %+v", l)
		}
		// A supervisor: their group's employees only.
		makeLink(t, e, "supervisor", map[string]any{"customer_id": "C2", "employee_id": groupEmp}, http.StatusCreated)
		makeLink(t, e, "supervisor", map[string]any{"customer_id": "C2", "employee_id": otherEmp}, http.StatusForbidden)
		makeLink(t, e, "manager", map[string]any{"source_kind": "visits", "source_id": "V2"}, http.StatusCreated)
		makeLink(t, e, "manager", map[string]any{"customer_id": "C9"}, http.StatusBadRequest)
		makeLink(t, e, "manager", map[string]any{"source_kind": "orders", "source_id": "O1"}, http.StatusBadRequest)
		makeLink(t, e, "hr", map[string]any{"customer_id": "C1"}, http.StatusForbidden)
		makeLink(t, e, "viewer", map[string]any{"customer_id": "C1"}, http.StatusForbidden)
		// Lists: in scope, never a token.
		for role, want := range map[string]int{"agent": 2, "supervisor": 3, "manager": 4, "viewer": 4} {
			r := e.get("/api/v1/survey-links", role)
			var page struct {
				Items []csperf.SurveyLink
				Total int
			}
			r.json(t, &page)
			if r.StatusCode != 200 || page.Total != want || len(page.Items) != want {
				t.Errorf("%s lists %d links, want %d: %s", role, page.Total, want, r)
			}
			if strings.Contains(r.String(), `"token"`) || strings.Contains(r.String(), l.Token) {
				t.Errorf("%s's list shows a token", role)
			}
		}
		if r := e.get("/api/v1/survey-links", "hr"); r.StatusCode != 403 {
			t.Errorf("hr lists links: %d", r.StatusCode)
		}
		// The page: a form, the link once, and the list.
		b, _ := e.signIn("agent", testPassword)
		page := b.get("/r/visits/V1").String()
		if !strings.Contains(page, `id="send-survey" href="/survey-links?source_id=V1&amp;source_kind=visits"`) {
			t.Errorf("no survey button on the visit: %.3000s", page)
		}
		r := b.post("/survey-links", url.Values{"csrf": {b.csrf}, "source_kind": {"visits"}, "source_id": {"V1"}})
		if r.StatusCode != http.StatusCreated || !strings.Contains(r.String(), `id="survey-url">http://`) {
			t.Errorf("make link on the page: %d %.2000s", r.StatusCode, r)
		}
		r = b.post("/survey-links", url.Values{"csrf": {b.csrf}, "source_kind": {"visits"}, "source_id": {"V2"}})
		if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.String(), `id="survey-link-error"`) {
			t.Errorf("another's visit on the page: %d", r.StatusCode)
		}
		if r := b.get("/survey-links?status=open"); r.StatusCode != 200 || strings.Count(r.String(), `data-status="open"`) != 3 {
			t.Errorf("open links on the page: %d %d", r.StatusCode, strings.Count(r.String(), `data-status="open"`))
		}
	})
}

func TestSurveyPublicForm(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		seed(t, db, "visits", csperf.Record{"visit_id": "V1", "customer_id": "C1", "advisor_id": "A1", "visit_date": date("2016-01-10")})
		l := makeLink(t, e, "agent", map[string]any{"source_kind": "visits", "source_id": "V1"}, http.StatusCreated)
		path := "/s/" + l.Token
		// No sign-in; Chinese by default, English by switch or by the
		// browser's language; no personal data; no inline script.
		r := e.get(path, "")
		if r.StatusCode != 200 || !strings.Contains(r.String(), "客户满意度调查") || !strings.Contains(r.String(), "比较满意") || !strings.Contains(r.String(), "故障解决") {
			t.Fatalf("survey page: %d %.1000s", r.StatusCode, r)
		}
		for _, pii := range []string{"周客户", "13812345678", "138", "张三", "zhou@example.com", "建国路"} {
			if strings.Contains(r.String(), pii) {
				t.Errorf("the survey page shows %q", pii)
			}
		}
		if strings.Contains(r.String(), "<script>") || !strings.Contains(r.Header.Get("Content-Security-Policy"), "script-src 'self'") {
			t.Error("inline script or no CSP on the survey page")
		}
		if r := e.get(path+"?lang=en", ""); !strings.Contains(r.String(), "Customer satisfaction survey") || !strings.Contains(r.String(), "Fairly satisfied") {
			t.Errorf("?lang=en: %.500s", r)
		}
		if r := e.req("GET", path, "", nil, "Accept-Language", "en-US,en;q=0.9,zh;q=0.5"); !strings.Contains(r.String(), "Customer satisfaction survey") {
			t.Errorf("Accept-Language en: %.500s", r)
		}
		if r := e.req("GET", path, "", nil, "Accept-Language", "zh-CN,zh;q=0.9,en;q=0.8"); !strings.Contains(r.String(), "客户满意度调查") {
			t.Errorf("Accept-Language zh: %.500s", r)
		}
		// Field-level errors; nothing written.
		r = e.postForm(path, "", url.Values{"service_attitude": {"4"}, "product_price": {"9"}})
		if r.StatusCode != 400 || !strings.Contains(r.String(), `data-field="overall"`) || !strings.Contains(r.String(), `data-field="product_price"`) ||
			!strings.Contains(r.String(), `value="4" checked`) {
			t.Errorf("bad answers: %d %.3000s", r.StatusCode, r)
		}
		// A post from another site is refused, with no session involved.
		if r := e.postForm(path, "", url.Values{"overall": {"5"}}, "Sec-Fetch-Site", "cross-site"); r.StatusCode != 403 {
			t.Errorf("cross-site post: %d", r.StatusCode)
		}
		if r := e.postForm(path, "", url.Values{"overall": {"5"}}, "Origin", "https://evil.example"); r.StatusCode != 403 {
			t.Errorf("cross-origin post: %d", r.StatusCode)
		}
		// The answer.
		r = e.postForm(path, "", url.Values{"overall": {"2"}, "service_attitude": {"1"}, "product_quality": {"5"}, "suggestions": {"  请缩短等待时间  "}}, "Sec-Fetch-Site", "same-origin")
		if r.StatusCode != 200 || !strings.Contains(r.String(), `id="survey-thanks"`) {
			t.Fatalf("answer: %d %.1000s", r.StatusCode, r)
		}
		rec, err := db.GetRecord(ctx, csperf.KindByName("surveys"), []string{"SL00000001"})
		if err != nil {
			t.Fatal(err)
		}
		if rec["customer_id"] != "C1" || rec["employee_id"] != "A1" || rec["overall"] != "2" || rec["service_attitude"] != "1" || rec["product_quality"] != "5" || rec["suggestions"] != "请缩短等待时间" {
			t.Errorf("stored survey: %v", rec)
		}
		entries, _, _ := db.ListAudit(ctx, csperf.AuditFilter{Object: "surveys/SL00000001"})
		if len(entries) != 1 || entries[0].UserID != csperf.SurveyLinkActor || entries[0].IP == "" {
			t.Errorf("audit: %+v", entries)
		}
		// Once only.
		if r := e.postForm(path, "", url.Values{"overall": {"5"}}); r.StatusCode != http.StatusGone || !strings.Contains(r.String(), `id="survey-answered"`) {
			t.Errorf("second answer: %d", r.StatusCode)
		}
		if r := e.get(path, ""); r.StatusCode != http.StatusGone {
			t.Errorf("answered link: %d", r.StatusCode)
		}
		var list struct{ Items []csperf.SurveyLink }
		e.get("/api/v1/survey-links", "manager").json(t, &list)
		if len(list.Items) != 1 || list.Items[0].Status != "answered" || list.Items[0].SurveyID != "SL00000001" {
			t.Errorf("list after the answer: %+v", list.Items)
		}
		// Expired and unknown tokens: one page, 404, the same but for the
		// token in its links.
		l2 := makeLink(t, e, "manager", map[string]any{"customer_id": "C2"}, http.StatusCreated)
		e.now = e.now.Add(14*24*time.Hour + time.Second)
		unknown := strings.Repeat("x", 43)
		ex, un := e.get("/s/"+l2.Token, ""), e.get("/s/"+unknown, "")
		if ex.StatusCode != 404 || un.StatusCode != 404 || strings.ReplaceAll(ex.String(), l2.Token, "T") != strings.ReplaceAll(un.String(), unknown, "T") {
			t.Errorf("expired %d, unknown %d; pages differ", ex.StatusCode, un.StatusCode)
		}
		if r := e.postForm("/s/"+l2.Token, "", url.Values{"overall": {"5"}}); r.StatusCode != 404 {
			t.Errorf("answer after expiry: %d", r.StatusCode)
		}
		if r := e.get("/s/short", ""); r.StatusCode != 404 {
			t.Errorf("malformed token: %d", r.StatusCode)
		}
		if _, n, _ := db.ListRecords(ctx, csperf.KindByName("surveys"), csperf.RecordFilter{}); n != 1 {
			t.Errorf("%d surveys stored, want 1", n)
		}
	})
}

func TestSurveyRateLimits(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		a := makeLink(t, e, "manager", map[string]any{"customer_id": "C1"}, http.StatusCreated)
		b := makeLink(t, e, "manager", map[string]any{"customer_id": "C2"}, http.StatusCreated)
		clock := func() time.Time { return e.now }
		// Per token: the third request for one link waits; another link
		// does not.
		e.srv.surveyTokenLimit = newLimiter(Rate{Burst: 2, Every: time.Minute}, clock)
		e.get("/s/"+a.Token, "")
		e.get("/s/"+a.Token, "")
		r := e.postForm("/s/"+a.Token, "", url.Values{"overall": {"5"}})
		if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
			t.Errorf("per token: %d %q", r.StatusCode, r.Header.Get("Retry-After"))
		}
		if r := e.get("/s/"+b.Token, ""); r.StatusCode != 200 {
			t.Errorf("another token: %d", r.StatusCode)
		}
		// Per address, whatever the token (unknown ones too).
		e.srv.surveyTokenLimit = newLimiter(Rate{Burst: 1000, Every: time.Millisecond}, clock)
		e.srv.surveyIPLimit = newLimiter(Rate{Burst: 3, Every: time.Minute}, clock)
		for i := 0; i < 3; i++ {
			e.get("/s/"+strings.Repeat(string(rune('a'+i)), 43), "")
		}
		if r := e.get("/s/"+b.Token, ""); r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
			t.Errorf("per address: %d", r.StatusCode)
		}
		e.now = e.now.Add(time.Minute)
		if r := e.get("/s/"+b.Token, ""); r.StatusCode != 200 {
			t.Errorf("after a minute: %d", r.StatusCode)
		}
	})
}

// A survey link's token is a credential: the request log names the path
// without it, also when the request fails.
func TestSurveyTokenNotLogged(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		l := makeLink(t, e, "manager", map[string]any{"customer_id": "C1"}, http.StatusCreated)
		var logs strings.Builder
		srv, err := New(Config{Records: db, Imports: db, Users: db, Sessions: db, Audit: db, Settings: db, Churn: db, Surveys: db,
			Loc: db.Loc, Now: func() time.Time { return e.now }, Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		e.ts.Config.Handler = srv
		e.get("/s/"+l.Token, "")
		e.postForm("/s/"+l.Token, "", url.Values{"overall": {"4"}})
		e.postForm("/s/"+l.Token, "", url.Values{"overall": {"4"}})
		if !strings.Contains(logs.String(), "path=/s/…") || strings.Contains(logs.String(), l.Token) {
			t.Errorf("log: %s", logs.String())
		}
	})
}
