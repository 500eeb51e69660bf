package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"csperf"
	"csperf/churn"
	"csperf/sqlstore"
)

func TestRecordsAPI(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		// Create: times without an offset are local, money as a number.
		r := e.sendJSON("POST", "/api/v1/visits", "admin", map[string]any{"visit_id": "V1", "customer_id": "C1", "advisor_id": "A1", "visit_date": "2016-01-10", "amount": 123.45})
		if r.StatusCode != http.StatusCreated {
			t.Fatalf("create visit: %d %s", r.StatusCode, r)
		}
		if loc := r.Header.Get("Location"); loc != "/api/v1/visits/V1" {
			t.Errorf("Location = %q", loc)
		}
		var v map[string]any
		r.json(t, &v)
		if v["amount"] != "123.45" || v["visit_date"] != "2016-01-10" {
			t.Errorf("created visit = %v", v)
		}
		r = e.sendJSON("POST", "/api/v1/complaints", "admin", map[string]any{"complaint_id": "K1", "customer_id": "C1", "employee_id": "A1", "class": "一类", "opened_at": "2016-01-10T09:30:00", "escalated": true})
		if r.StatusCode != http.StatusCreated {
			t.Fatalf("create complaint: %d %s", r.StatusCode, r)
		}
		r.json(t, &v)
		if v["opened_at"] != "2016-01-10T09:30:00+08:00" || v["class"] != "1" || v["escalated"] != true {
			t.Errorf("complaint = %v", v)
		}
		// Errors name the field, in one JSON shape.
		for _, c := range []struct {
			body   map[string]any
			status int
			code   string
			field  string
		}{
			{map[string]any{"complaint_id": "K2", "class": "1", "opened_at": "2016-01-10", "colour": "red"}, 400, "invalid", "colour"},
			{map[string]any{"complaint_id": "K2", "class": "9", "opened_at": "2016-01-10T00:00:00Z"}, 400, "invalid", "class"},
			{map[string]any{"complaint_id": "K2", "class": "1", "opened_at": "yesterday"}, 400, "invalid", "opened_at"},
			{map[string]any{"complaint_id": "K2", "class": "1"}, 400, "invalid", "opened_at"},
			{map[string]any{"complaint_id": "K1", "class": "1", "opened_at": "2016-01-10T00:00:00Z"}, 409, "conflict", ""},
			{map[string]any{"complaint_id": "K2", "class": "1", "opened_at": "2016-01-10T00:00:00Z", "customer_id": "NOPE"}, 400, "invalid", "customer_id"},
		} {
			r := e.sendJSON("POST", "/api/v1/complaints", "admin", c.body)
			var er struct {
				Error apiError `json:"error"`
			}
			r.json(t, &er)
			if r.StatusCode != c.status || er.Error.Code != c.code || er.Error.Field != c.field || er.Error.Message == "" {
				t.Errorf("%v: %d %s", c.body, r.StatusCode, r)
			}
		}
		// Patch, get, list with filters and sort, delete.
		r = e.sendJSON("PATCH", "/api/v1/complaints/K1", "admin", map[string]any{"status": "已结案", "closed_at": "2016-01-11T10:00:00+08:00"})
		if r.StatusCode != 200 {
			t.Fatalf("patch: %d %s", r.StatusCode, r)
		}
		r = e.get("/api/v1/complaints/K1", "admin")
		r.json(t, &v)
		if v["status"] != "closed" || v["closed_at"] != "2016-01-11T10:00:00+08:00" {
			t.Errorf("after patch: %v", v)
		}
		var page struct {
			Items         []map[string]any
			Total         int
			Offset, Limit int
		}
		e.get("/api/v1/complaints?status=closed&from=2016-01-01&to=2016-01-31&sort=-opened_at&limit=10", "admin").json(t, &page)
		if page.Total != 1 || len(page.Items) != 1 || page.Limit != 10 {
			t.Errorf("list = %+v", page)
		}
		for _, q := range []string{"/api/v1/complaints?opened_at=2016-01-10T09:30:00", "/api/v1/complaints?opened_at=2016-01-10T01:30:00Z",
			"/api/v1/complaints?escalated=%E6%98%AF", "/api/v1/complaints?class=%E4%B8%80%E7%B1%BB", "/api/v1/visits?amount=123.45", "/api/v1/visits?visit_date=2016-01-10"} {
			var pg struct{ Total int }
			if r := e.get(q, "admin"); r.StatusCode != 200 {
				t.Errorf("%s: %d %s", q, r.StatusCode, r)
			} else if r.json(t, &pg); pg.Total != 1 {
				t.Errorf("%s: %d records", q, pg.Total)
			}
		}
		if r := e.get("/api/v1/visits?amount=12.345", "admin"); r.StatusCode != 400 || !strings.Contains(r.String(), `"field":"amount"`) {
			t.Errorf("bad money filter: %d %s", r.StatusCode, r)
		}
		if r := e.get("/api/v1/complaints?colour=red", "admin"); r.StatusCode != 400 || !strings.Contains(r.String(), `"field":"colour"`) {
			t.Errorf("unknown filter: %d %s", r.StatusCode, r)
		}
		if r := e.req("DELETE", "/api/v1/customers/C1", "admin", nil); r.StatusCode != http.StatusConflict {
			t.Errorf("deleting a referenced customer: %d %s", r.StatusCode, r)
		}
		if r := e.req("DELETE", "/api/v1/complaints/K1", "admin", nil); r.StatusCode != http.StatusNoContent {
			t.Errorf("delete: %d %s", r.StatusCode, r)
		}
		if r := e.get("/api/v1/complaints/K1", "admin"); r.StatusCode != 404 {
			t.Errorf("deleted record: %d", r.StatusCode)
		}
		// Composite keys join with ~.
		if r := e.get("/api/v1/memberships/A1~2015-01-01", "admin"); r.StatusCode != 200 {
			t.Errorf("membership: %d %s", r.StatusCode, r)
		}
		// Not signed in.
		if r := e.get("/api/v1/visits", ""); r.StatusCode != 401 || !strings.Contains(r.String(), `"code":"unauthorized"`) {
			t.Errorf("anonymous: %d %s", r.StatusCode, r)
		}
		if r := e.req("GET", "/api/v1/visits", "", nil, "Authorization", "Bearer wrong"); r.StatusCode != 401 {
			t.Errorf("bad token: %d", r.StatusCode)
		}
	})
}

