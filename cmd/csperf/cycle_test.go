package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCycleCommands drives a quarterly group cycle through the command
// line: ratings from a file with Chinese headers, compute, the
// explanation, maker-checker, an objection, the payroll file, close and
// reopen. A1 has no events: every KPI is missing and the renormalise rule
// leaves the ratings: csat .4×90 + .6×85 = 87, complaint_rate 88,
// first_response 90; .5×87 + .3×88 + .2×90 = 87.9, good ×1.2, bonus
// 1000.01 × 1.2 = 1200.012 → 1200.01.
func TestCycleCommands(t *testing.T) {
	for engine, dsn := range dbURLs(t) {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			env := map[string]string{"CSPERF_DB": dsn}
			must := func(args ...string) string {
				t.Helper()
				out, errs, code := run(t, env, args...)
				if code != 0 {
					t.Fatalf("%v: exit %d: %s %s", args, code, out, errs)
				}
				return out
			}
			fails := func(code int, msg string, args ...string) {
				t.Helper()
				out, errs, c := run(t, env, args...)
				if c != code || !strings.Contains(errs, msg) {
					t.Fatalf("%v: exit %d (want %d): %s %s (want …%s…)", args, c, code, out, errs, msg)
				}
			}
			must("migrate")
			must("import", "groups", write(t, dir, "g.csv", "group_id,name\nG1,一组\n"))
			must("import", "employees", write(t, dir, "e.csv", "employee_id,name,position,group_id,bonus_base\nA1,张三,agent,G1,1000.01\nA2,李四,agent,G1,\n"))
			for _, u := range [][]string{{"maker", "manager"}, {"checker", "hr"}, {"root", "admin"}} {
				must("user", "create", "--username", u[0], "--role", u[1], "--password", "Correct-Horse-42-battery")
			}
			must("cycle", "create", "--kind", "quarterly", "--period", "2015-Q3", "--group", "G1", "--templates", "front_line_agent", "--as", "maker")
			fails(2, "not the period of a quarterly cycle", "cycle", "create", "--kind", "quarterly", "--period", "2015-09", "--group", "G1")
			ratings := write(t, dir, "r.csv", "工号,考核项,评价来源,分数\n"+
				"A1,csat,自评,90\nA1,csat,上级评价,85\nA1,complaint_rate,self,88\nA1,first_response,supervisor,90\n")
			if out := must("cycle", "rate", "2015-Q3-G1", "--file", ratings); !strings.Contains(out, "4 ratings read, 4 changed") {
				t.Errorf("rate: %s", out)
			}
			// A file with ratings the user may not give: refused, exit 5
			// (not allowed), naming each one; nothing changes.
			must("user", "create", "--username", "li", "--role", "agent", "--employee", "A2", "--password", "Correct-Horse-42-battery")
			other := write(t, dir, "r2.csv", "employee_id,item,source,points\nA1,csat,self,50\nA2,csat,self,70\n")
			fails(5, "rating 1 (A1/csat/self): user li (agent) may not give this rating", "cycle", "rate", "2015-Q3-G1", "--file", other, "--as", "li")
			if out := must("cycle", "rate", "2015-Q3-G1", "--file", ratings); !strings.Contains(out, "4 ratings read, 0 changed") {
				t.Errorf("a refused file changed ratings: %s", out)
			}
			badFile := write(t, dir, "bad.csv", "工号,考核项,评价来源,分数\nA1,csat,自评,ninety\n")
			fails(2, "bad.csv:2: column points:", "cycle", "rate", "2015-Q3-G1", "--file", badFile)
			fails(2, "has no item \"teamwork\"", "cycle", "rate", "2015-Q3-G1", "--employee", "A1", "--item", "teamwork", "--source", "self", "--points", "50")
			if out := must("cycle", "rate", "2015-Q3-G1", "--employee", "A1", "--item", "csat", "--source", "self", "--clear"); !strings.Contains(out, "is cleared") {
				t.Errorf("clear: %s", out)
			}
			fails(3, "has no self rating of A1", "cycle", "rate", "2015-Q3-G1", "--employee", "A1", "--item", "csat", "--source", "self", "--clear")
			must("cycle", "rate", "2015-Q3-G1", "--employee", "A1", "--item", "csat", "--source", "self", "--points", "90")
			out := must("cycle", "collected", "2015-Q3-G1")
			if !strings.Contains(out, "8 still missing") {
				t.Errorf("collected: %s", out)
			}
			out = must("cycle", "compute", "2015-Q3-G1", "--as", "maker")
			if !strings.Contains(out, "2 members, 1 scored (excellent 0, good 1, qualified 0, unqualified 0)") || !strings.Contains(out, "sha256 ") {
				t.Errorf("compute: %s", out)
			}
			out = must("cycle", "show", "2015-Q3-G1")
			if !strings.Contains(out, "A1  ") || !strings.Contains(out, "87.90") || !strings.Contains(out, "1200.01") {
				t.Errorf("show:\n%s", out)
			}
			out = must("cycle", "show", "2015-Q3-G1", "--employee", "A1")
			for _, want := range []string{"87.90 ≥ 80 and < 90 → 良好 good, coefficient 1.2", "1000.01 × 1.2 = 1200.01", "kpi:csat", "linear: 60% → 0, 90% → 100 points, capped"} {
				if !strings.Contains(out, want) {
					t.Errorf("explanation lacks %q:\n%s", want, out)
				}
			}
			fails(4, "take effect when a second user signs them off", "cycle", "export", "2015-Q3-G1")
			fails(5, "a second user must sign them off", "cycle", "approve", "2015-Q3-G1", "--as", "maker")
			must("cycle", "approve", "2015-Q3-G1", "--as", "checker")
			must("cycle", "object", "2015-Q3-G1", "--employee", "A1", "--text", "上级评分偏低")
			fails(4, "1 unanswered objections", "cycle", "close", "2015-Q3-G1", "--as", "maker")
			must("cycle", "answer", "2015-Q3-G1", "--objection", "1", "--text", "维持", "--as", "checker")
			pay := filepath.Join(dir, "payroll.csv")
			must("cycle", "export", "2015-Q3-G1", "-o", pay)
			must("cycle", "export", "2015-Q3-G1", "-o", filepath.Join(dir, "payroll.xlsx"), "--header", "zh")
			out = must("cycle", "close", "2015-Q3-G1", "--as", "maker")
			if !strings.Contains(out, "closed") {
				t.Errorf("close: %s", out)
			}
			fails(4, "is closed", "cycle", "rate", "2015-Q3-G1", "--file", ratings)
			fails(4, "is closed", "cycle", "compute", "2015-Q3-G1")
			out = must("cycle", "verify", "2015-Q3-G1")
			if !strings.Contains(out, "byte-identical") {
				t.Errorf("verify: %s", out)
			}
			fails(5, "only an admin", "cycle", "reopen", "2015-Q3-G1", "--reason", "fix", "--as", "maker")
			must("cycle", "reopen", "2015-Q3-G1", "--reason", "重新评分", "--as", "root")
			out = must("cycle", "list", "--format", "csv")
			if !strings.Contains(out, "2015-Q3-G1") || !strings.Contains(out, ",open,") {
				t.Errorf("list: %s", out)
			}
			out = must("cycle", "templates")
			if !strings.Contains(out, "after_sales_team") || !strings.Contains(out, "teamwork") {
				t.Errorf("templates: %s", out)
			}
			body := strings.TrimPrefix(readFile(t, pay), "\ufeff") // a BOM, for Excel
			if !strings.HasPrefix(body, "employee_id,name,position,group_id,score,grade,coefficient,bonus_base,bonus\n") ||
				!strings.Contains(body, "A1,张三,agent,G1,87.90,good,1.2,1000.01,1200.01\n") || !strings.Contains(body, "A2,李四,agent,G1,,,,,\n") {
				t.Errorf("payroll file:\n%s", body)
			}
		})
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
