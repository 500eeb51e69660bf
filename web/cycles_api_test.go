package web

import (
	"context"
	"slices"
	"strings"
	"testing"

	"csperf"
	"csperf/scorecard"
	"csperf/sqlstore"
)

// TestCycleAPILifecycle drives a cycle through the API on each engine:
// create, ratings by JSON and file with their scope, clearing, collected,
// compute, objection and answer, payroll, sign-off, close (after which
// every change is refused with 409), reopen; templates and settings; and
// that the store audited each change.
func TestCycleAPILifecycle(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		status := func(r resp, want int, what string) {
			t.Helper()
			if r.StatusCode != want {
				t.Fatalf("%s: %d, want %d: %s", what, r.StatusCode, want, r)
			}
		}
		errField := func(r resp, want int, field, msg, what string) {
			t.Helper()
			var body struct {
				Error apiError `json:"error"`
			}
			r.json(t, &body)
			if r.StatusCode != want || body.Error.Field != field || !strings.Contains(body.Error.Message, msg) {
				t.Fatalf("%s: %d %+v, want %d field %q …%s…", what, r.StatusCode, body.Error, want, field, msg)
			}
		}

		// Create.
		errField(e.sendJSON("POST", "/api/v1/cycles", "manager", map[string]any{"kind": "monthly", "period": "2015", "department": "main"}), 400, "period", "not the period of a monthly cycle", "bad period")
		errField(e.sendJSON("POST", "/api/v1/cycles", "manager", map[string]any{"kind": "monthly", "period": "2015-12"}), 400, "scope", "department or a group", "no scope")
		status(e.sendJSON("POST", "/api/v1/cycles", "agent", map[string]any{"kind": "monthly", "period": "2015-12", "department": "main"}), 403, "agent creates")
		var c struct {
			ID      string `json:"cycle_id"`
			State   string `json:"state"`
			Members int    `json:"members"`
			SHA256  string `json:"sha256"`
		}
		r := e.sendJSON("POST", "/api/v1/cycles", "manager", map[string]any{"kind": "monthly", "period": "2015-12", "department": "main"})
		status(r, 201, "create")
		r.json(t, &c)
		if c.ID != "2015-12-main" || c.State != "open" || c.Members != 6 {
			t.Fatalf("created %+v", c)
		}
		status(e.sendJSON("POST", "/api/v1/cycles", "manager", map[string]any{"kind": "monthly", "period": "2015-12", "department": "main"}), 409, "duplicate")
		base := "/api/v1/cycles/" + c.ID

		// Ratings by JSON: each user only those they may give.
		rate := func(role string, v any) resp { return e.sendJSON("POST", base+"/ratings", role, v) }
		one := func(emp, item, src string, pts any) map[string]any {
			return map[string]any{"employee_id": emp, "item": item, "source": src, "points": pts}
		}
		status(rate("agent", one(ownEmp, "teamwork", "self", 80)), 200, "own self rating")
		status(rate("agent", one(groupEmp, "teamwork", "self", 80)), 403, "agent rates another")
		status(rate("agent", one(ownEmp, "teamwork", "supervisor", 80)), 403, "agent rates as supervisor")
		status(rate("supervisor", one(groupEmp, "teamwork", "supervisor", "87.5")), 200, "supervisor rates the group")
		status(rate("supervisor", one(otherEmp, "teamwork", "supervisor", 70)), 403, "supervisor rates another group")
		// A batch with a refused rating: 403 naming each one refused, nothing saved.
		r = rate("supervisor", map[string]any{"ratings": []any{one(groupEmp, "teamwork", "supervisor", 60), one(otherEmp, "teamwork", "supervisor", 70), one(ownEmp, "teamwork", "self", 70)}})
		var refused struct {
			Error apiError `json:"error"`
		}
		r.json(t, &refused)
		if r.StatusCode != 403 || refused.Error.Code != "forbidden" || len(refused.Error.Refused) != 2 ||
			refused.Error.Refused[0] != (csperf.Refusal{Index: 2, EmployeeID: otherEmp, Item: "teamwork", Source: "supervisor", Reason: "user supervisor (supervisor) may not give this rating"}) ||
			refused.Error.Refused[1].Index != 3 || refused.Error.Refused[1].EmployeeID != ownEmp || refused.Error.Refused[1].Source != "self" {
			t.Fatalf("refused batch: %d %s", r.StatusCode, r)
		}
		// The same by file (the import path): 403 and the refused rows.
		r = e.req("POST", base+"/ratings?name=r.csv", "supervisor", strings.NewReader("employee_id,item,source,points\n"+groupEmp+",teamwork,supervisor,60\n"+otherEmp+",teamwork,supervisor,70\n"))
		refused.Error = apiError{}
		r.json(t, &refused)
		if r.StatusCode != 403 || len(refused.Error.Refused) != 1 || refused.Error.Refused[0].EmployeeID != otherEmp || refused.Error.Refused[0].Index != 2 {
			t.Fatalf("refused file: %d %s", r.StatusCode, r)
		}
		var rv0 ratingsView
		e.get(base+"/ratings", "manager").json(t, &rv0)
		for _, x := range rv0.Ratings {
			if x.EmployeeID == groupEmp && x.Source == "supervisor" && x.Points.Exact() != "175/2" {
				t.Errorf("a refused batch changed a rating: %+v", x)
			}
		}
		r = rate("manager", map[string]any{"ratings": []any{one(otherEmp, "teamwork", "self", 90), one(otherEmp, "teamwork", "supervisor", 101)}})
		status(r, 400, "101 points")
		if !strings.Contains(r.String(), "101 points is outside 0–100") {
			t.Errorf("101 points: %s", r)
		}
		errField(rate("manager", map[string]any{"ratings": []any{map[string]any{"employee_id": otherEmp, "item": "teamwork", "source": "self"}}}), 400, "ratings[0].points", "give the points", "no points")

		// Ratings by file: row errors all at once, nothing written; then the good file.
		bad := "工号,考核项,评价来源,分数\nB1,teamwork,自评,ninety\nB1,teamwork,上级评价,70\nB1,teamwork,同事,70\n"
		r = e.req("POST", base+"/ratings?name=r.csv", "manager", strings.NewReader(bad))
		var ie struct {
			Error apiError `json:"error"`
		}
		r.json(t, &ie)
		if r.StatusCode != 422 || ie.Error.Total != 2 || !strings.Contains(strings.Join(ie.Error.Lines, "\n"), "r.csv:2: column points") {
			t.Fatalf("bad ratings file: %d %+v", r.StatusCode, ie.Error)
		}
		good := "employee_id,item,source,points\nB1,teamwork,self,90\nB1,teamwork,supervisor,70\nB1,satisfaction,supervisor,100/3\n"
		r = e.req("POST", base+"/ratings?name=r.csv", "manager", strings.NewReader(good))
		status(r, 200, "ratings file")
		if !strings.Contains(r.String(), `"read":3`) || !strings.Contains(r.String(), `"changed":3`) {
			t.Errorf("ratings file: %s", r)
		}

		// Reading them: within scope.
		var rv ratingsView
		e.get(base+"/ratings", "agent").json(t, &rv)
		for _, x := range rv.Ratings {
			if x.EmployeeID != ownEmp {
				t.Errorf("agent sees a rating of %s", x.EmployeeID)
			}
		}
		for _, g := range rv.Missing {
			if g.EmployeeID != ownEmp {
				t.Errorf("agent sees a missing rating of %s", g.EmployeeID)
			}
		}
		if len(rv.Ratings) != 1 || len(rv.Missing) != 7 || rv.MissingRule != "renormalise" {
			t.Errorf("agent's ratings: %+v", rv)
		}
		e.get(base+"/ratings", "supervisor").json(t, &rv)
		if len(rv.Ratings) != 2 || slices.ContainsFunc(rv.Missing, func(g scorecard.RatingGap) bool { return g.EmployeeID == otherEmp }) {
			t.Errorf("supervisor's ratings: %+v", rv.Ratings)
		}
		e.get(base+"/ratings", "viewer").json(t, &rv)
		if len(rv.Ratings) != 5 {
			t.Errorf("viewer sees %d ratings", len(rv.Ratings))
		}

		// Clear one.
		status(e.req("DELETE", base+"/ratings/"+groupEmp+"/teamwork/supervisor", "agent", nil), 403, "agent clears another's")
		status(e.req("DELETE", base+"/ratings/"+ownEmp+"/teamwork/self", "agent", nil), 204, "clear own")
		status(e.req("DELETE", base+"/ratings/"+ownEmp+"/teamwork/self", "agent", nil), 404, "clear again")
		status(rate("agent", one(ownEmp, "teamwork", "self", 80)), 200, "own self rating again")

		// Collected, compute.
		r = e.sendJSON("POST", base+"/collected", "manager", nil)
		status(r, 200, "collected")
		if !strings.Contains(r.String(), `"state":"rated"`) || !strings.Contains(r.String(), `"missing":[{`) {
			t.Errorf("collected: %s", r)
		}
		status(e.sendJSON("POST", base+"/collected", "manager", nil), 409, "collected twice")
		r = e.sendJSON("POST", base+"/compute", "manager", nil)
		status(r, 200, "compute")
		var comp struct {
			SHA256  string `json:"sha256"`
			Summary struct {
				Employees int `json:"employees"`
			} `json:"summary"`
		}
		r.json(t, &comp)
		if len(comp.SHA256) != 64 || comp.Summary.Employees != 6 {
			t.Errorf("compute: %s", r)
		}
		r = e.get(base+"/verify", "viewer")
		if r.StatusCode != 200 || !strings.Contains(r.String(), `"identical":true`) {
			t.Errorf("verify: %d %s", r.StatusCode, r)
		}

		// Payroll: not in effect until signed off, except as a draft.
		status(e.get(base+"/export?format=csv", "hr"), 409, "payroll before sign-off")
		r = e.get(base+"/export?format=csv&draft=1&header=zh", "hr")
		status(r, 200, "draft payroll")
		if !strings.Contains(r.String(), "工号,姓名,岗位,班组,得分,等级,奖金系数,奖金基数,奖金,DRAFT") {
			t.Errorf("draft payroll: %s", r)
		}

		// An objection, answered by a reviewer.
		var ob struct {
			ID int64 `json:"objection_id"`
		}
		r = e.sendJSON("POST", base+"/objections", "agent", map[string]any{"text": "my teamwork was better"})
		status(r, 201, "objection")
		r.json(t, &ob)
		oURL := base + "/objections/" + itoa(int(ob.ID)) + "/answer"
		status(e.sendJSON("POST", oURL, "agent", map[string]any{"answer": "no"}), 403, "agent answers")
		errField(e.sendJSON("POST", oURL, "hr", map[string]any{"answer": " "}), 400, "answer", "give an answer", "empty answer")
		status(e.sendJSON("POST", base+"/objections/999/answer", "hr", map[string]any{"answer": "x"}), 404, "no such objection")
		status(e.sendJSON("POST", base+"/close", "manager", nil), 409, "close before sign-off")
		status(e.sendJSON("POST", oURL, "hr", map[string]any{"answer": "checked with your supervisor: unchanged"}), 200, "answer")
		status(e.sendJSON("POST", base+"/approve", "manager", nil), 403, "the maker signs off")
		status(e.sendJSON("POST", base+"/approve", "hr", nil), 200, "sign-off")
		status(e.sendJSON("POST", base+"/close", "agent", nil), 403, "agent closes")
		r = e.sendJSON("POST", base+"/close", "manager", nil)
		status(r, 200, "close")
		r.json(t, &c)
		if c.State != "closed" || len(c.SHA256) != 64 {
			t.Errorf("closed: %s", r)
		}

		// A closed cycle refuses every change.
		status(rate("manager", one(otherEmp, "teamwork", "self", 10)), 409, "rate a closed cycle")
		status(e.req("POST", base+"/ratings?name=r.csv", "manager", strings.NewReader(good)), 409, "rating file into a closed cycle")
		status(e.req("DELETE", base+"/ratings/"+otherEmp+"/teamwork/self", "manager", nil), 409, "clear in a closed cycle")
		status(e.sendJSON("POST", base+"/compute", "manager", nil), 409, "compute a closed cycle")
		status(e.sendJSON("POST", base+"/collected", "manager", nil), 409, "collected on a closed cycle")
		status(e.sendJSON("POST", oURL, "hr", map[string]any{"answer": "again"}), 409, "answer in a closed cycle")
		status(e.sendJSON("POST", base+"/objections", "agent", map[string]any{"text": "late"}), 409, "object to a closed cycle")

		// The payroll file, in effect.
		r = e.get(base+"/export?format=csv", "hr")
		status(r, 200, "payroll")
		body := strings.TrimPrefix(r.String(), "\uFEFF")
		if !strings.HasPrefix(body, "employee_id,name,position,group_id,score,grade,coefficient,bonus_base,bonus\r\n") && !strings.HasPrefix(body, "employee_id,name,position,group_id,score,grade,coefficient,bonus_base,bonus\n") {
			t.Errorf("payroll: %q", body)
		}
		if strings.Contains(body, "DRAFT") || !strings.Contains(body, "A1,") {
			t.Errorf("payroll: %q", body)
		}
		r = e.get(base+"/export?format=xlsx", "hr")
		if r.StatusCode != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/vnd.openxmlformats") || !strings.HasPrefix(r.String(), "PK") {
			t.Errorf("xlsx payroll: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
		}
		status(e.get(base+"/export?format=pdf", "hr"), 400, "payroll as pdf")

		// Reopen: admin, with a reason.
		status(e.sendJSON("POST", base+"/reopen", "manager", map[string]any{"reason": "wrong survey data"}), 403, "manager reopens")
		errField(e.sendJSON("POST", base+"/reopen", "admin", map[string]any{"reason": ""}), 400, "reason", "say why", "reopen without reason")
		r = e.sendJSON("POST", base+"/reopen", "admin", map[string]any{"reason": "wrong survey data"})
		status(r, 200, "reopen")
		if !strings.Contains(r.String(), `"state":"open"`) || !strings.Contains(r.String(), `"reopen_reason":"wrong survey data"`) {
			t.Errorf("reopened: %s", r)
		}
		status(rate("manager", one(otherEmp, "teamwork", "self", 10)), 200, "rate a reopened cycle")

		// Templates: refused with the field and the reason.
		tpl := func(w1, w2 int, k string) map[string]any {
			return map[string]any{"id": "managers", "name_zh": "管理人员", "name_en": "Managers", "positions": []string{"cs_manager"},
				"items":   []any{map[string]any{"kpi": k, "weight": w1, "rule": map[string]any{"type": "linear", "floor": 60}}, map[string]any{"id": "leadership", "name_zh": "领导力", "weight": w2}},
				"sources": map[string]any{"self": 20, "supervisor": 30, "customer": 50}}
		}
		errField(e.sendJSON("POST", "/api/v1/scorecard/templates", "manager", tpl(60, 30, "csat")), 400, "items", "sum to 90", "weights sum to 90")
		errField(e.sendJSON("POST", "/api/v1/scorecard/templates", "manager", tpl(60, 40, "no_such_kpi")), 400, "items[0].kpi", `unknown KPI "no_such_kpi"`, "unknown KPI")
		status(e.sendJSON("POST", "/api/v1/scorecard/templates", "agent", tpl(60, 40, "csat")), 403, "agent writes a template")
		status(e.sendJSON("POST", "/api/v1/scorecard/templates", "manager", tpl(60, 40, "csat")), 201, "create template")
		status(e.sendJSON("POST", "/api/v1/scorecard/templates", "manager", tpl(60, 40, "csat")), 409, "create twice")
		status(e.sendJSON("PUT", "/api/v1/scorecard/templates/managers", "manager", tpl(70, 30, "csat")), 200, "replace template")
		errField(e.sendJSON("PUT", "/api/v1/scorecard/templates/managers", "manager", tpl(70, 20, "csat")), 400, "items", "sum to 90", "replace with 90")
		status(e.sendJSON("PUT", "/api/v1/scorecard/templates/nobody", "manager", tpl(70, 30, "csat")), 404, "replace a missing template")
		r = e.get("/api/v1/scorecard/templates/managers", "agent")
		if r.StatusCode != 200 || !strings.Contains(r.String(), `"weight":{"exact":"70"`) {
			t.Errorf("template: %d %s", r.StatusCode, r)
		}
		r = e.get("/api/v1/scorecard/templates", "viewer")
		for _, id := range []string{"front_line_agent", "back_office", "after_sales_team", "managers"} {
			if !strings.Contains(r.String(), `"id":"`+id+`"`) {
				t.Errorf("templates lack %s", id)
			}
		}

		// Settings: fields left out keep their value.
		errField(e.sendJSON("PUT", "/api/v1/scorecard/settings", "manager", map[string]any{"missing": "guess"}), 400, "missing", "unknown missing-input rule", "bad rule")
		status(e.sendJSON("PUT", "/api/v1/scorecard/settings", "agent", map[string]any{"missing": "zero"}), 403, "agent changes settings")
		r = e.sendJSON("PUT", "/api/v1/scorecard/settings", "manager", map[string]any{"missing": "zero"})
		if r.StatusCode != 200 || !strings.Contains(r.String(), `"missing":"zero"`) || !strings.Contains(r.String(), `"code":"excellent"`) {
			t.Errorf("settings: %d %s", r.StatusCode, r)
		}
		if r := e.get("/api/v1/scorecard/settings", "agent"); !strings.Contains(r.String(), `"missing":"zero"`) {
			t.Errorf("settings read back: %s", r)
		}

		// Reports.
		status(e.get("/api/v1/cycles/promotions", "hr"), 200, "promotions")
		status(e.get("/api/v1/cycles/raises?year=2015", "hr"), 200, "raises")
		status(e.get("/api/v1/cycles/raises", "hr"), 400, "raises without year")

		// Every change is in the audit log.
		entries, _, err := db.ListAudit(context.Background(), csperf.AuditFilter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, en := range entries {
			seen[en.Action] = true
		}
		for _, a := range []string{"cycle.create", "cycle.rate", "cycle.rated", "cycle.compute", "cycle.object", "cycle.answer", "cycle.approve", "cycle.close", "cycle.reopen", "scorecard.template", "setting", "export"} {
			if !seen[a] {
				t.Errorf("no audit entry %s", a)
			}
		}
	})
}