func TestMaskingAndUnmask(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		var c map[string]any
		e.get("/api/v1/customers/C1", "supervisor").json(t, &c)
		if c["phone"] != "138****5678" || c["id_number"] != "110105********002X" || c["email"] != "z***@example.com" || c["address"] != "北京市朝阳区****" {
			t.Errorf("masked customer = %v", c)
		}
		if r := e.get("/api/v1/customers/C1?unmask=1", "supervisor"); r.StatusCode != 403 {
			t.Errorf("supervisor unmask: %d", r.StatusCode)
		}
		e.get("/api/v1/customers/C1?unmask=1", "manager").json(t, &c)
		if c["phone"] != "13812345678" {
			t.Errorf("unmasked = %v", c)
		}
		es, _, err := db.ListAudit(context.Background(), csperf.AuditFilter{Action: "unmask"})
		if err != nil || len(es) != 1 || es[0].Object != "customers/C1" || es[0].UserID != "manager" || !strings.Contains(es[0].After, "phone") {
			t.Errorf("unmask audit = %+v, %v", es, err)
		}
		// Lists and exports are masked too; filtering by phone needs the
		// permission.
		r := e.get("/api/v1/customers", "agent")
		if strings.Contains(r.String(), "13812345678") || !strings.Contains(r.String(), "138****5678") {
			t.Errorf("list leaks: %s", r)
		}
		if r := e.get("/api/v1/customers?phone=13812345678", "agent"); r.StatusCode != 400 {
			t.Errorf("filter by phone as agent: %d", r.StatusCode)
		}
		r = e.get("/api/v1/export/customers?format=csv", "agent")
		if r.StatusCode != 200 || strings.Contains(r.String(), "13812345678") || !strings.Contains(r.String(), "138****5678") {
			t.Errorf("export: %d %s", r.StatusCode, r)
		}
		r = e.get("/api/v1/export/customers?format=csv&unmask=1", "admin")
		if !strings.Contains(r.String(), "13812345678") {
			t.Errorf("unmasked export: %s", r)
		}
		es, _, _ = db.ListAudit(context.Background(), csperf.AuditFilter{})
		var actions []string
		for _, x := range es {
			actions = append(actions, x.Action)
		}
		if !strings.Contains(strings.Join(actions, ","), "export.unmask") || !strings.Contains(strings.Join(actions, ","), "export") {
			t.Errorf("exports not audited: %v", actions)
		}
	})
}

