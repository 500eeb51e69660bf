package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"csperf"
	"csperf/sqlstore"
)

// seedSurveys gives A1 five surveys in December 2015 (overall 5, 5, 4, 3,
// 2) and A2 two (5, 1), and A1 two in November (5, 1).
func seedSurveys(t *testing.T, db *sqlstore.DB) {
	t.Helper()
	var recs []csperf.Record
	add := func(emp, day string, overall int) {
		at, _ := time.Parse(time.RFC3339, day+"T02:00:00Z")
		recs = append(recs, csperf.Record{"survey_id": fmt.Sprintf("S%03d", len(recs)+1), "employee_id": emp, "answered_at": at, "overall": fmt.Sprint(overall)})
	}
	for i, o := range []int{5, 5, 4, 3, 2} {
		add("A1", fmt.Sprintf("2015-12-%02d", i+2), o)
	}
	add("A2", "2015-12-03", 5)
	add("A2", "2015-12-04", 1)
	add("A1", "2015-11-10", 5)
	add("A1", "2015-11-11", 1)
	seed(t, db, "surveys", recs...)
}

// satisfied is a custom KPI: surveys with overall ≥ 4 among those with an
// overall score.
func satisfied(id string) map[string]any {
	return map[string]any{"id": id, "name_zh": "满意问卷占比", "name_en": "Satisfied share", "unit": "percent", "direction": "higher",
		"aggregation": "ratio",
		"numerator":   map[string]any{"kind": "surveys", "filter": []map[string]any{{"field": "overall", "op": ">=", "value": "4"}}},
		"denominator": []map[string]any{{"kind": "surveys", "filter": []map[string]any{{"field": "overall", "op": "not_null"}}}},
		"target":      map[string]any{"op": ">=", "value": map[string]any{"numerator": 4, "denominator": 5}}}
}

type apiErr struct {
	Error struct{ Code, Field, Message string } `json:"error"`
}

func wantErr(t *testing.T, what string, r resp, status int, field string) {
	t.Helper()
	var e apiErr
	if r.StatusCode != status {
		t.Errorf("%s: %d, want %d: %s", what, r.StatusCode, status, r)
		return
	}
	r.json(t, &e)
	if e.Error.Field != field || e.Error.Message == "" {
		t.Errorf("%s: error %+v, want field %q", what, e.Error, field)
	}
}

func kpiRow(t *testing.T, e *env, kpiID, query string) map[string]any {
	t.Helper()
	var rows []map[string]any
	r := e.get("/api/v1/kpis/"+kpiID+"/values"+query, "manager")
	if r.StatusCode != 200 {
		t.Fatalf("values %s%s: %d %s", kpiID, query, r.StatusCode, r)
	}
	r.json(t, &rows)
	if len(rows) != 1 {
		t.Fatalf("values %s%s: %d rows: %s", kpiID, query, len(rows), r)
	}
	return rows[0]
}

