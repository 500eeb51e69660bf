package web

import (
	"context"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"csperf"
	"csperf/kpi"
	"csperf/sqlstore"
)

// TestKPIWritePages renders the new pages in both languages and posts the
// custom KPI, goal and webhook forms, good and bad.
func TestKPIWritePages(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		if strings.HasSuffix(t.Name(), "/postgres") {
			t.Skip("the pages share the API's checks, which run on both engines")
		}
		e := newEnv(t, db)
		seedSurveys(t, db)
		ctx := context.Background()
		b, _ := e.signIn("admin", testPassword)
		key := regexp.MustCompile(`>(kpidef|goalform|goals|webhook|alerts|kpis)\.[a-z_.]+<`)
		for _, lang := range []string{"zh", "en"} {
			l := lang
			db.UpdateUser(ctx, "admin", csperf.UserUpdate{Lang: &l})
			for _, p := range []string{"/kpis/new", "/goals/new", "/goals", "/alerts", "/alerts?open=1&kpi=csat", "/alerts/webhook", "/kpis?kpi=csat&scope=employee&period=2015-12"} {
				r := b.get(p)
				if r.StatusCode != 200 {
					t.Errorf("%s %s: %d %.300s", lang, p, r.StatusCode, r)
				}
				if m := key.FindString(r.String()); m != "" {
					t.Errorf("%s %s shows the key %s", lang, p, m)
				}
			}
		}
		zh := "zh"
		db.UpdateUser(ctx, "admin", csperf.UserUpdate{Lang: &zh})

		// A custom KPI with an invalid filter: the error by the filter, in
		// Chinese, nothing stored.
		form := url.Values{"csrf": {b.csrf}, "id": {"happy_share"}, "name_zh": {"满意占比"}, "unit": {"percent"}, "direction": {"higher"},
			"aggregation": {"ratio"}, "num_kind": {"surveys"}, "num_agg": {"count"}, "num_filter": {"overall >= 4\ncolour = red"},
			"den_kind": {"surveys"}, "den_agg": {"count"}, "den_filter": {"overall not_null"}, "target_op": {">="}, "target": {"80%"},
			"scopes": {"employee", "group", "department", "org"}}
		r := b.post("/kpis/new", form)
		if r.StatusCode != 400 || !strings.Contains(r.String(), `data-field="num_filter"`) || !strings.Contains(r.String(), "没有字段“colour”") {
			t.Errorf("invalid filter: %d %.2000s", r.StatusCode, r)
		}
		if _, err := db.KPIDefinition(ctx, "happy_share"); err == nil {
			t.Error("an invalid KPI was stored")
		}
		form.Set("num_filter", "overall >= 4")
		r = b.post("/kpis/new", form)
		if r.StatusCode != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/kpis?") {
			t.Fatalf("valid KPI: %d %.500s", r.StatusCode, r)
		}
		def, err := db.KPIDefinition(ctx, "happy_share")
		if err != nil || def.Target.Value.Num != 4 || def.Target.Value.Den != 5 || len(def.Scopes) != 0 || len(def.Numerator.Filter) != 1 {
			t.Errorf("stored: %+v %v", def, err)
		}
		if r := b.get("/kpis?kpi=happy_share&scope=employee&id=A1&period=2015-12&defined=1"); !strings.Contains(r.String(), "60.0%") {
			t.Errorf("explorer after defining: %.300s", r)
		}

		// Changing it: the form comes filled, the id stays.
		ed := b.get("/kpis/new?edit=happy_share").String()
		for _, want := range []string{`name="edit" value="happy_share"`, `overall &gt;= 4`, `value="80%"`, `readonly`} {
			if !strings.Contains(ed, want) {
				t.Errorf("edit form lacks %s", want)
			}
		}
		if r := b.get("/kpis/new?edit=csat"); r.StatusCode != 409 {
			t.Errorf("edit form of a catalog KPI: %d", r.StatusCode)
		}
		form.Set("edit", "happy_share")
		form.Set("id", "renamed")
		form.Set("num_filter", "overall = 5")
		if r := b.post("/kpis/new", form); r.StatusCode != 303 {
			t.Fatalf("change: %d %.500s", r.StatusCode, r)
		}
		if def, err := db.KPIDefinition(ctx, "happy_share"); err != nil || def.Numerator.Filter[0].Op != "=" {
			t.Errorf("changed: %+v %v", def, err)
		}
		if _, err := db.KPIDefinition(ctx, "renamed"); err == nil {
			t.Error("a change made a new KPI")
		}
		form.Set("num_filter", "overall >= 4")
		b.post("/kpis/new", form)

		// Drill-down from a group's figure: the list of the surveys of the
		// group's employees in the period, not another group's.
		seed(t, db, "surveys", csperf.Record{"survey_id": "S900", "employee_id": "B1", "answered_at": time.Date(2015, 12, 8, 2, 0, 0, 0, time.UTC), "overall": "5"})
		ex := b.get("/kpis?kpi=happy_share&scope=group&id=G1&period=2015-12")
		m := regexp.MustCompile(`class="drill" href="([^"]+)"`).FindStringSubmatch(ex.String())
		if m == nil {
			t.Fatalf("no drill-down link: %.2000s", ex)
		}
		link := html.UnescapeString(m[1])
		if !strings.Contains(link, "group=G1") || !strings.Contains(link, "from=2015-12-01") || !strings.Contains(link, "to=2015-12-31") {
			t.Errorf("drill-down link %s", link)
		}
		list := b.get(link).String()
		for _, id := range []string{"S001", "S005", "S006", "S007"} {
			if !strings.Contains(list, ">"+id+"<") {
				t.Errorf("the drill-down list lacks %s", id)
			}
		}
		if strings.Contains(list, ">S900<") || strings.Contains(list, ">S008<") {
			t.Error("the drill-down list shows another group's or another month's survey")
		}
		if r := e.get("/api/v1/surveys?group=G2", "supervisor"); r.StatusCode != 403 {
			t.Errorf("supervisor lists another group's surveys: %d", r.StatusCode)
		}

		// A goal: field errors by their fields, then created.
		gf := url.Values{"csrf": {b.csrf}, "title": {""}, "kpi": {"csat"}, "scope": {"employee"}, "scope_id": {"A1"}, "target": {"ninety"},
			"start": {"2015-11-01"}, "deadline": {"2016-02-29"}, "owner": {"S1"},
			"action_description": {"复盘差评", "", ""}, "action_responsible": {"A1", "", ""}, "action_due": {"", "", ""}}
		r = b.post("/goals/new", gf)
		for _, want := range []string{`data-field="title"`, `data-field="target"`, "请填写期限", "请填写目标名称"} {
			if !strings.Contains(r.String(), want) {
				t.Errorf("goal form errors: no %s in %d %.300s", want, r.StatusCode, r)
			}
		}
		gf.Set("title", "提升满意度")
		gf.Set("target", "90%")
		gf["action_due"] = []string{"2015-12-15", "", ""}
		r = b.post("/goals/new", gf)
		if r.StatusCode != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/goals/") {
			t.Fatalf("create goal: %d %.1000s", r.StatusCode, r)
		}
		loc := r.Header.Get("Location")
		page := b.get(loc)
		if page.StatusCode != 200 || !strings.Contains(page.String(), `id="goal-trend"`) || !strings.Contains(page.String(), "提升满意度") {
			t.Errorf("goal page: %d", page.StatusCode)
		}
		if r := b.get("/goals"); !strings.Contains(r.String(), "提升满意度") {
			t.Error("the goal is not listed")
		}
		id := strings.TrimSuffix(strings.TrimPrefix(loc, "/goals/"), "?created=1")
		if r := b.post("/goals/"+id+"/actions/1", url.Values{"csrf": {b.csrf}}); r.StatusCode != 303 {
			t.Errorf("mark done: %d %.300s", r.StatusCode, r)
		}
		if r := b.get("/goals/" + id); !strings.Contains(r.String(), "2016-01-15") {
			t.Error("the measure is not shown done today")
		}

		// Alerts: A1's December csat (60%) misses its target; the list
		// filters by KPI and open state, and acknowledging returns to the
		// filtered list.
		if _, err := db.EvaluateAlerts(ctx, testNow); err != nil {
			t.Fatal(err)
		}
		list = b.get("/alerts?kpi=csat&open=1").String()
		m = regexp.MustCompile(`action="/alerts/(\d+)/ack"`).FindStringSubmatch(list)
		if m == nil || !strings.Contains(list, "A1") || !strings.Contains(list, "60.0%") {
			t.Fatalf("no open csat alert of A1: %.3000s", list)
		}
		if !strings.Contains(list, "员工 A1：") || !strings.Contains(list, "未达到目标") || strings.Contains(list, "misses its target") {
			t.Errorf("the alert's text is not in Chinese: %.3000s", list)
		}
		if strings.Contains(b.get("/alerts?kpi=asa").String(), `/alerts/`+m[1]+`/ack"`) {
			t.Error("the KPI filter shows a csat alert under asa")
		}
		r = b.post("/alerts/"+m[1]+"/ack", url.Values{"csrf": {b.csrf}, "back": {"/alerts?kpi=csat&open=1"}})
		if r.StatusCode != 303 || r.Header.Get("Location") != "/alerts?kpi=csat&open=1" {
			t.Errorf("ack: %d to %q", r.StatusCode, r.Header.Get("Location"))
		}
		if strings.Contains(b.get("/alerts?kpi=csat&open=1").String(), `/alerts/`+m[1]+`/ack"`) {
			t.Error("an acknowledged alert is still listed as open")
		}
		if r := b.post("/alerts/"+m[1]+"/ack", url.Values{"csrf": {b.csrf}, "back": {"https://evil.example.com/"}}); r.Header.Get("Location") != "/alerts" {
			t.Errorf("ack redirects to %q", r.Header.Get("Location"))
		}

		// Removing a custom KPI from the form page.
		if r := b.post("/kpis/happy_share/delete", url.Values{"csrf": {b.csrf}}); r.StatusCode != 303 {
			t.Errorf("remove: %d %.300s", r.StatusCode, r)
		}
		if _, err := db.KPIDefinition(ctx, "happy_share"); err == nil {
			t.Error("the removed KPI is still there")
		}
		if r := b.post("/kpis/csat/delete", url.Values{"csrf": {b.csrf}}); r.StatusCode != 409 {
			t.Errorf("remove a catalog KPI: %d", r.StatusCode)
		}

		// The webhook form: a short secret refused, then set.
		r = b.post("/alerts/webhook", url.Values{"csrf": {b.csrf}, "url": {"https://hooks.example.com/x"}, "secret": {"short"}})
		if r.StatusCode != 400 || !strings.Contains(r.String(), "签名密钥至少 16 个字符") {
			t.Errorf("short secret: %d", r.StatusCode)
		}
		r = b.post("/alerts/webhook", url.Values{"csrf": {b.csrf}, "url": {"https://hooks.example.com/x"}, "secret": {"0123456789abcdef-secret"}})
		if r.StatusCode != 303 {
			t.Errorf("set webhook: %d %.300s", r.StatusCode, r)
		}
		if r := b.get("/alerts/webhook?saved=1"); strings.Contains(r.String(), "0123456789abcdef-secret") || !strings.Contains(r.String(), "hooks.example.com/x") {
			t.Error("the webhook page shows the secret, or not the URL")
		}
	})
}

