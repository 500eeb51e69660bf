package web

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"csperf"
	"csperf/scorecard"
	"csperf/sqlstore"
)

// TestTrainingPlanPages: two monthly department cycles, 2015-10 and
// 2015-12, rated A1 60 then 90 and A2 70 then 65 on teamwork (95 on every
// other item), computed and signed off. A manager creates plan P1 (a
// course in November targeting teamwork, A1 and A2) through the form after
// four refusals that name their field and save nothing; sees it listed;
// enters scores (a refused form saves nothing); sees the effect (A1 +30,
// A2 −5, mean +12.50; mean exam 83.75); edits the plan (A2 out, B1 in: A1
// keeps the scores). Every change is audited like the API's. Agents and
// supervisors are refused every page and form (403); a viewer reads the
// plan without the form. The pages in English show no Chinese of theirs.
func TestTrainingPlanPages(t *testing.T) {
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
		teamwork := map[string]map[string]string{"2015-10": {"A1": "60", "A2": "70"}, "2015-12": {"A1": "90", "A2": "65"}}
		for _, month := range []string{"2015-10", "2015-12"} {
			var rs []scorecard.Rating
			for _, emp := range []string{"A1", "A2"} {
				for _, item := range []string{"response_speed", "resolution", "satisfaction", "teamwork"} {
					p := "95"
					if item == "teamwork" {
						p = teamwork[month][emp]
					}
					for _, src := range []string{scorecard.SourceSelf, scorecard.SourceSupervisor} {
						rs = append(rs, scorecard.Rating{EmployeeID: emp, Item: item, Source: src, Points: pts(p)})
					}
				}
			}
			c, err := db.CreateCycle(ctx, sqlstore.CycleSpec{Kind: scorecard.KindMonthly, Period: month, ScopeLevel: scorecard.ScopeDepartment, ScopeID: "main"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.SetRatings(ctx, c.ID, rs); err != nil {
				t.Fatal(err)
			}
			want(m.post("/cycles/"+c.ID+"/compute", form(m)), 303, "compute "+month)
			want(h.post("/cycles/"+c.ID+"/approve", form(h)), 303, "sign off "+month)
		}
		plans := func() []scorecard.TrainingPlan {
			t.Helper()
			ps, err := db.TrainingPlans(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return ps
		}
		audits := func(action string) []csperf.AuditEntry {
			t.Helper()
			es, _, err := db.ListAudit(ctx, csperf.AuditFilter{Action: action, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			return es
		}

		// The list offers the form; the sentence about the CLI is gone.
		l := want(m.get("/training"), 200, "training", `id="training-no-plans"`, `href="/training/plans/new"`)
		if strings.Contains(l, "命令行") || strings.Contains(l, "/api/v1/training") {
			t.Errorf("the training page still sends users to the CLI or the API")
		}
		want(m.get("/training/plans/new"), 200, "new plan form", `id="plan-form"`, `name="targets" value="teamwork"`, "团队合作 <code>teamwork</code>",
			`name="participants" value="A1"`, "A1 张三", `name="participants" value="B1"`)

		// Refusals name their field, in Chinese, and save nothing.
		good := []string{"plan_id", "P1", "course", "客户沟通技巧", "content", "倾听与复述", "mode", "offline", "trainer", "外部专家", "horizon", "quarterly",
			"starts_on", "2015-11-10", "ends_on", "2015-11-11", "targets", "teamwork", "participants", "A1", "participants", "A2"}
		// with returns good with the first value of each field given
		// replaced.
		with := func(kv ...string) []string {
			out := append([]string(nil), good...)
			for j := 0; j+1 < len(kv); j += 2 {
				for i := 0; i < len(out); i += 2 {
					if out[i] == kv[j] {
						out[i+1] = kv[j+1]
						break
					}
				}
			}
			return out
		}
		for _, c := range []struct {
			kv          []string
			field, text string
		}{
			{with("starts_on", ""), "starts_on", "请填写日期"},
			{with("ends_on", "2015-11-31"), "ends_on", "“2015-11-31”不是日期"},
			{with("course", " "), "course", "请填写课程名称"},
			{with("ends_on", "2015-11-09"), "ends_on", "课程结束早于开始"},
			{with("mode", "blended"), "mode", "方式须为 online（线上）或 offline（线下）"},
			{append(with("participants", "A1"), "participants", "ZZ"), "participants", "ZZ"},
		} {
			body := want(m.post("/training/plans", form(m, c.kv...)), 400, "refused "+c.field, `id="plan-form-error"`, `data-field="`+c.field+`"`, c.text)
			if !strings.Contains(body, `value="客户沟通技巧"`) && c.field != "course" {
				t.Errorf("refused %s: the form lost the course", c.field)
			}
			if n := len(plans()); n != 0 {
				t.Fatalf("refused %s: %d plans saved", c.field, n)
			}
		}

		// Created through the form.
		r := m.post("/training/plans", form(m, good...))
		if r.StatusCode != 303 || r.Header.Get("Location") != "/training/plans/P1?saved=plan" {
			t.Fatalf("create: %d %s %.300s", r.StatusCode, r.Header.Get("Location"), r)
		}
		ps := plans()
		if len(ps) != 1 {
			t.Fatalf("%d plans", len(ps))
		}
		p := ps[0]
		if p.ID != "P1" || p.Course != "客户沟通技巧" || p.Content != "倾听与复述" || p.Mode != "offline" || p.Trainer != "外部专家" || p.Horizon != "quarterly" ||
			p.Starts != date("2015-11-10") || p.Ends != date("2015-11-11") || strings.Join(p.Targets, ",") != "teamwork" || len(p.Participants) != 2 ||
			p.Participants[0].EmployeeID != "A1" || p.Participants[1].EmployeeID != "A2" || p.Participants[0].Exam != nil {
			t.Errorf("saved plan = %+v", p)
		}
		if es := audits("training.plan"); len(es) != 1 || es[0].UserID != "manager" || es[0].Object != "training_plans/P1" || !strings.Contains(es[0].After, "客户沟通技巧") {
			t.Errorf("plan audit = %+v", es)
		}
		want(m.post("/training/plans", form(m, with("course", "另一门课")...)), 409, "an id in use", `data-field="plan_id"`, "培训计划 P1 已存在")
		if ps := plans(); len(ps) != 1 || ps[0].Course != "客户沟通技巧" {
			t.Errorf("a create with an id in use changed the plan: %+v", ps)
		}

		// Listed, with a link to the plan and its effect.
		want(m.get("/training"), 200, "training list", `id="plan-P1"`, `href="/training/plans/P1"`, `href="/training/plans/P1#plan-effect"`, "外部专家", "<code>teamwork</code>")

		// The plan page: the scores form and the effect before any score.
		want(m.get("/training/plans/P1?saved=plan"), 200, "plan page", `id="plan-saved"`, `id="scores-form"`, `name="exam.A1"`, `name="practical.A2"`,
			"2015-11-10 – 2015-11-11", "外部专家", "倾听与复述",
			`<td>A1 张三</td><td><code>teamwork</code></td><td>60.00 <small class="muted">2015-10-main</small></td><td>90.00 <small class="muted">2015-12-main</small></td><td>30.00</td>`,
			`<td>A2 李四</td><td><code>teamwork</code></td><td>70.00 <small class="muted">2015-10-main</small></td><td>65.00 <small class="muted">2015-12-main</small></td><td>-5.00</td>`,
			`<td>团队合作 <code>teamwork</code></td><td>2</td><td>65.00</td><td>77.50</td><td>12.50</td>`)

		// Scores: a wrong value is refused next to its field, nothing saved.
		body := want(m.post("/training/plans/P1/scores", form(m, "exam.A1", "101", "practical.A1", "90", "exam.A2", "80", "practical.A2", "abc")), 400, "bad scores",
			`id="plan-error"`, `data-field="exam.A1"`, "101 超出 0–100 分", `data-field="practical.A2"`, "“abc”不是数字")
		if !strings.Contains(body, `value="abc"`) {
			t.Errorf("the refused form lost what was typed")
		}
		if ps := plans(); ps[0].Participants[0].Exam != nil || ps[0].Participants[0].Practical != nil || ps[0].Participants[1].Exam != nil {
			t.Errorf("a refused scores form saved %+v", ps[0].Participants)
		}
		want(m.post("/training/plans/P1/scores", form(m, "exam.B1", "80")), 400, "a non-participant", "员工 B1 不是培训计划 P1 的参与者")
		r = m.post("/training/plans/P1/scores", form(m, "exam.A1", "87.5", "practical.A1", "175/2", "exam.A2", "80", "practical.A2", ""))
		if r.StatusCode != 303 || r.Header.Get("Location") != "/training/plans/P1?saved=scores" {
			t.Fatalf("scores: %d %s %.400s", r.StatusCode, r.Header.Get("Location"), r)
		}
		pt := plans()[0].Participants
		if pt[0].Exam == nil || pt[0].Exam.Exact() != "175/2" || pt[0].Practical == nil || pt[0].Practical.Exact() != "175/2" ||
			pt[1].Exam == nil || pt[1].Exam.Exact() != "80" || pt[1].Practical != nil {
			t.Errorf("scores saved = %+v %+v", pt[0], pt[1])
		}
		if es := audits("training.score"); len(es) != 2 {
			t.Errorf("%d score audits, want 2 (one per participant): %+v", len(es), es)
		}
		// Saving the same values again records nothing.
		want(m.post("/training/plans/P1/scores", form(m, "exam.A1", "87.50", "practical.A1", "87.5", "exam.A2", "80")), 303, "unchanged scores")
		if es := audits("training.score"); len(es) != 2 {
			t.Errorf("unchanged scores were recorded again: %d audits", len(es))
		}
		want(m.get("/training/plans/P1?saved=scores"), 200, "plan with scores", `id="plan-saved"`, `<span id="mean-exam">83.75</span>`, `<span id="mean-practical">87.50</span>`,
			`value="87.50"`, `value="80"`)
		want(m.get("/training"), 200, "list with scores", "83.75")

		// Edit: B1 in, A2 out; A1 keeps the scores.
		want(m.get("/training/plans/P1/edit"), 200, "edit form", `action="/training/plans/P1"`, `value="P1"`, "readonly",
			`name="targets" value="teamwork" checked`, `name="participants" value="A2" checked`)
		edit := with("trainer", "李老师")
		edit[len(edit)-1] = "B1"
		want(m.post("/training/plans/P1", form(m, edit...)), 303, "edit")
		p = plans()[0]
		if p.Trainer != "李老师" || len(p.Participants) != 2 || p.Participants[0].EmployeeID != "A1" || p.Participants[1].EmployeeID != "B1" ||
			p.Participants[0].Exam == nil || p.Participants[0].Exam.Exact() != "175/2" || p.Participants[1].Exam != nil {
			t.Errorf("edited plan = %+v", p)
		}
		es := audits("training.plan")
		edited := false
		for _, x := range es {
			edited = edited || strings.Contains(x.Before, "外部专家") && strings.Contains(x.After, "李老师")
		}
		if len(es) != 2 || !edited {
			t.Errorf("edit audit = %+v", es)
		}
		want(m.post("/training/plans/P1", form(m, with("ends_on", "2015-11-01")...)), 400, "edit refused", `data-field="ends_on"`)
		want(m.get("/training/plans/nope"), 404, "no such plan")

		// An id with "/", "#" and a space (the API takes any) is escaped in
		// every link and form action.
		odd := "2016 Q1/A#1"
		if err := db.SaveTrainingPlan(ctx, scorecard.TrainingPlan{ID: odd, Course: "投诉处理", Mode: scorecard.ModeOnline, Horizon: scorecard.KindMonthly,
			Starts: date("2016-01-04"), Ends: date("2016-01-05"), Targets: []string{}, Participants: []scorecard.TrainingParticipant{{EmployeeID: "B1"}}}); err != nil {
			t.Fatal(err)
		}
		esc := "/training/plans/" + url.PathEscape(odd)
		want(m.get("/training"), 200, "list with an odd id", `href="`+esc+`"`)
		want(m.get(esc), 200, "plan with an odd id", `action="`+esc+`/scores"`, `href="`+esc+`/edit"`)
		want(m.get(esc+"/edit"), 200, "edit an odd id", `action="`+esc+`"`)
		r = m.post(esc+"/scores", form(m, "exam.B1", "66"))
		if r.StatusCode != 303 || r.Header.Get("Location") != esc+"?saved=scores" {
			t.Fatalf("scores of an odd id: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		want(m.post(esc, form(m, "course", "投诉处理技巧", "mode", "online", "horizon", "monthly", "starts_on", "2016-01-04", "ends_on", "2016-01-05", "participants", "B1")), 303, "edit an odd id")
		for _, p := range plans() {
			if p.ID == odd && (p.Course != "投诉处理技巧" || p.Participants[0].Exam == nil || p.Participants[0].Exam.Exact() != "66") {
				t.Errorf("odd plan = %+v", p)
			}
		}

		// Agents and supervisors: refused everything; viewers read only.
		for _, role := range []string{"agent", "supervisor"} {
			b, _ := e.signIn(role, testPassword)
			for _, p := range []string{"/training/plans/new", "/training/plans/P1", "/training/plans/P1/edit"} {
				want(b.get(p), 403, role+" "+p)
			}
			want(b.post("/training/plans", form(b, with("plan_id", "P2")...)), 403, role+" create")
			want(b.post("/training/plans/P1", form(b, edit...)), 403, role+" edit")
			want(b.post("/training/plans/P1/scores", form(b, "exam.A1", "10")), 403, role+" scores")
		}
		v, _ := e.signIn("viewer", testPassword)
		if pv := want(v.get("/training/plans/P1"), 200, "viewer plan", "87.50"); strings.Contains(pv, `id="scores-form"`) || strings.Contains(pv, "/edit") {
			t.Errorf("a viewer is offered the forms")
		}
		if lv := want(v.get("/training"), 200, "viewer list", `id="plan-P1"`); strings.Contains(lv, "/training/plans/new") {
			t.Errorf("a viewer is offered the new-plan form")
		}
		want(v.post("/training/plans/P1/scores", form(v, "exam.A1", "10")), 403, "viewer scores")
		if ps := plans(); len(ps) != 2 || ps[0].ID != "P1" || ps[0].Participants[0].Exam.Exact() != "175/2" {
			t.Errorf("a refused role changed the plans: %+v", ps)
		}

		// In English: no Chinese of the pages' own, errors included.
		want(m.post("/lang", form(m, "lang", "en", "next", "/")), 303, "switch to English")
		zh := []string{"培训", "课程", "成绩", "请", "参与", "日期", "保存", "目标", "方式"}
		for what, r := range map[string]resp{
			"list":        m.get("/training"),
			"new":         m.get("/training/plans/new"),
			"plan":        m.get("/training/plans/P1"),
			"edit":        m.get("/training/plans/P1/edit"),
			"bad date":    m.post("/training/plans", form(m, with("plan_id", "P9", "starts_on", "x")...)),
			"no course":   m.post("/training/plans", form(m, with("plan_id", "P9", "course", "")...)),
			"in use":      m.post("/training/plans", form(m, good...)),
			"bad score":   m.post("/training/plans/P1/scores", form(m, "exam.A1", "200")),
			"not in plan": m.post("/training/plans/P1/scores", form(m, "exam.A2", "50")),
		} {
			for _, w := range zh {
				if strings.Contains(r.String(), w) {
					t.Errorf("%s in English shows %q", what, w)
				}
			}
		}
		want(m.get("/training/plans/new"), 200, "new in English", "New training plan", "Targeted KPIs", "Participants")
		want(m.post("/training/plans", form(m, with("plan_id", "P9", "course", "")...)), 400, "no course in English", "name the course")
		want(m.post("/training/plans/P1/scores", form(m, "exam.A1", "200")), 400, "bad score in English", "200 is outside 0–100 points")
	})
}
