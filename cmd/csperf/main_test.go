package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// run drives Main in process, as a user at a terminal would, and returns
// what it printed and its exit code.
func run(t *testing.T, env map[string]string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	m := NewMain(&out, &errb, func(k string) string { return env[k] })
	m.Stdin = strings.NewReader("")
	code := m.exitCode(m.Run(context.Background(), args))
	return out.String(), errb.String(), code
}

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// dbURLs are the databases the end-to-end test runs on: a fresh SQLite file
// always, and PostgreSQL when the test server is there.
func dbURLs(t *testing.T) map[string]string {
	urls := map[string]string{"sqlite": "sqlite:" + filepath.Join(t.TempDir(), "e2e.db")}
	if u := os.Getenv("CSPERF_TEST_POSTGRES_URL"); u != "" {
		urls["postgres"] = freshPostgres(t, u)
	}
	return urls
}

func TestEndToEnd(t *testing.T) {
	for engine, dsn := range dbURLs(t) {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			env := map[string]string{"CSPERF_DB": dsn}
			if out, errs, code := run(t, env, "migrate"); code != 0 {
				t.Fatalf("migrate: %s %s", out, errs)
			}
			// Chinese headers, in GB18030 as Chinese Excel saves CSV.
			gb, _ := simplifiedchinese.GB18030.NewEncoder().String("组编号,组名称\nG1,一组\nG2,二组\n")
			files := []struct{ kind, name, body string }{
				{"groups", "groups.csv", gb},
				{"employees", "employees.csv", "employee_id,name,position,group_id\nA1,张三,service_advisor,G1\nA2,李四,service_advisor,G2\nS1,王五,return_visit_specialist,\nM1,赵六,service_manager,\n"},
				{"coverage", "coverage.csv", "\ufeff回访专员编号,业务接待编号\nS1,A1\nS1,A2\n"},
				{"customers", "customers.csv", "客户编号,客户姓名,联系电话\nC1,陈一,13812345678\nC2,林二,13912345678\nC3,黄三,\n"},
				{"visits", "visits.csv", "工单号,客户编号,业务接待编号,进站日期\nV1,C1,A1,2015-01-14\nV2,C2,A2,2015-01-31\nV3,C3,A1,2015-01-20\nV4,C3,A1,2015-09-02\n"},
			}
			for _, f := range files {
				p := write(t, dir, f.name, f.body)
				out, errs, code := run(t, env, "import", f.kind, p)
				if code != 0 {
					t.Fatalf("import %s: %s %s", f.kind, out, errs)
				}
			}
			// Again: nothing changes.
			out, _, code := run(t, env, "import", "visits", filepath.Join(dir, "visits.csv"))
			if code != 0 || !strings.Contains(out, "0 inserted, 0 updated, 4 unchanged") {
				t.Fatalf("re-import: %q", out)
			}
			// A bad row: named, non-zero exit, nothing written.
			bad := write(t, dir, "bad.csv", "visit_id,customer_id,advisor_id,visit_date\nV5,C1,A1,2015-02-01\nV6,C9,A1,2015-02-30\n")
			_, errs, code := run(t, env, "import", "visits", bad)
			if code != 2 || !strings.Contains(errs, bad+":3: column visit_date: ") {
				t.Fatalf("bad import: code %d, %q", code, errs)
			}
			out, _, _ = run(t, env, "export", "visits", "--format", "csv")
			if strings.Contains(out, "V5") {
				t.Fatalf("a failed import wrote V5:\n%s", out)
			}
			// Churn of September 2015 (threshold 8, base month January):
			// C1 (A1/G1) and C2 (A2/G2) churned; C3 came back in September.
			out, errs, code = run(t, env, "churn", "--month", "2015-09", "--format", "json")
			if code != 0 {
				t.Fatalf("churn: %s", errs)
			}
			var rep struct {
				Department struct {
					Churned, Visits int64
					Rate            string
				}
				Groups []struct {
					GroupID string `json:"group_id"`
					Result  string
					Amount  json.Number
				}
				ChurnedCustomers []struct {
					CustomerID string `json:"customer_id"`
				} `json:"churned_customers"`
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatalf("churn json: %v\n%s", err, out)
			}
			if rep.Department.Churned != 2 || rep.Department.Visits != 3 || rep.Department.Rate != "66.67%" || len(rep.ChurnedCustomers) != 2 {
				t.Fatalf("churn report: %s", out)
			}
			// G1: 1/2 = 50% < 66.67% → reward; G2: 1/1 = 100% → penalty.
			if rep.Groups[0].GroupID != "G1" || rep.Groups[0].Result != "reward" || rep.Groups[0].Amount != "200" ||
				rep.Groups[1].Result != "penalty" || rep.Groups[1].Amount != "-200" {
				t.Fatalf("groups: %+v", rep.Groups)
			}
			// Exports mask phones unless asked, and the unmasking is audited.
			out, _, _ = run(t, env, "export", "customers")
			if !strings.Contains(out, "138****5678") || strings.Contains(out, "13812345678") {
				t.Fatalf("masked export:\n%s", out)
			}
			out, _, _ = run(t, env, "export", "customers", "--unmask", "--format", "json")
			if !strings.Contains(out, "13812345678") {
				t.Fatalf("unmasked export:\n%s", out)
			}
			out, _, code = run(t, env, "audit", "verify")
			if code != 0 || !strings.Contains(out, "hash chain verified") {
				t.Fatalf("audit verify: %s", out)
			}
			out, _, _ = run(t, env, "audit", "list", "--action", "export.unmask")
			if !strings.Contains(out, "export.unmask") {
				t.Fatalf("unmask not audited:\n%s", out)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	out, _, code := run(t, nil, "help")
	if code != 0 || !strings.Contains(out, "import") || !strings.Contains(out, "churn") {
		t.Fatalf("help: %d %s", code, out)
	}
	_, errs, code := run(t, nil, "import", "-h")
	if code != 0 || !strings.Contains(errs, "FILE:ROW") {
		t.Fatalf("import -h: %d %s", code, errs)
	}
	_, _, code = run(t, nil, "nonsense")
	if code != 2 {
		t.Fatalf("unknown command exit %d", code)
	}
}

// An import that makes a KPI miss its target raises the alert at once:
// `csperf import` evaluates alerts after it commits (issue 4).
func TestImportEvaluatesAlerts(t *testing.T) {
	for engine, dsn := range dbURLs(t) {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			env := map[string]string{"CSPERF_DB": dsn}
			if out, errs, code := run(t, env, "migrate"); code != 0 {
				t.Fatalf("migrate: %s %s", out, errs)
			}
			// The alerts are for the last complete month before today.
			sh, _ := time.LoadLocation("Asia/Shanghai")
			now := time.Now().In(sh)
			last := time.Date(now.Year(), now.Month(), 1, 12, 0, 0, 0, sh).AddDate(0, -1, 14)
			at := last.Format("2006-01-02T15:04:05")
			for _, f := range []struct{ kind, name, body string }{
				{"groups", "groups.csv", "group_id,name\nG1,一组\n"},
				{"employees", "employees.csv", "employee_id,name,position,group_id\nA1,张三,service_advisor,G1\n"},
				{"surveys", "surveys.csv", "survey_id,employee_id,answered_at,overall\nS1,A1," + at + ",1\nS2,A1," + at + ",2\n"},
			} {
				out, errs, code := run(t, env, "import", f.kind, write(t, dir, f.name, f.body))
				if code != 0 {
					t.Fatalf("import %s: %d %s %s", f.kind, code, out, errs)
				}
				if f.kind == "surveys" && !strings.Contains(errs, "new alerts") {
					t.Errorf("import surveys said nothing of alerts: %s", errs)
				}
			}
			out, errs, code := run(t, env, "alert", "list", "--kpi", "csat", "--format", "json")
			if code != 0 {
				t.Fatalf("alert list: %s", errs)
			}
			var got struct {
				Alerts []struct {
					Rule, KPI, Scope, Period string
					ScopeID                  string `json:"scope_id"`
				} `json:"alerts"`
			}
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			found := false
			for _, a := range got.Alerts {
				if a.Rule == "target_missed" && a.KPI == "csat" && a.ScopeID == "A1" && a.Period == last.Format("2006-01") {
					found = true
				}
			}
			if !found {
				t.Errorf("no csat alert for A1 after the import: %s", out)
			}
		})
	}
}

