package web

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"csperf/scorecard"
	"csperf/sqlstore"
)

// TestCycleReportPages: two annual department cycles (2015, 2016) rated
// A1 95 and A2 50 on every item and source, computed by the manager and
// signed off by HR; 2016 is then closed. The promotion page lists A1 with
// both years, the raise page ranks 2016, the training page shows the needs
// of the closed 2016 cycle and a plan with its participants' scores; an
// agent and a supervisor are refused each page (403). The 2016 cycle page
// names the KPI values missing per employee with the missing-input rule.
func TestCycleReportPages(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		m, _ := e.signIn("manager", testPassword)
		h, _ := e.signIn("hr", testPassword)
		want := func(r resp, status int, what string, parts ...string) string {
			t.Helper()
			return wantPage(t, r, status, what, parts...)
		}
		form := func(b *browser, kv ...string) url.Values { return b.form(kv...) }
		pts := func(s string) scorecard.Number { return mustPoints(t, s) }
		var rs []scorecard.Rating
		for emp, p := range map[string]string{"A1": "95", "A2": "50"} {
			for _, item := range []string{"response_speed", "resolution", "satisfaction", "teamwork"} {
				for _, src := range []string{scorecard.SourceSelf, scorecard.SourceSupervisor} {
					rs = append(rs, scorecard.Rating{EmployeeID: emp, Item: item, Source: src, Points: pts(p)})
				}
			}
		}
		for _, year := range []string{"2015", "2016"} {
			c, err := db.CreateCycle(ctx, sqlstore.CycleSpec{Kind: scorecard.KindAnnual, Period: year, ScopeLevel: scorecard.ScopeDepartment, ScopeID: "main"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.SetRatings(ctx, c.ID, rs); err != nil {
				t.Fatal(err)
			}
			want(m.post("/cycles/"+c.ID+"/compute", form(m)), 303, "compute "+year)
			want(h.post("/cycles/"+c.ID+"/approve", form(h)), 303, "sign off "+year)
		}
		comp, _, err := db.CycleComputation(ctx, "2016-main")
		if err != nil {
			t.Fatal(err)
		}
		score := map[string]string{}
		for _, r := range comp.Results {
			if r.Score != nil {
				score[r.ID] = r.Score.String() + " " + r.Grade
			}
		}
		t.Logf("2016 scores %v", score)

		// The cycle page names the missing KPI values, with the rule.
		page := want(m.get("/cycles/2016-main"), 200, "cycle page", `id="missing-kpi-table"`, `id="missing-kpi-rule"`, "剔除后按比例重新分配权重", "<code>first_response</code>")
		if !strings.Contains(page, `href="/cycles/2016-main/results/A1">A1 张三</a></td><td>服务响应速度`) {
			t.Errorf("cycle page does not name A1's missing response-speed KPI")
		}

		want(m.get("/cycles"), 200, "cycles", `id="promotions-link"`, `id="raises-link"`, `id="training-link"`)
		want(m.get("/cycles/promotions"), 200, "promotions", `id="promotions-table"`, "A1 张三", `href="/cycles/2015-main">2015</a>`, `href="/cycles/2016-main">2016</a>`, "95.00 · 95.00")
		pr := want(h.get("/cycles/raises?year=2016"), 200, "raises", `id="raises-table"`, "A1 张三", "1 / 2", "Q1", "8.00%", "A2 李四", "2 / 2", "Q3", "3.00%")
		if strings.Contains(pr, "A2 李四</td><td>G1</td><td>50.00</td><td>1 / ") {
			t.Errorf("A2 ranked first")
		}
		want(h.get("/cycles/raises"), 200, "raises default year", "<small>2016</small>")
		want(h.get("/cycles/raises?year=20x6"), 400, "bad year", `id="raises-error"`)

		// Training: needs of the closed cycle and a plan with its scores.
		want(m.get("/training"), 200, "training before any close", "还没有已关闭的考核周期", `id="training-no-plans"`)
		want(m.post("/cycles/2016-main/close", form(m)), 303, "close 2016")
		eighty := scorecard.Int(80)
		plan := scorecard.TrainingPlan{ID: "P1", Course: "客户沟通技巧", Mode: scorecard.ModeOffline, Trainer: "外部专家", Horizon: scorecard.KindAnnual,
			Starts: date("2016-03-01"), Ends: date("2016-03-02"), Targets: []string{"teamwork"},
			Participants: []scorecard.TrainingParticipant{{EmployeeID: "A2", Exam: &eighty}}}
		if err := db.SaveTrainingPlan(ctx, plan); err != nil {
			t.Fatal(err)
		}
		want(m.get("/training"), 200, "training", `id="training-employees"`, "2016-main", "A2 李四", "专项培训", "团队合作能力 50.00",
			`id="plan-P1"`, "客户沟通技巧", "外部专家", "80.00", "<code>teamwork</code>", `href="/training/plans/P1"`)
		want(m.get("/training?cycle=2015-main"), 409, "needs of a cycle not closed", `id="training-error"`)

		for _, role := range []string{"agent", "supervisor"} {
			b, _ := e.signIn(role, testPassword)
			for _, p := range []string{"/cycles/promotions", "/cycles/raises?year=2016", "/training"} {
				want(b.get(p), 403, role+" "+p)
			}
		}
		v, _ := e.signIn("viewer", testPassword)
		want(v.get("/cycles/promotions"), 200, "viewer promotions", "A1 张三")

		// In English.
		want(m.post("/lang", form(m, "lang", "en", "next", "/")), 303, "switch to English")
		for p, en := range map[string]string{"/cycles/promotions": "Promotion list", "/cycles/raises?year=2016": "Suggested raise", "/training": "Training needs",
			"/cycles/2016-main": "Missing KPI values"} {
			r := want(m.get(p), 200, p+" in English", en)
			for _, zh := range []string{"晋升", "调薪", "培训", "缺少"} {
				if strings.Contains(r, zh) {
					t.Errorf("%s in English shows %q", p, zh)
				}
			}
		}
	})
}