func TestChurnAPI(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		seed(t, db, "visits",
			csperf.Record{"visit_id": "V1", "customer_id": "C1", "advisor_id": "A1", "visit_date": date("2015-05-10")},
			csperf.Record{"visit_id": "V2", "customer_id": "C2", "advisor_id": "B1", "visit_date": date("2015-05-11")})
		ctx := context.Background()
		s, _ := db.ChurnSettings(ctx)
		want, err := db.ChurnReport(ctx, csperf.MakeMonth(2016, 1), s.Rules())
		if err != nil {
			t.Fatal(err)
		}
		var got churn.Report
		r := e.get("/api/v1/churn?month=2016-01", "manager")
		if r.StatusCode != 200 || strings.Contains(r.String(), `\u003c`) {
			t.Fatalf("churn: %d %s", r.StatusCode, r)
		}
		r.json(t, &got)
		wb, _ := json.Marshal(want)
		gb, _ := json.Marshal(got)
		if string(wb) != string(gb) {
			t.Errorf("API report differs:\n%s\n%s", gb, wb)
		}
		// The agent sees the department figure and only their own rows.
		e.get("/api/v1/churn?month=2016-01", "agent").json(t, &got)
		if got.Department.Churned != 2 || len(got.ChurnedCustomers) != 1 || got.ChurnedCustomers[0].AdvisorID != "A1" || len(got.Groups) != 0 {
			t.Errorf("agent's churn = %+v", got)
		}
		if r := e.sendJSON("PUT", "/api/v1/churn/settings", "supervisor", map[string]any{"threshold_months": 12}); r.StatusCode != 403 {
			t.Errorf("supervisor sets churn: %d", r.StatusCode)
		}
		r = e.sendJSON("PUT", "/api/v1/churn/settings", "manager", map[string]any{"threshold_months": 12})
		var c churn.Config
		r.json(t, &c)
		if r.StatusCode != 200 || c.Threshold != 12 || c.GroupAmount != 20000 {
			t.Errorf("set churn: %d %s", r.StatusCode, r)
		}
		if r := e.sendJSON("PUT", "/api/v1/churn/settings", "manager", map[string]any{"threshold_months": 0}); r.StatusCode != 400 {
			t.Errorf("bad settings: %d %s", r.StatusCode, r)
		}
		if r := e.req("POST", "/api/v1/churn/2016-01/close", "manager", nil); r.StatusCode != 200 {
			t.Errorf("close: %d %s", r.StatusCode, r)
		}
		if r := e.req("POST", "/api/v1/churn/2016-01/close", "manager", nil); r.StatusCode != 409 {
			t.Errorf("close twice: %d %s", r.StatusCode, r)
		}
		if r := e.sendJSON("POST", "/api/v1/churn/2016-01/reopen", "manager", map[string]any{"reason": "late data"}); r.StatusCode != 403 {
			t.Errorf("manager reopens: %d", r.StatusCode)
		}
		if r := e.sendJSON("POST", "/api/v1/churn/2016-01/reopen", "admin", map[string]any{"reason": "late data"}); r.StatusCode != 200 {
			t.Errorf("admin reopens: %d %s", r.StatusCode, r)
		}
	})
}