// TestCycleRatingScope walks the rating routes as every role on the
// ratings of the caller's own employee, another of the supervisor's group
// and one of another group, for both rated sources, against the rules
// written out here independently of scorecard.CanRate: managers (admin,
// manager, hr) give any rating; an employee their own self rating; a
// supervisor the supervisor ratings of their groups' members. Reading
// follows the record scope.
func TestCycleRatingScope(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		r := e.sendJSON("POST", "/api/v1/cycles", "manager", map[string]any{"kind": "monthly", "period": "2015-12", "group": "G1", "id": "c1"})
		if r.StatusCode != 201 {
			t.Fatalf("create: %d %s", r.StatusCode, r)
		}
		r = e.sendJSON("POST", "/api/v1/cycles", "manager", map[string]any{"kind": "monthly", "period": "2015-12", "department": "main", "id": "c2"})
		if r.StatusCode != 201 {
			t.Fatalf("create: %d %s", r.StatusCode, r)
		}
		employeeOf := map[string]string{csperf.RoleAgent: ownEmp, csperf.RoleSupervisor: "S1", csperf.RoleQA: "Q1"}
		mayRate := func(role, owner, src string) bool {
			switch {
			case role == csperf.RoleAdmin || role == csperf.RoleManager || role == csperf.RoleHR:
				return true
			case src == "self":
				return employeeOf[role] == owner
			}
			return role == csperf.RoleSupervisor && (owner == ownEmp || owner == groupEmp)
		}
		mayRead := func(role, owner string) bool {
			switch role {
			case csperf.RoleAgent:
				return owner == ownEmp
			case csperf.RoleSupervisor:
				return owner == ownEmp || owner == groupEmp || owner == "S1"
			}
			return true
		}
		n := 0
		for _, role := range csperf.Roles {
			for _, owner := range owners {
				for _, src := range []string{"self", "supervisor"} {
					want := mayRate(role, owner, src)
					path := "/api/v1/cycles/c2/ratings"
					r := e.sendJSON("POST", path, role, map[string]any{"employee_id": owner, "item": "teamwork", "source": src, "points": 70})
					n++
					if (r.StatusCode == 200) != want || (!want && r.StatusCode != 403) {
						t.Errorf("%s rates %s's %s: %d, want allowed=%v: %s", role, owner, src, r.StatusCode, want, r)
					}
					// Seeded by a manager, cleared by the role.
					e.sendJSON("POST", path, "manager", map[string]any{"employee_id": owner, "item": "teamwork", "source": src, "points": 60})
					r = e.req("DELETE", path+"/"+owner+"/teamwork/"+src, role, nil)
					n++
					if (r.StatusCode == 204) != want || (!want && r.StatusCode != 403) {
						t.Errorf("%s clears %s's %s: %d, want allowed=%v: %s", role, owner, src, r.StatusCode, want, r)
					}
					e.sendJSON("POST", path, "manager", map[string]any{"employee_id": owner, "item": "teamwork", "source": src, "points": 60})
				}
			}
			var rv ratingsView
			e.get("/api/v1/cycles/c2/ratings", role).json(t, &rv)
			n++
			seen := map[string]bool{}
			for _, x := range rv.Ratings {
				seen[x.EmployeeID] = true
				if !mayRead(role, x.EmployeeID) {
					t.Errorf("%s reads a rating of %s", role, x.EmployeeID)
				}
			}
			for _, o := range owners {
				if mayRead(role, o) && !seen[o] {
					t.Errorf("%s does not see the ratings of %s", role, o)
				}
			}
			for _, g := range rv.Missing {
				if !mayRead(role, g.EmployeeID) {
					t.Errorf("%s reads a missing rating of %s", role, g.EmployeeID)
				}
			}
		}
		// A group cycle has only the group's members: B1 is not one.
		if r := e.sendJSON("POST", "/api/v1/cycles/c1/ratings", "manager", map[string]any{"employee_id": otherEmp, "item": "teamwork", "source": "self", "points": 70}); r.StatusCode != 400 || !strings.Contains(r.String(), "is not a member") {
			t.Errorf("rating a non-member: %d %s", r.StatusCode, r)
		}
		t.Logf("%d requests", n)
	})
}