// csperf survey link makes a link whose token works once; survey links
// lists it without the token.
func TestSurveyLinkCommands(t *testing.T) {
	for engine, dsn := range dbURLs(t) {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			env := map[string]string{"CSPERF_DB": dsn, "CSPERF_BASE_URL": "https://cs.example.com"}
			if out, errs, code := run(t, env, "migrate"); code != 0 {
				t.Fatalf("migrate: %s %s", out, errs)
			}
			for _, f := range []struct{ kind, name, body string }{
				{"employees", "employees.csv", "employee_id,name,position\nA1,张三,service_advisor\n"},
				{"customers", "customers.csv", "customer_id,name,phone\nC1,陈一,13812345678\n"},
				{"visits", "visits.csv", "visit_id,customer_id,advisor_id,visit_date\nV1,C1,A1,2015-09-02\n"},
			} {
				if out, errs, code := run(t, env, "import", f.kind, write(t, dir, f.name, f.body)); code != 0 {
					t.Fatalf("import %s: %s %s", f.kind, out, errs)
				}
			}
			out, errs, code := run(t, env, "survey", "link", "--visit", "V1", "--format", "json")
			var l struct {
				ID                   int64
				CustomerID           string `json:"customer_id"`
				EmployeeID           string `json:"employee_id"`
				Token, URL, Status   string
				ExpiresAt, CreatedAt time.Time `json:"-"`
			}
			if err := json.Unmarshal([]byte(out), &l); code != 0 || err != nil || l.CustomerID != "C1" || l.EmployeeID != "A1" || len(l.Token) != 43 ||
				l.URL != "https://cs.example.com/s/"+l.Token || l.Status != "open" {
				t.Fatalf("survey link: %d %v %s %s", code, err, out, errs)
			}
			if _, errs, code := run(t, env, "survey", "link", "--visit", "V9"); code != 2 || !strings.Contains(errs, "no visit with id V9") {
				t.Errorf("unknown visit: %d %s", code, errs)
			}
			if _, errs, code := run(t, env, "survey", "link", "--employee", "A1"); code != 2 || !strings.Contains(errs, "customer_id") {
				t.Errorf("no customer: %d %s", code, errs)
			}
			if out, errs, code := run(t, env, "survey", "settings", "--link-days", "0"); code != 2 || !strings.Contains(errs, "link-days") {
				t.Errorf("settings 0 days: %d %s %s", code, out, errs)
			}
			if out, errs, code := run(t, env, "survey", "settings", "--link-days", "30"); code != 0 || !strings.Contains(out, "survey.link_days = 30 days") {
				t.Errorf("settings 30 days: %d %s %s", code, out, errs)
			}
			out, _, _ = run(t, env, "survey", "link", "--customer", "C1", "--format", "json")
			var l2 struct {
				CreatedAt time.Time `json:"created_at"`
				ExpiresAt time.Time `json:"expires_at"`
			}
			if err := json.Unmarshal([]byte(out), &l2); err != nil || l2.ExpiresAt.Sub(l2.CreatedAt) != 30*24*time.Hour {
				t.Errorf("link after the setting: %v %s", err, out)
			}
			out, _, code = run(t, env, "survey", "links", "--format", "csv")
			if code != 0 || !strings.Contains(out, "1,open,C1,A1,visits V1") || strings.Contains(out, l.Token) {
				t.Errorf("survey links:\n%s", out)
			}
		})
	}
}
