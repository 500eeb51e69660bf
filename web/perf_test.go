package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"csperf/scorecard"
	"csperf/sqlstore"
)

// testPerf is the database as the PerfStore, as cmd/csperf wires it.
type testPerf struct{ *sqlstore.DB }

func (p testPerf) ListCycles(ctx context.Context, kind, state string, year int) ([]scorecard.Cycle, error) {
	return p.Cycles(ctx, sqlstore.CycleFilter{Kind: kind, State: state, Year: year})
}

func TestKPIAPIScope(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		var defs struct {
			Items []map[string]any `json:"items"`
		}
		r := e.get("/api/v1/kpis", "agent")
		if r.StatusCode != 200 {
			t.Fatalf("kpis: %d %s", r.StatusCode, r)
		}
		r.json(t, &defs)
		if len(defs.Items) == 0 {
			t.Fatal("no KPIs")
		}
		id, _ := defs.Items[0]["id"].(string)
		for _, c := range []struct {
			role, query string
			status      int
		}{
			{"agent", "?scope=employee&id=" + ownEmp + "&period=2015-12", 200},
			{"agent", "?scope=employee&id=" + otherEmp + "&period=2015-12", 403},
			{"agent", "?scope=employee&id=" + groupEmp + "&period=2015-12", 403},
			{"agent", "?scope=org&period=2015-12", 403},
			{"supervisor", "?scope=employee&id=" + groupEmp + "&period=2015-12", 200},
			{"supervisor", "?scope=employee&id=" + otherEmp + "&period=2015-12", 403},
			{"supervisor", "?scope=group&id=G2&period=2015-12", 403},
			{"manager", "?scope=employee&id=" + otherEmp + "&period=2015-12&by=week", 200},
			{"manager", "?scope=nowhere", 400},
		} {
			r := e.get("/api/v1/kpis/"+id+"/values"+c.query, c.role)
			if r.StatusCode != c.status {
				t.Errorf("%s %s: %d, want %d: %s", c.role, c.query, r.StatusCode, c.status, r)
			}
		}
		// The figures are the store's, row for row.
		var rows []map[string]any
		e.get("/api/v1/kpis/"+id+"/values?scope=employee&id="+ownEmp+"&period=2015-12", "agent").json(t, &rows)
		if len(rows) != 1 || rows[0]["id"] != ownEmp || rows[0]["kpi"] != id {
			t.Errorf("rows: %v", rows)
		}
		if r := e.get("/api/v1/kpis/no_such_kpi/values?period=2015-12", "manager"); r.StatusCode != http.StatusNotFound {
			t.Errorf("unknown KPI: %d %s", r.StatusCode, r)
		}
	})
}

func TestCycleAPIScope(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		for _, p := range []string{"/api/v1/cycles", "/api/v1/goals", "/api/v1/alerts"} {
			if r := e.get(p, "agent"); r.StatusCode != 200 {
				t.Errorf("%s: %d %s", p, r.StatusCode, r)
			}
		}
		if r := e.get("/api/v1/cycles/none", "agent"); r.StatusCode != 404 {
			t.Errorf("missing cycle: %d %s", r.StatusCode, r)
		}
		if r := e.sendJSON("POST", "/api/v1/cycles/none/approve", "agent", map[string]any{}); r.StatusCode != 403 {
			t.Errorf("agent approves: %d %s", r.StatusCode, r)
		}
		if r := e.sendJSON("POST", "/api/v1/cycles/none/objections", "agent", map[string]any{"employee_id": otherEmp, "text": "not mine"}); r.StatusCode != 403 {
			t.Errorf("agent objects for another: %d %s", r.StatusCode, r)
		}
		if r := e.sendJSON("POST", "/api/v1/alerts/1/ack", "supervisor", map[string]any{}); r.StatusCode != 404 {
			t.Errorf("ack of an alert not addressed to the supervisor: %d %s", r.StatusCode, r)
		}
	})
}

func TestCycleResultScope(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		c, err := db.CreateCycle(ctx, sqlstore.CycleSpec{Kind: scorecard.KindMonthly, Period: "2015-12", ScopeLevel: scorecard.ScopeDepartment, ScopeID: "main"})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.ComputeCycle(ctx, c.ID); err != nil {
			t.Skipf("compute: %v", err)
		}
		base := "/api/v1/cycles/" + c.ID
		if r := e.get(base+"/results/"+ownEmp, "agent"); r.StatusCode != 200 {
			t.Errorf("own result: %d %s", r.StatusCode, r)
		}
		if r := e.get(base+"/results/"+otherEmp, "agent"); r.StatusCode != 403 && r.StatusCode != 404 {
			t.Errorf("another's result: %d %s", r.StatusCode, r)
		}
		if r := e.get(base+"/results/"+groupEmp, "supervisor"); r.StatusCode != 200 {
			t.Errorf("supervisor, group member's result: %d %s", r.StatusCode, r)
		}
		var v struct {
			Results []cycleResultRow `json:"results"`
		}
		e.get(base, "agent").json(t, &v)
		if len(v.Results) != 1 || v.Results[0].EmployeeID != ownEmp {
			t.Errorf("agent's cycle view: %+v", v.Results)
		}
		e.get(base, "manager").json(t, &v)
		if len(v.Results) < 3 {
			t.Errorf("manager's cycle view: %+v", v.Results)
		}
		for _, c := range []struct{ path, role string }{{"/cycles/" + c.ID, "agent"}, {"/cycles/" + c.ID, "manager"},
			{"/cycles/" + c.ID + "/results/" + ownEmp, "agent"}, {"/cycles/" + c.ID + "/results/" + groupEmp, "hr"},
			{"/kpis?period=2015-10..2015-12&by=month&scope=group", "manager"}, {"/kpis/export?period=2015-12&scope=employee&format=csv", "manager"}} {
			if r := e.get(c.path, c.role); r.StatusCode != 200 {
				t.Errorf("%s as %s: %d %.300s", c.path, c.role, r.StatusCode, r)
			}
		}
		if r := e.get("/kpis?kpi=csat&kpi=fcr&scope=employee&id="+ownEmp+"&period=2015-12", "manager"); !strings.Contains(r.String(), "advisor_id="+ownEmp) && !strings.Contains(r.String(), "agent_id="+ownEmp) {
			t.Errorf("no drill-down link on the explorer: %d", r.StatusCode)
		}
		for _, role := range []string{"agent", "supervisor", "manager"} {
			if r := e.get("/", role); r.StatusCode != 200 || !strings.Contains(r.String(), `id="kpi-tiles"`) {
				t.Errorf("dashboard as %s: %d, KPI tiles missing", role, r.StatusCode)
			}
		}
		if r := e.get("/cycles/"+c.ID+"/results/"+otherEmp, "agent"); r.StatusCode == 200 {
			t.Errorf("agent reads another's result page")
		}
		if r := e.sendJSON("POST", base+"/objections", "agent", map[string]any{"text": "my calls were miscounted"}); r.StatusCode != 201 {
			t.Errorf("own objection: %d %s", r.StatusCode, r)
		}
		if r := e.sendJSON("POST", base+"/approve", "manager", map[string]any{}); r.StatusCode != 200 {
			t.Errorf("approve: %d %s", r.StatusCode, r)
		}
	})
}
