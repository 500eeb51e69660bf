package web

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"csperf"
	"csperf/kpi"
	"csperf/scorecard"
	"csperf/sqlstore"
)

// pdfText is the text of a PDF answer as pdftotext (poppler-utils, which
// `make test` installs) extracts it.
func pdfText(t *testing.T, r resp) string {
	t.Helper()
	if r.StatusCode != 200 || r.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(r.String(), "%PDF-") {
		t.Fatalf("%s: %d %s %.200s", r.Request.URL, r.StatusCode, r.Header.Get("Content-Type"), r)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed; make test installs it")
	}
	p := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(p, r.body, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", p, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func wantText(t *testing.T, what, text string, want, not []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
	for _, w := range not {
		if strings.Contains(text, w) {
			t.Errorf("%s has %q", what, w)
		}
	}
}

func TestChurnPDF(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		seed(t, db, "visits",
			csperf.Record{"visit_id": "V1", "customer_id": "C1", "advisor_id": "A1", "visit_date": date("2015-05-10")},
			csperf.Record{"visit_id": "V2", "customer_id": "C2", "advisor_id": "B1", "visit_date": date("2015-05-11")})
		if err := db.SetSetting(ctx, "org.name", "华东汽车服务有限公司"); err != nil {
			t.Fatal(err)
		}
		r := e.get("/churn/pdf?month=2016-01", "manager")
		if cd := r.Header.Get("Content-Disposition"); cd != `attachment; filename="churn-2016-01.pdf"` {
			t.Errorf("Content-Disposition %q", cd)
		}
		wantText(t, "the manager's churn PDF", pdfText(t, r),
			[]string{"售后客户流失率考核", "华东汽车服务有限公司", "2016-01（基准月份 2015-05", "manager", "流失客户（2 位）",
				"周客户", "138****5678", "吴客户", "137****1111", "张三", "王五", "一组", "二组", "V1", "V2", "100.00%"},
			[]string{"13812345678", "13700001111"})
		// The agent's document has the department figure and only the
		// agent's own customers, as the page does.
		wantText(t, "the agent's churn PDF", pdfText(t, e.get("/churn/pdf?month=2016-01", "agent")),
			[]string{"周客户", "138****5678", "流失客户（1 位）"}, []string{"吴客户", "137****1111", "王五"})
		// The reader's language.
		u, err := db.UserByName(ctx, "manager")
		if err != nil {
			t.Fatal(err)
		}
		en := "en"
		if err := db.UpdateUser(ctx, u.ID, csperf.UserUpdate{Lang: &en}); err != nil {
			t.Fatal(err)
		}
		wantText(t, "the English churn PDF", pdfText(t, e.get("/churn/pdf?month=2016-01", "manager")),
			[]string{"After-sales churn assessment", "Churned customers (2)", "周客户", "138****5678"}, []string{"流失客户", "13812345678"})
		if r := e.get("/churn/pdf?month=2016-13", "manager"); r.StatusCode != 400 {
			t.Errorf("a bad month: %d", r.StatusCode)
		}
		// Audited like the other exports.
		entries, _, err := db.ListAudit(ctx, csperf.AuditFilter{Action: "export", Object: "churn/2016-01"})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 3 || !strings.Contains(entries[0].After, `"format":"pdf"`) {
			t.Errorf("audit of the PDF exports: %+v", entries)
		}
		// The page links to it.
		if r := e.get("/churn?month=2016-01", "manager"); !strings.Contains(r.String(), `href="/churn/pdf?month=2016-01"`) {
			t.Error("the churn page has no PDF link")
		}
		// The export rate limit applies: one a minute here.
		e.srv.exportLimit = newLimiter(Rate{Burst: 1, Every: time.Minute}, func() time.Time { return e.now })
		if r := e.get("/churn/pdf?month=2016-01", "viewer"); r.StatusCode != 200 {
			t.Errorf("a PDF within the limit: %d", r.StatusCode)
		}
		if r := e.get("/kpis/pdf?period=2015-12", "viewer"); r.StatusCode != 429 || r.Header.Get("Retry-After") == "" {
			t.Errorf("a PDF over the limit: %d, Retry-After %q", r.StatusCode, r.Header.Get("Retry-After"))
		}
	})
}