func TestCustomKPIAPI(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		seedSurveys(t, db)
		ctx := context.Background()

		if r := e.sendJSON("POST", "/api/v1/kpis", "agent", satisfied("satisfied_share")); r.StatusCode != http.StatusForbidden {
			t.Errorf("agent defines a KPI: %d %s", r.StatusCode, r)
		}
		r := e.sendJSON("POST", "/api/v1/kpis", "manager", satisfied("satisfied_share"))
		if r.StatusCode != http.StatusCreated || !strings.Contains(r.String(), `"id":"satisfied_share"`) {
			t.Fatalf("define: %d %s", r.StatusCode, r)
		}
		if r := e.get("/api/v1/kpis/satisfied_share", "agent"); r.StatusCode != 200 || !strings.Contains(r.String(), "Satisfied share") {
			t.Errorf("get: %d %s", r.StatusCode, r)
		}
		// Computed at once, exactly: A1 has 3 of 5 in December.
		row := kpiRow(t, e, "satisfied_share", "?scope=employee&id=A1&period=2015-12")
		if row["numerator"] != 3.0 || row["denominator"] != 5.0 || row["value"] != "60.0%" || row["met"] != false {
			t.Errorf("A1 December: %v", row)
		}
		row = kpiRow(t, e, "satisfied_share", "?scope=group&id=G1&period=2015-12")
		if row["numerator"] != 4.0 || row["denominator"] != 7.0 {
			t.Errorf("G1 December: %v", row)
		}

		// Invalid definitions: 400 naming the field.
		bad := satisfied("bad_one")
		bad["numerator"] = map[string]any{"kind": "surveys", "filter": []map[string]any{{"field": "colour", "op": "=", "value": "red"}}}
		wantErr(t, "unknown filter field", e.sendJSON("POST", "/api/v1/kpis", "manager", bad), 400, "numerator.filter[0].field")
		bad = satisfied("bad_one")
		bad["numerator"] = map[string]any{"kind": "surveys", "filter": []map[string]any{{"field": "overall", "op": "~", "value": "4"}}}
		wantErr(t, "unknown operator", e.sendJSON("POST", "/api/v1/kpis", "manager", bad), 400, "numerator.filter[0].op")
		bad = satisfied("bad_one")
		bad["numerator"] = map[string]any{"kind": "surveys", "filter": []map[string]any{{"field": "overall", "op": ">=", "value": "four"}}}
		wantErr(t, "value of the wrong type", e.sendJSON("POST", "/api/v1/kpis", "manager", bad), 400, "numerator.filter[0].value")
		bad = satisfied("bad_one")
		bad["denominator"] = []map[string]any{{"kind": "parcels"}}
		wantErr(t, "unknown kind", e.sendJSON("POST", "/api/v1/kpis", "manager", bad), 400, "denominator[0].kind")
		bad = satisfied("Bad-Id")
		wantErr(t, "bad id", e.sendJSON("POST", "/api/v1/kpis", "manager", bad), 400, "id")
		bad = satisfied("bad_one")
		bad["colour"] = "red"
		wantErr(t, "unknown JSON field", e.sendJSON("POST", "/api/v1/kpis", "manager", bad), 400, "colour")
		bad = satisfied("bad_one")
		bad["unit"] = 7
		wantErr(t, "wrong JSON type", e.sendJSON("POST", "/api/v1/kpis", "manager", bad), 400, "unit")
		if _, err := db.KPIDefinition(ctx, "bad_one"); csperf.ErrorCode(err) != csperf.ENOTFOUND {
			t.Errorf("an invalid definition was stored: %v", err)
		}
		// Catalog ids and ids in use are conflicts; catalog KPIs cannot be
		// changed or removed here.
		wantErr(t, "catalog id", e.sendJSON("POST", "/api/v1/kpis", "manager", satisfied("csat")), 409, "id")
		wantErr(t, "id in use", e.sendJSON("POST", "/api/v1/kpis", "manager", satisfied("satisfied_share")), 409, "id")
		wantErr(t, "change a catalog KPI", e.sendJSON("PUT", "/api/v1/kpis/csat", "manager", satisfied("csat")), 409, "id")
		wantErr(t, "remove a catalog KPI", e.req("DELETE", "/api/v1/kpis/csat", "manager", nil), 409, "id")
		if r := e.sendJSON("PUT", "/api/v1/kpis/nothing_here", "manager", satisfied("")); r.StatusCode != 404 {
			t.Errorf("change a missing KPI: %d %s", r.StatusCode, r)
		}
		wantErr(t, "id differs", e.sendJSON("PUT", "/api/v1/kpis/satisfied_share", "manager", satisfied("other")), 400, "id")

		// A change applies at once: only 5s count now.
		ch := satisfied("")
		ch["numerator"] = map[string]any{"kind": "surveys", "filter": []map[string]any{{"field": "overall", "op": "=", "value": "5"}}}
		if r := e.sendJSON("PUT", "/api/v1/kpis/satisfied_share", "admin", ch); r.StatusCode != 200 {
			t.Fatalf("change: %d %s", r.StatusCode, r)
		}
		row = kpiRow(t, e, "satisfied_share", "?scope=employee&id=A1&period=2015-12")
		if row["numerator"] != 2.0 || row["denominator"] != 5.0 {
			t.Errorf("after the change: %v", row)
		}
		entries, _, err := db.ListAudit(ctx, csperf.AuditFilter{Object: "kpis/satisfied_share", Limit: 10})
		if err != nil || len(entries) != 2 {
			t.Errorf("audit of the KPI: %d entries, %v", len(entries), err)
		}

		// Removal: a second custom KPI goes; one a goal is set on stays.
		if r := e.sendJSON("POST", "/api/v1/kpis", "manager", satisfied("spare_kpi")); r.StatusCode != 201 {
			t.Fatalf("define spare: %d %s", r.StatusCode, r)
		}
		if r := e.req("DELETE", "/api/v1/kpis/spare_kpi", "manager", nil); r.StatusCode != http.StatusNoContent {
			t.Errorf("remove: %d %s", r.StatusCode, r)
		}
		if r := e.get("/api/v1/kpis/spare_kpi", "manager"); r.StatusCode != 404 {
			t.Errorf("removed KPI still there: %d", r.StatusCode)
		}
		g := e.sendJSON("POST", "/api/v1/goals", "manager", map[string]any{"title": "更多满意客户", "kpi": "satisfied_share", "scope": "group", "scope_id": "G1",
			"target": "80%", "start": "2015-12-01", "deadline": "2016-02-29", "owner": "S1"})
		if g.StatusCode != 201 {
			t.Fatalf("goal: %d %s", g.StatusCode, g)
		}
		wantErr(t, "remove a KPI a goal uses", e.req("DELETE", "/api/v1/kpis/satisfied_share", "admin", nil), 409, "id")
	})
}

