package main

import (
	"encoding/json"
	"strings"
	"testing"

	"csperf/kpi"
)

func TestKPICommands(t *testing.T) {
	for engine, dsn := range dbURLs(t) {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			env := map[string]string{"CSPERF_DB": dsn}
			if out, errs, code := run(t, env, "migrate"); code != 0 {
				t.Fatalf("migrate: %s %s", out, errs)
			}
			files := []struct{ kind, name, body string }{
				{"groups", "groups.csv", "group_id,name,group_type\nG1,座席一班,call_center\n"},
				{"employees", "employees.csv", "employee_id,name,position,group_id,supervisor_id\nM1,赵六,team_lead,,\nC1,张三,agent,G1,M1\nC2,李四,agent,G1,M1\n"},
				{"calls", "calls.csv", "call_id,agent_id,direction,queued_at,answered_at,abandoned,resolved_first_contact\n" +
					"T1,C1,in,2015-09-01 09:00:00,2015-09-01 09:00:10,0,1\n" +
					"T2,C1,in,2015-09-01 10:00:00,2015-09-01 10:00:30,0,0\n" +
					"T3,C2,in,2015-09-02 10:00:00,2015-09-02 10:00:05,0,1\n" +
					"T4,,in,2015-09-02 11:00:00,,1,\n" +
					"T5,C2,in,2015-08-03 10:00:00,2015-08-03 10:00:05,0,1\n"},
			}
			for _, f := range files {
				if out, errs, code := run(t, env, "import", f.kind, write(t, dir, f.name, f.body)); code != 0 {
					t.Fatalf("import %s: %s %s", f.kind, out, errs)
				}
			}
			out, errs, code := run(t, env, "kpi", "--kpi", "fcr,asa,abandon_rate", "--scope", "org", "--period", "2015-09", "--format", "json")
			if code != 0 {
				t.Fatalf("kpi: %s", errs)
			}
			var rows []map[string]any
			if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) != 3 {
				t.Fatalf("json %v: %s", err, out)
			}
			for _, k := range []string{"kpi", "scope", "id", "period", "numerator", "denominator", "value", "target", "met", "previous", "change"} {
				if _, ok := rows[0][k]; !ok {
					t.Errorf("row lacks %q: %v", k, rows[0])
				}
			}
			// fcr: 2 of 3 answered inbound calls; asa (10+30+5)/3 s; abandon 1/4.
			want := map[string][2]float64{"fcr": {2, 3}, "asa": {45, 3}, "abandon_rate": {1, 4}}
			for _, r := range rows {
				w := want[r["kpi"].(string)]
				if r["numerator"].(float64) != w[0] || r["denominator"].(float64) != w[1] || r["period"] != "2015-09" {
					t.Errorf("%v", r)
				}
			}
			if rows[0]["value"] != "66.7%" || rows[0]["met"] != false || rows[0]["previous"] != "100.0%" || rows[0]["change"] != "-33.3 pp" {
				t.Errorf("fcr row %v", rows[0])
			}
			out, _, code = run(t, env, "kpi", "--kpi", "fcr", "--scope", "employee", "--period", "2015-08..2015-09", "--by", "month")
			if code != 0 || !strings.Contains(out, "C1") || !strings.Contains(out, "1/2") || strings.Count(out, "fcr") != 6 {
				t.Errorf("by month for every employee:\n%s", out)
			}
			if _, errs, code := run(t, env, "kpi", "--kpi", "abandon_rate", "--scope", "employee", "--period", "2015-09"); code != 2 || !strings.Contains(errs, "not computed for a employee") {
				t.Errorf("queue KPI of an agent: %d %s", code, errs)
			}
			// A custom KPI, defined from JSON, then listed and computed.
			def := write(t, dir, "def.json", `{"id":"quick_answer","name_zh":"快速接听","unit":"percent","direction":"higher","aggregation":"ratio",
				"numerator":{"kind":"calls","filter":[{"field":"answer_delay_seconds","op":"<=","value":"10"}]},
				"denominator":[{"kind":"calls","filter":[{"field":"direction","op":"=","value":"in"}]}],
				"target":{"op":">=","value":{"numerator":1,"denominator":2}}}`)
			if out, errs, code := run(t, env, "kpi", "define", "--file", def); code != 0 || !strings.Contains(out, "defined quick_answer") {
				t.Fatalf("define: %s %s", out, errs)
			}
			bad := write(t, dir, "bad.json", `{"id":"Bad","name_zh":"x","unit":"percent","direction":"higher","aggregation":"ratio"}`)
			if _, errs, code := run(t, env, "kpi", "define", "--file", bad); code != 2 || !strings.Contains(errs, "id") {
				t.Errorf("bad definition: %d %s", code, errs)
			}
			if out, _, code := run(t, env, "kpi", "list"); code != 0 || !strings.Contains(out, "quick_answer") || !strings.Contains(out, "custom") {
				t.Errorf("list:\n%s", out)
			}
			out, _, _ = run(t, env, "kpi", "--kpi", "quick_answer", "--period", "2015-09", "--format", "csv")
			if !strings.Contains(out, "quick_answer,快速接听,org,,,2015-09,2,4,50.0%,≥ 50.0%,yes") {
				t.Errorf("custom KPI csv:\n%s", out)
			}
			if out, errs, code := run(t, env, "kpi", "rebuild"); code != 0 || !strings.Contains(out, "rebuilt") {
				t.Errorf("rebuild: %s %s", out, errs)
			}
			// Goals.
			out, errs, code = run(t, env, "goal", "create", "--kpi", "fcr", "--scope", "group", "--id", "G1", "--target", "90%",
				"--start", "2015-09-01", "--deadline", "2015-10-31", "--owner", "C1", "--title", "一次解决率提升",
				"--action", "话术培训|M1|2015-09-15", "--baseline-period", "2015-08")
			if code != 0 || !strings.Contains(out, "goal 1 created") || !strings.Contains(out, "baseline 100.0%") {
				t.Fatalf("goal create: %s %s", out, errs)
			}
			out, _, code = run(t, env, "goal", "show", "1", "--as-of", "2015-09-10", "--format", "json")
			var p kpi.GoalProgress
			if err := json.Unmarshal([]byte(out), &p); code != 0 || err != nil || p.Status != kpi.GoalAtRisk || p.Actual.Num != 2 || p.Actual.Den != 3 || p.Achievement == "" {
				t.Errorf("goal show: %v %+v\n%s", err, p, out)
			}
			if out, _, code := run(t, env, "goal", "list", "--as-of", "2015-09-10"); code != 0 || !strings.Contains(out, "at_risk") {
				t.Errorf("goal list:\n%s", out)
			}
			if _, errs, code := run(t, env, "goal", "done", "1", "1", "--date", "2015-09-14"); code != 0 {
				t.Errorf("goal done: %s", errs)
			}
			// Alerts for September, raised once. The imports above evaluated
			// alerts too, for the month before today's: they stay open.
			var before struct {
				Total int `json:"total"`
			}
			out, _, _ = run(t, env, "alert", "list", "--open", "--format", "json")
			if err := json.Unmarshal([]byte(out), &before); err != nil {
				t.Fatalf("alert list: %v %s", err, out)
			}
			out, errs, code = run(t, env, "alert", "evaluate", "--as-of", "2015-10-02", "--format", "json")
			var as []kpi.Alert
			if err := json.Unmarshal([]byte(out), &as); code != 0 || err != nil || len(as) == 0 {
				t.Fatalf("alert evaluate: %v %s %s", err, out, errs)
			}
			if out, _, _ := run(t, env, "alert", "evaluate", "--as-of", "2015-10-03"); !strings.Contains(out, "0 new alerts") {
				t.Errorf("second evaluate:\n%s", out)
			}
			if _, errs, code := run(t, env, "alert", "ack", "1"); code != 0 {
				t.Errorf("ack: %s", errs)
			}
			out, _, _ = run(t, env, "alert", "list", "--open", "--format", "json")
			var list struct {
				Total int `json:"total"`
			}
			if json.Unmarshal([]byte(out), &list); list.Total != before.Total+len(as)-1 {
				t.Errorf("open alerts %d, want %d", list.Total, before.Total+len(as)-1)
			}
		})
	}
}