func TestOpenAPI(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		var doc struct {
			OpenAPI    string                    `json:"openapi"`
			Paths      map[string]map[string]any `json:"paths"`
			Components struct {
				Schemas map[string]map[string]any `json:"schemas"`
			} `json:"components"`
		}
		e.get("/api/v1/openapi.json", "").json(t, &doc)
		if doc.OpenAPI != "3.1.0" {
			t.Errorf("openapi = %q", doc.OpenAPI)
		}
		for _, k := range csperf.Kinds {
			for _, p := range []string{"/api/v1/" + k.Name, "/api/v1/" + k.Name + "/{id}", "/api/v1/export/" + k.Name, "/api/v1/import/" + k.Name} {
				if doc.Paths[p] == nil {
					t.Errorf("no path %s", p)
				}
			}
			sc := doc.Components.Schemas[schemaName(k)]
			props, _ := sc["properties"].(map[string]any)
			if len(props) != len(k.Fields) {
				t.Errorf("%s: %d properties", k.Name, len(props))
			}
		}
		var cls map[string]any
		b, _ := json.Marshal(doc.Components.Schemas["Complaints"]["properties"])
		json.Unmarshal(b, &cls)
		if !strings.Contains(toJSON(cls["class"]), `"enum":["1","2","3",null]`) || !strings.Contains(toJSON(cls["opened_at"]), `"date-time"`) {
			t.Errorf("complaint schema: %v", cls["class"])
		}
		for _, p := range []string{"/api/v1/churn", "/api/v1/churn/settings", "/api/v1/churn/{month}/close", "/api/v1/churn/{month}/reopen", "/api/v1/me"} {
			if doc.Paths[p] == nil {
				t.Errorf("no path %s", p)
			}
		}
		// Every API route is in the document.
		for _, rt := range e.srv.Routes() {
			if !strings.HasPrefix(rt.Path, "/api/v1/") || rt.Path == "/api/v1/openapi.json" || rt.Path == "/api/v1/churn/months" {
				continue
			}
			if doc.Paths[rt.Path][strings.ToLower(rt.Method)] == nil {
				t.Errorf("%s %s is not documented", rt.Method, rt.Path)
			}
		}
	})
}

func TestImportUploadAndExport(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		bad := "visit_id,customer_id,advisor_id,visit_date\nV1,C1,A1,2016-01-02\nV2,C9,A1,2016-01-03\nV3,C2,A2,2016-13-01\n"
		r := e.req("POST", "/api/v1/import/visits?name=v.csv", "manager", strings.NewReader(bad))
		var er struct {
			Error apiError `json:"error"`
		}
		r.json(t, &er)
		if r.StatusCode != 422 || er.Error.Total != 2 || len(er.Error.Lines) != 2 ||
			!strings.HasPrefix(er.Error.Lines[0], "v.csv:3: column customer_id:") || !strings.HasPrefix(er.Error.Lines[1], "v.csv:4: column visit_date:") {
			t.Fatalf("bad import: %d %s", r.StatusCode, r)
		}
		if _, n, _ := db.ListRecords(context.Background(), csperf.KindByName("visits"), csperf.RecordFilter{}); n != 0 {
			t.Errorf("a failed import wrote %d visits", n)
		}
		good := "工单号,客户编号,业务接待编号,进站日期\nV1,C1,A1,2016-01-02\nV2,C2,B1,2016-01-03\n"
		r = e.req("POST", "/api/v1/import/visits?name=v.csv", "manager", strings.NewReader(good))
		var res csperf.ImportResult
		r.json(t, &res)
		if r.StatusCode != 200 || res.Inserted != 2 {
			t.Fatalf("import: %d %s", r.StatusCode, r)
		}
		if r := e.req("POST", "/api/v1/import/visits?name=v.csv", "agent", strings.NewReader(good)); r.StatusCode != 403 {
			t.Errorf("agent imports: %d", r.StatusCode)
		}
		// The agent's export holds only the agent's visits.
		r = e.get("/api/v1/export/visits?format=csv", "agent")
		body := strings.TrimPrefix(r.String(), "\uFEFF")
		if r.StatusCode != 200 || !strings.HasPrefix(body, "visit_id,customer_id,advisor_id,visit_date") || !strings.Contains(body, "V1,C1,A1,2016-01-02") || strings.Contains(body, "V2") {
			t.Errorf("agent export: %d %q", r.StatusCode, body)
		}
		if ct := r.Header.Get("Content-Disposition"); !strings.Contains(ct, "attachment") {
			t.Errorf("Content-Disposition = %q", ct)
		}
		r = e.get("/api/v1/export/visits?format=xlsx", "manager")
		if r.StatusCode != 200 || !strings.HasPrefix(r.String(), "PK") {
			t.Errorf("xlsx export: %d", r.StatusCode)
		}
		// Formula injection is neutralised in CSV.
		e.sendJSON("PATCH", "/api/v1/customers/C2", "admin", map[string]any{"notes": "=HYPERLINK(\"x\")"})
		if r := e.get("/api/v1/export/customers?format=csv", "admin"); !strings.Contains(r.String(), `'=HYPERLINK`) {
			t.Errorf("formula not neutralised: %s", r)
		}
	})
}