func TestGoalAPI(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		seedSurveys(t, db)
		goal := func() map[string]any {
			return map[string]any{"title": "A1 满意度提升", "kpi": "csat", "scope": "employee", "scope_id": "A1", "target": "90%",
				"start": "2015-11-01", "deadline": "2016-02-29", "owner": "S1", "baseline_period": "2015-11",
				"actions": []map[string]any{{"description": "每周复盘差评问卷", "responsible": "A1", "due": "2015-12-15"},
					{"description": "组内辅导", "responsible": "A2", "due": "2016-01-31"}}}
		}
		// Field-level refusals.
		for _, c := range []struct {
			what, key string
			val       any
			field     string
		}{
			{"no title", "title", " ", "title"}, {"unknown KPI", "kpi", "nope", "kpi"}, {"bad scope", "scope", "planet", "scope"},
			{"no scope id", "scope_id", "", "scope_id"}, {"target not a number", "target", "lots", "target"},
			{"no target", "target", nil, "target"}, {"bad start", "start", "2015-13-01", "start"},
			{"deadline first", "deadline", "2015-10-01", "deadline"}, {"no owner", "owner", "", "owner"},
			{"owner unknown", "owner", "NOBODY", "owner"}, {"bad comparison", "op", "~", "op"},
			{"bad baseline period", "baseline_period", "last year", "baseline_period"},
			{"measure without due date", "actions", []map[string]any{{"description": "x", "responsible": "A1"}}, "actions[0].due"},
			{"measure with a bad date", "actions", []map[string]any{{"description": "x", "responsible": "A1", "due": "soon"}}, "actions[0].due"},
			{"measure without responsible", "actions", []map[string]any{{"description": "x", "due": "2016-01-01"}}, "actions[0].responsible"},
		} {
			g := goal()
			g[c.key] = c.val
			wantErr(t, c.what, e.sendJSON("POST", "/api/v1/goals", "manager", g), 400, c.field)
		}
		if r := e.get("/api/v1/goals", "manager"); strings.Contains(r.String(), "A1 满意度提升") {
			t.Fatalf("a refused goal was stored: %s", r)
		}
		// Scope: a supervisor sets goals for their group's people only;
		// an agent sets none.
		g := goal()
		g["scope_id"] = "B1"
		wantErr(t, "supervisor, other group", e.sendJSON("POST", "/api/v1/goals", "supervisor", g), 403, "scope_id")
		if r := e.sendJSON("POST", "/api/v1/goals", "agent", goal()); r.StatusCode != 403 {
			t.Errorf("agent sets a goal: %d", r.StatusCode)
		}
		r := e.sendJSON("POST", "/api/v1/goals", "supervisor", goal())
		if r.StatusCode != 201 {
			t.Fatalf("create: %d %s", r.StatusCode, r)
		}
		var created struct {
			ID       int64
			Baseline struct {
				Numerator, Denominator int64
				Display                string
			}
			Target struct {
				Op    string
				Value struct{ Numerator, Denominator int64 }
			}
			Actions []struct {
				Seq         int
				Responsible string
			}
		}
		r.json(t, &created)
		// Baseline over November: one survey of two with overall ≥ 4.
		if created.Baseline.Numerator != 1 || created.Baseline.Denominator != 2 || created.Target.Op != ">=" ||
			created.Target.Value.Numerator != 9 || created.Target.Value.Denominator != 10 || len(created.Actions) != 2 {
			t.Errorf("created: %+v", created)
		}
		base := fmt.Sprintf("/api/v1/goals/%d", created.ID)

		// Progress over time: November, December and January so far.
		var track struct {
			Goal struct {
				Status, Achievement string
				Actual              struct{ Numerator, Denominator int64 }
			}
			Checkpoints []struct {
				Period, Value, Status, Achievement string
				AsOf                               string `json:"as_of"`
				Numerator, Denominator             int64
				Actual                             struct{ Numerator, Denominator int64 }
			}
		}
		pr := e.get(base+"/progress", "agent")
		if pr.StatusCode != 200 {
			t.Fatalf("progress: %d %s", pr.StatusCode, pr)
		}
		pr.json(t, &track)
		if len(track.Checkpoints) != 3 {
			t.Fatalf("checkpoints: %s", pr)
		}
		nov, dec := track.Checkpoints[0], track.Checkpoints[1]
		if nov.Period != "2015-11" || nov.Numerator != 1 || nov.Denominator != 2 || nov.Actual.Numerator != 1 || nov.Actual.Denominator != 2 {
			t.Errorf("November: %+v", nov)
		}
		// To the end of December: 1+3 of 2+5; achievement (4/7 − 1/2) / (9/10 − 1/2) = 5/28 = 17.9%.
		if dec.Period != "2015-12" || dec.Numerator != 3 || dec.Denominator != 5 || dec.Actual.Numerator != 4 || dec.Actual.Denominator != 7 ||
			dec.Achievement != "17.9%" || dec.AsOf != "2016-01-01" || dec.Status != "at_risk" {
			t.Errorf("December: %+v", dec)
		}
		if track.Goal.Actual.Numerator != 4 || track.Goal.Actual.Denominator != 7 || track.Goal.Status != "at_risk" {
			t.Errorf("today: %+v", track.Goal)
		}
		if r := e.get(base+"/progress", "agent"); r.StatusCode != 200 {
			t.Errorf("the agent's own goal: %d", r.StatusCode)
		}
		other := goal()
		other["scope_id"], other["owner"], other["actions"] = "B1", "B1", nil
		ro := e.sendJSON("POST", "/api/v1/goals", "manager", other)
		var og struct{ ID int64 }
		ro.json(t, &og)
		if r := e.get(fmt.Sprintf("/api/v1/goals/%d/progress", og.ID), "agent"); r.StatusCode != 404 {
			t.Errorf("another's goal progress: %d", r.StatusCode)
		}

		// Measures: the agent marks their own, not another's.
		if r := e.sendJSON("PATCH", base+"/actions/1", "agent", map[string]any{"done": "2015-12-14"}); r.StatusCode != 200 || !strings.Contains(r.String(), `"done":"2015-12-14"`) {
			t.Errorf("agent marks own measure: %d %s", r.StatusCode, r)
		}
		wantErr(t, "agent marks another's measure", e.sendJSON("PATCH", base+"/actions/2", "agent", map[string]any{"done": "2016-01-10"}), 403, "seq")
		wantErr(t, "no done", e.sendJSON("PATCH", base+"/actions/2", "manager", map[string]any{}), 400, "done")
		wantErr(t, "bad done", e.sendJSON("PATCH", base+"/actions/2", "manager", map[string]any{"done": "yesterday"}), 400, "done")
		if r := e.sendJSON("PATCH", base+"/actions/9", "manager", map[string]any{"done": "2016-01-10"}); r.StatusCode != 404 {
			t.Errorf("missing measure: %d", r.StatusCode)
		}
		if r := e.sendJSON("PATCH", base+"/actions/1", "manager", map[string]any{"done": nil}); r.StatusCode != 200 || strings.Contains(r.String(), `"done":"2015-12-14"`) {
			t.Errorf("undo: %d %s", r.StatusCode, r)
		}
		// A measure added later.
		if r := e.sendJSON("POST", base+"/actions", "manager", map[string]any{"description": "质检抽查", "responsible": "Q1", "due": "2016-02-15"}); r.StatusCode != 201 || !strings.Contains(r.String(), `"seq":3`) {
			t.Errorf("add measure: %d %s", r.StatusCode, r)
		}
		wantErr(t, "add a measure without date", e.sendJSON("POST", base+"/actions", "manager", map[string]any{"description": "x", "responsible": "Q1"}), 400, "due")
		entries, _, _ := db.ListAudit(context.Background(), csperf.AuditFilter{Action: "goal.action.done", Limit: 10})
		if len(entries) != 2 {
			t.Errorf("measure changes audited: %d", len(entries))
		}
	})
}