func TestKPIInput(t *testing.T) {
	for field, want := range map[string]string{
		"numerator.filter[1].op": "num_filter", "denominator[0].filter[0].value": "den_filter", "denominator[0].kind": "den_kind",
		"numerator.sum_expr": "num_sum_expr", "numerator": "num_kind", "denominator": "den_kind", "target.value": "target",
		"target.op": "target_op", "scopes[0]": "scopes", "name": "name_zh", "id": "id", "": "",
	} {
		if got := kpiInput(field); got != want {
			t.Errorf("kpiInput(%q) = %q, want %q", field, got, want)
		}
	}
}

// TestChartTexts: every point of a chart carries the text the tables show
// for it, which the tooltips show, and points are placed in the unit the
// tables use (hours, not seconds).
func TestChartTexts(t *testing.T) {
	dec, nov := kpi.MonthPeriod(csperf.MakeMonth(2015, 12)), kpi.MonthPeriod(csperf.MakeMonth(2015, 11))
	rows := []kpi.Row{
		{KPI: "csat", Unit: kpi.Percent, Scope: "group", ID: "G1", Period: nov, Numerator: 1, Denominator: 2, Value: "50.0%"},
		{KPI: "csat", Unit: kpi.Percent, Scope: "group", ID: "G1", Period: dec, Numerator: 4, Denominator: 7, Value: "57.1%"},
		{KPI: "first_response", Unit: kpi.Hours, Scope: "group", ID: "G1", Period: dec, Numerator: 16200, Denominator: 1, Value: "4.5 h"},
	}
	c := kpiChart("zh", rows)
	if len(c.Series) != 2 || !slices.Equal(c.Series[0].Text, []string{"50.0%", "57.1%"}) || !slices.Equal(c.Series[1].Text, []string{"", "4.5 h"}) {
		t.Fatalf("texts: %+v", c.Series)
	}
	if v := c.Series[1].Data[1]; v == nil || *v != 4.5 {
		t.Errorf("4.5 h placed at %v", v)
	}
	if c.Series[1].Data[0] != nil {
		t.Errorf("a period without a row has a point")
	}
}
