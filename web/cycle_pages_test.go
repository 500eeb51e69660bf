package web

import (
	"net/url"
	"strings"
	"testing"

	"csperf/sqlstore"
)

// TestCyclePages drives the cycle pages with a signed-in session: create
// (a bad period shown on the form), the ratings form with its field
// errors, clearing, the state buttons, the template editor refusing
// weights that sum to 90, and each page in both languages.
func TestCyclePages(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		b, _ := e.signIn("manager", testPassword)
		if b.csrf == "" {
			t.Fatal("no session")
		}
		form := b.form
		want := func(r resp, status int, what string, parts ...string) {
			t.Helper()
			wantPage(t, r, status, what, parts...)
		}
		want(b.get("/cycles"), 200, "cycles", `id="cycle-create"`, "新建考核周期")
		want(b.post("/cycles", form("kind", "monthly", "period", "2015", "scope_level", "department", "scope_id", "main")), 400, "bad period",
			`id="cycle-create-error"`, `data-field="period"`)
		r := b.post("/cycles", form("kind", "monthly", "period", "2015-12", "scope_level", "department", "scope_id", "main", "templates", "after_sales_team"))
		want(r, 303, "create")
		if loc := r.Header.Get("Location"); loc != "/cycles/2015-12-main" {
			t.Fatalf("created at %s", loc)
		}
		base := "/cycles/2015-12-main"
		want(b.get(base), 200, "cycle", `id="cycle-compute"`, `id="cycle-collected"`, "剔除后按比例重新分配权重", `id="missing-table"`)
		want(b.get(base+"/ratings?employee=A1"), 200, "ratings form", `id="r-teamwork-self"`, `id="r-teamwork-supervisor"`, "缺 8 项")
		want(b.post(base+"/ratings", form("employee_id", "A1", "points.teamwork.self", "101", "points.teamwork.supervisor", "abc")), 400, "bad points",
			`data-field="points.teamwork.self"`, "101 超出 0–100 分", `data-field="points.teamwork.supervisor"`, "“abc”不是数字")
		if rs, _ := db.CycleRatings(t.Context(), "2015-12-main"); len(rs) != 0 {
			t.Fatalf("a refused form saved %v", rs)
		}
		want(b.post(base+"/ratings", form("employee_id", "A1", "points.teamwork.self", "80", "points.teamwork.supervisor", "87.5")), 303, "save ratings")
		want(b.get(base+"/ratings?employee=A1&saved=2"), 200, "saved ratings", `value="80"`, `value="87.50"`, `id="clear-teamwork-self-button"`, "缺 6 项")
		want(b.post(base+"/ratings/clear", form("employee_id", "A1", "item", "teamwork", "source", "self")), 303, "clear")
		if rs, _ := db.CycleRatings(t.Context(), "2015-12-main"); len(rs) != 1 || rs[0].Source != "supervisor" {
			t.Fatalf("after clearing: %v", rs)
		}
		want(b.post(base+"/compute", form()), 303, "compute")
		want(b.get(base+"?done=compute"), 200, "computed", `id="cycle-notice"`, `id="payroll-csv"`, "已计算", `href="/cycles/2015-12-main/results/A1"`)
		want(b.post(base+"/close", form()), 409, "close before sign-off", `id="cycle-error"`)
		want(b.post(base+"/reopen", form("reason", "x")), 403, "manager reopens")

		// An objection answered on the page; sign-off, payroll, close and reopen.
		a, _ := e.signIn("agent", testPassword)
		// Ratings the agent may not give: 403, localized, nothing saved. On
		// their own form (a supervisor rating) the form shows the refusal;
		// for another employee, a 403 page.
		want(a.post(base+"/ratings", url.Values{"csrf": {a.csrf}, "employee_id": {"A1"}, "points.teamwork.supervisor": {"99"}}), 403, "agent rates as supervisor",
			`id="ratings-error"`, "未保存任何评分", "第 1 条评分（A1/teamwork/supervisor）：您无权给出这项评分")
		r = a.post(base+"/ratings", url.Values{"csrf": {a.csrf}, "employee_id": {"A2"}, "points.teamwork.self": {"99"}})
		want(r, 403, "agent rates another", "第 1 条评分（A2/teamwork/self）：您无权给出这项评分")
		if strings.Contains(r.String(), "may not") {
			t.Errorf("the refusal is not translated: %.600s", r)
		}
		if rs, _ := db.CycleRatings(t.Context(), "2015-12-main"); len(rs) != 1 {
			t.Fatalf("a refused rating was saved: %v", rs)
		}
		want(a.post(base+"/objections", url.Values{"csrf": {a.csrf}, "text": {"我的团队合作分数偏低"}}), 303, "agent objects")
		obs, err := db.Objections(t.Context(), "2015-12-main")
		if err != nil || len(obs) != 1 {
			t.Fatalf("objections: %v %v", obs, err)
		}
		oPath := base + "/objections/" + itoa(int(obs[0].ID)) + "/answer"
		want(a.post(oPath, url.Values{"csrf": {a.csrf}, "answer": {"no"}}), 403, "agent answers")
		want(b.post(oPath, form("answer", " ")), 400, "empty answer", "请填写答复")
		want(b.post(oPath, form("answer", "已与主管核实")), 303, "answer")
		want(b.get(base), 200, "answered", "已与主管核实")
		h, _ := e.signIn("hr", testPassword)
		want(h.post(base+"/approve", url.Values{"csrf": {h.csrf}}), 303, "hr signs off")
		r = h.get(base + "/export?format=csv&header=zh")
		want(r, 200, "payroll", "工号,姓名,岗位,班组,得分,等级,奖金系数,奖金基数,奖金")
		want(b.post(base+"/close", form()), 303, "close")
		want(b.get(base+"?done=close"), 200, "closed", "已关闭", `id="cycle-ratings-link"`)
		want(b.post(base+"/ratings", form("employee_id", "A1", "points.teamwork.self", "70")), 409, "rate a closed cycle", "已关闭")
		ad, _ := e.signIn("admin", testPassword)
		want(ad.get(base), 200, "admin sees reopen", `id="cycle-reopen-form"`)
		want(ad.post(base+"/reopen", url.Values{"csrf": {ad.csrf}, "reason": {"x"}}), 400, "reopen without a reason", "请填写重新打开的原因")
		want(ad.post(base+"/reopen", url.Values{"csrf": {ad.csrf}, "reason": {"调查数据有误"}}), 303, "reopen")
		want(ad.get(base), 200, "reopened", "进行中", "调查数据有误")

		// An agent sees only their own line of the ratings.
		r = a.get(base + "/ratings")
		want(r, 200, "agent's ratings", `value="A1"`)
		if strings.Contains(r.String(), `value="A2"`) || strings.Contains(r.String(), `value="B1"`) {
			t.Errorf("agent's ratings page lists others")
		}

		// Templates: the editor refuses weights summing to 90, naming the field.
		want(b.get("/scorecard/templates"), 200, "templates", `id="template-front_line_agent"`, `id="template-new"`)
		want(b.get("/scorecard/templates/new"), 200, "new template", `id="template-form"`)
		tf := form("id", "managers", "name_zh", "管理人员", "positions", "cs_manager", "self", "20", "supervisor", "30", "customer", "50",
			"item_id", "", "item_kpi", "csat", "item_weight", "60", "item_rule", "linear", "item_floor", "60", "item_target", "",
			"item_id", "leadership", "item_kpi", "", "item_weight", "30", "item_rule", "", "item_floor", "", "item_target", "")
		tf["item_name_zh"] = []string{"", "领导力"}
		r = b.post("/scorecard/templates", tf)
		want(r, 400, "weights 90", `data-field="items"`, "90")
		tf["item_weight"] = []string{"70", "30"}
		want(b.post("/scorecard/templates", tf), 303, "valid template")
		want(b.get("/scorecard/templates?saved=managers"), 200, "saved template", `id="template-managers"`, "领导力")
		want(b.get("/scorecard/templates/managers"), 200, "edit template", `value="leadership"`)
		want(b.post("/scorecard/settings", form("missing", "zero", "grade_min_0", "90", "grade_min_1", "80", "grade_min_2", "60",
			"grade_coef_0", "1.5", "grade_coef_1", "1.2", "grade_coef_2", "1", "grade_coef_3", "0.8", "raise_0", "8", "raise_1", "5", "raise_2", "3", "raise_3", "0")), 303, "settings")
		want(b.get("/scorecard/settings"), 200, "settings page", `value="zero" checked`)
		want(b.post("/scorecard/settings", form("missing", "zero", "grade_min_0", "70", "grade_min_1", "80", "grade_min_2", "60",
			"grade_coef_0", "1.5", "grade_coef_1", "1.2", "grade_coef_2", "1", "grade_coef_3", "0.8", "raise_0", "8", "raise_1", "5", "raise_2", "3", "raise_3", "0")), 400, "bad grades", `id="settings-error"`)

		// Each page in English too.
		want(b.post("/lang", form("lang", "en", "next", "/")), 303, "switch to English")
		for _, p := range []string{"/cycles", base, base + "/ratings", "/scorecard/templates", "/scorecard/templates/new", "/scorecard/settings"} {
			r := b.get(p)
			want(r, 200, p+" in English")
			for _, zh := range []string{"考核", "评分", "模板"} {
				if strings.Contains(r.String(), zh) && !strings.Contains(r.String(), "seed") {
					t.Errorf("%s in English shows %q", p, zh)
				}
			}
		}
	})
}
