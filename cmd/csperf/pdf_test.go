package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// pdfText extracts the text of the PDF file at path with pdftotext
// (poppler-utils; `make test` installs it).
func pdfText(t *testing.T, path string) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed; make test installs it")
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return string(out)
}

// TestPDFCommands writes the churn report, a KPI report, a cycle's results
// and one explanation as PDF from the command line, in both languages.
func TestPDFCommands(t *testing.T) {
	for engine, dsn := range dbURLs(t) {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			env := map[string]string{"CSPERF_DB": dsn, "USER": "operator"}
			must := func(args ...string) string {
				t.Helper()
				out, errs, code := run(t, env, args...)
				if code != 0 {
					t.Fatalf("%v: exit %d: %s %s", args, code, out, errs)
				}
				return out
			}
			has := func(what, text string, want ...string) {
				t.Helper()
				for _, w := range want {
					if !strings.Contains(text, w) {
						t.Errorf("%s lacks %q:\n%s", what, w, text)
					}
				}
			}
			must("migrate")
			must("import", "departments", write(t, dir, "d.csv", "department_id,name\nmain,客户服务部\n"))
			must("import", "groups", write(t, dir, "g.csv", "group_id,name,department_id\nG1,一组,main\n"))
			must("import", "employees", write(t, dir, "e.csv", "employee_id,name,position,group_id,bonus_base\nA1,张三,agent,G1,1000.01\nA2,李四,agent,G1,\n"))
			must("import", "customers", write(t, dir, "c.csv", "客户编号,客户姓名,联系电话\nC1,陈一,13812345678\nC2,林二,13912345678\nC3,黄三,\n"))
			must("import", "visits", write(t, dir, "v.csv", "工单号,客户编号,业务接待编号,进站日期\nV1,C1,A1,2015-01-14\nV2,C2,A2,2015-01-31\nV3,C3,A1,2015-01-20\nV4,C3,A1,2015-09-02\n"))

			// The churn report: C1 and C2 churned of 3 base-month visits.
			churnPDF := filepath.Join(dir, "churn.pdf")
			must("churn", "--month", "2015-09", "--format", "pdf", "-o", churnPDF)
			text := pdfText(t, churnPDF)
			has("the churn PDF", text, "售后客户流失率考核", "客户服务部", "2015-09（基准月份 2015-01", "66.67%", "陈一", "138****5678", "林二", "139****5678",
				"张三", "李四", "一组", "V1", "V2", "流失客户（2 位）", "csperf CLI (operator)")
			if strings.Contains(text, "13812345678") || strings.Contains(text, "黄三") {
				t.Errorf("the churn PDF has an unmasked phone or a customer who came back:\n%s", text)
			}
			must("churn", "--month", "2015-09", "--format", "pdf", "-o", churnPDF, "--lang", "en")
			has("the English churn PDF", pdfText(t, churnPDF), "After-sales churn assessment", "Churned customers (2)", "陈一", "138****5678")

			// The organisation's name: unset, the departments stand in; set
			// by an admin (trimmed, audited), it heads the reports.
			has("org unset", must("org"), `org.name = (not set; documents show "客户服务部")`, "org.timezone = Asia/Shanghai")
			must("user", "create", "--username", "boss", "--role", "admin", "--password", "Correct-Horse-42-battery")
			must("user", "create", "--username", "mgr", "--role", "manager", "--password", "Correct-Horse-42-battery")
			if _, errs, code := run(t, env, "org", "--name", "  "); code != 2 || !strings.Contains(errs, "name: give the organisation's name") {
				t.Errorf("empty name: exit %d %s", code, errs)
			}
			if _, errs, code := run(t, env, "org", "--name", strings.Repeat("名", 101)); code != 2 || !strings.Contains(errs, "is 101 characters long, at most 100") {
				t.Errorf("long name: exit %d %s", code, errs)
			}
			if _, errs, code := run(t, env, "org", "--name", "X", "--as", "mgr"); code != 5 || !strings.Contains(errs, "not an active admin") {
				t.Errorf("a manager sets the name: exit %d %s", code, errs)
			}
			has("org set", must("org", "--name", " 华东汽车服务有限公司 ", "--as", "boss"), "org.name = 华东汽车服务有限公司\n")
			has("the audit", must("audit", "list", "--action", "setting"), "settings/org.name", "华东汽车服务有限公司")
			must("churn", "--month", "2015-09", "--format", "pdf", "-o", churnPDF)
			has("the churn PDF with the name", pdfText(t, churnPDF), "华东汽车服务有限公司")

			// Standard output that is not a terminal takes the file.
			out := must("churn", "--month", "2015-09", "--format", "pdf")
			if !strings.HasPrefix(out, "%PDF-") {
				t.Errorf("churn --format pdf to a pipe: %.20q", out)
			}

			// A KPI report: A1's visits of September.
			kpiPDF := filepath.Join(dir, "kpi.pdf")
			must("kpi", "--period", "2015-09", "--scope", "employee", "--kpi", "complaint_rate", "--format", "pdf", "-o", kpiPDF)
			has("the KPI PDF", pdfText(t, kpiPDF), "指标报表", "投诉率", "张三", "A1", "0.0%", "≤ 3.0%", "2015-09")

			// A cycle: TestCycleCommands's ratings, and now KPI values too (A1
			// had a visit in September): 90.47, excellent ×1.5, 1000.01 × 1.5
			// = 1500.015 → 1500.02, as `cycle show` prints them.
			for _, u := range [][]string{{"maker", "manager"}, {"checker", "hr"}} {
				must("user", "create", "--username", u[0], "--role", u[1], "--password", "Correct-Horse-42-battery")
			}
			must("cycle", "create", "--kind", "quarterly", "--period", "2015-Q3", "--group", "G1", "--templates", "front_line_agent", "--as", "maker")
			must("cycle", "rate", "2015-Q3-G1", "--file", write(t, dir, "r.csv", "工号,考核项,评价来源,分数\n"+
				"A1,csat,自评,90\nA1,csat,上级评价,85\nA1,complaint_rate,self,88\nA1,first_response,supervisor,90\n"))
			must("cycle", "compute", "2015-Q3-G1", "--as", "maker")
			cyclePDF := filepath.Join(dir, "cycle.pdf")
			must("cycle", "show", "2015-Q3-G1", "--format", "pdf", "-o", cyclePDF, "--as", "checker")
			has("the cycle PDF", pdfText(t, cyclePDF), "考核结果", "2015-Q3", "张三", "李四", "90.47", "excellent", "1.5", "1000.01", "1500.02", "系数", "checker")
			must("cycle", "show", "2015-Q3-G1", "--employee", "A1", "--format", "pdf", "-o", cyclePDF, "--lang", "en")
			has("the explanation PDF", pdfText(t, cyclePDF), "Result explanation", "张三", "90.47", "1500.02", "Supervisor", "Self", "Customer")

			// Bad input is refused before anything is written.
			for _, c := range [][]string{{"churn", "--from", "2015-08", "--to", "2015-09", "--format", "pdf", "-o", filepath.Join(dir, "x.pdf")},
				{"churn", "--month", "2015-09", "--format", "pdf", "--lang", "fr", "-o", filepath.Join(dir, "x.pdf")}} {
				if _, errs, code := run(t, env, c...); code != 2 || errs == "" {
					t.Errorf("%v: exit %d %s", c, code, errs)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, "x.pdf")); err == nil {
				t.Error("a refused command wrote its file")
			}
		})
	}
}

// A PDF is not written to a terminal (a pseudo-terminal here), while the
// null device, a character device too, takes it.
func TestPDFRefusesTerminal(t *testing.T) {
	tty := openPTY(t)
	defer tty.Close()
	var errb bytes.Buffer
	m := NewMain(tty, &errb, func(string) string { return "" })
	err := m.Run(context.Background(), []string{"churn", "--month", "2015-09", "--format", "pdf", "--db", "sqlite:" + filepath.Join(t.TempDir(), "x.db")})
	if err == nil || !strings.Contains(err.Error(), "give -o FILE") {
		t.Errorf("PDF to a terminal: %v", err)
	}
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	if isTerminal(null) {
		t.Errorf("%s is taken for a terminal", os.DevNull)
	}
	if !isTerminal(tty) {
		t.Errorf("the pseudo-terminal is not taken for a terminal")
	}
}