func TestKPIPDF(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		seed(t, db, "visits",
			csperf.Record{"visit_id": "V1", "customer_id": "C1", "advisor_id": "A1", "visit_date": date("2015-12-10")},
			csperf.Record{"visit_id": "V2", "customer_id": "C1", "advisor_id": "A1", "visit_date": date("2015-12-11")},
			csperf.Record{"visit_id": "V3", "customer_id": "C2", "advisor_id": "B1", "visit_date": date("2015-12-11")})
		seed(t, db, "complaints", csperf.Record{"complaint_id": "K1", "customer_id": "C1", "employee_id": "A1", "class": "2",
			"opened_at": time.Date(2015, 12, 12, 2, 0, 0, 0, time.UTC)})
		q := "?scope=employee&period=2015-12&kpi=complaint_rate"
		rows, err := db.KPIValues(context.Background(), kpi.Query{Level: kpi.LevelEmployee, Period: mustPeriod(t, "2015-12"), KPIs: []string{"complaint_rate"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) == 0 {
			t.Fatal("no KPI rows to print")
		}
		text := pdfText(t, e.get("/kpis/pdf"+q, "manager"))
		want := []string{"指标报表", "2015-12"}
		for _, row := range rows {
			want = append(want, row.Name, row.Value, row.ID)
		}
		// A1: 1 complaint over 2 visits, against a target of ≤ 3%.
		wantText(t, "the KPI PDF", text, append(want, "50.0%", "≤ 3.0%", "未达标"), nil)
		if !strings.Contains(strings.ReplaceAll(text, " ", ""), "1/2") {
			t.Error("the KPI PDF lacks A1's numerator and denominator")
		}
		// The agent's rows are the agent's own.
		wantText(t, "the agent's KPI PDF", pdfText(t, e.get("/kpis/pdf"+q, "agent")), []string{ownEmp, "张三"}, []string{otherEmp, "王五"})
		if r := e.get("/kpis?"+q[1:], "manager"); !strings.Contains(r.String(), `id="kpis-export-pdf"`) {
			t.Error("the explorer has no PDF link")
		}
	})
}

func mustPeriod(t *testing.T, s string) kpi.Period {
	p, err := kpi.ParsePeriod(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCyclePDF(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		c, err := db.CreateCycle(ctx, sqlstore.CycleSpec{Kind: scorecard.KindMonthly, Period: "2015-12", ScopeLevel: scorecard.ScopeDepartment, ScopeID: "main"})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.ComputeCycle(ctx, c.ID); err != nil {
			t.Fatalf("compute: %v", err)
		}
		comp, _, err := db.CycleComputation(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		base := "/cycles/" + c.ID
		text := pdfText(t, e.get(base+"/pdf", "hr"))
		want := []string{"考核结果", c.Name, "系数", "奖金（元）"}
		for _, r := range comp.Results {
			want = append(want, r.ID, r.Name)
			if r.Score != nil {
				want = append(want, r.Score.String())
			}
		}
		wantText(t, "the cycle PDF", text, want, nil)
		// An agent's document has the agent's own line only.
		wantText(t, "the agent's cycle PDF", pdfText(t, e.get(base+"/pdf", "agent")), []string{ownEmp, "张三"}, []string{otherEmp, "王五"})
		// One employee's explanation; another's is refused.
		wantText(t, "the explanation PDF", pdfText(t, e.get(base+"/results/"+ownEmp+"/pdf", "agent")), []string{"个人考核结果说明", "张三", "考核项"}, nil)
		if r := e.get(base+"/results/"+otherEmp+"/pdf", "agent"); r.StatusCode != 403 {
			t.Errorf("the agent's PDF of another's result: %d %.200s", r.StatusCode, r)
		}
		if r := e.get(base+"/results/"+otherEmp+"/pdf", "supervisor"); r.StatusCode != 403 {
			t.Errorf("the supervisor's PDF of another group's result: %d %.200s", r.StatusCode, r)
		}
		if r := e.get("/cycles/none/pdf", "manager"); r.StatusCode != 404 {
			t.Errorf("a missing cycle: %d", r.StatusCode)
		}
		if r := e.get(base, "hr"); !strings.Contains(r.String(), `href="`+base+`/pdf"`) {
			t.Error("the cycle page has no PDF link")
		}
	})
}