func TestWebhookAPI(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		const secret = "a-very-secret-signing-key"
		if r := e.get("/api/v1/alerts/webhook", "manager"); r.StatusCode != 403 {
			t.Errorf("manager reads the webhook: %d", r.StatusCode)
		}
		if r := e.get("/api/v1/alerts/webhook", "admin"); r.StatusCode != 200 || !strings.Contains(r.String(), `"enabled":false`) {
			t.Errorf("no webhook: %d %s", r.StatusCode, r)
		}
		wantErr(t, "no url", e.sendJSON("PUT", "/api/v1/alerts/webhook", "admin", map[string]any{}), 400, "url")
		wantErr(t, "bad url", e.sendJSON("PUT", "/api/v1/alerts/webhook", "admin", map[string]any{"url": "ftp://x", "secret": secret}), 400, "url")
		wantErr(t, "short secret", e.sendJSON("PUT", "/api/v1/alerts/webhook", "admin", map[string]any{"url": "https://hooks.example.com/a", "secret": "short"}), 400, "secret")
		r := e.sendJSON("PUT", "/api/v1/alerts/webhook", "admin", map[string]any{"url": "https://hooks.example.com/a", "secret": secret})
		if r.StatusCode != 200 || !strings.Contains(r.String(), `"url":"https://hooks.example.com/a"`) || strings.Contains(r.String(), secret) {
			t.Errorf("set: %d %s", r.StatusCode, r)
		}
		if r := e.get("/api/v1/alerts/webhook", "admin"); !strings.Contains(r.String(), `"secret_set":true`) || strings.Contains(r.String(), secret) {
			t.Errorf("read back: %s", r)
		}
		if r := e.get("/alerts/webhook", "admin"); r.StatusCode != 200 || strings.Contains(r.String(), secret) || !strings.Contains(r.String(), "hooks.example.com") {
			t.Errorf("page: %d", r.StatusCode)
		}
		entries, _, _ := db.ListAudit(context.Background(), csperf.AuditFilter{Object: "settings/" + sqlstore.SettingAlertWebhook, Limit: 10})
		if len(entries) != 1 || strings.Contains(entries[0].Before+entries[0].After, secret) {
			t.Errorf("audit: %+v", entries)
		}
		if r := e.sendJSON("PUT", "/api/v1/alerts/webhook", "admin", map[string]any{"url": ""}); r.StatusCode != 200 || !strings.Contains(r.String(), `"enabled":false`) {
			t.Errorf("off: %d %s", r.StatusCode, r)
		}
	})
}
