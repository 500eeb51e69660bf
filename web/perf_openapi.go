package web

import (
	"reflect"

	"csperf/kpi"
	"csperf/scorecard"
)

// perfPaths documents the KPI, goal, alert and cycle API.
func perfPaths(paths, schemas obj, std func(obj) obj, errResp func(string) obj, jsonBody func(string) obj) {
	schemas["KPIDefinition"] = obj{"type": "object", "description": "a KPI definition (see `csperf kpi define`)", "properties": obj{
		"id": obj{"type": "string"}, "name_zh": obj{"type": "string"}, "name_en": obj{"type": "string"}, "unit": obj{"type": "string"},
		"direction": obj{"type": "string"}, "aggregation": obj{"type": "string"}, "target": obj{"type": "object"}}}
	schemas["KPIRow"] = typeSchema(reflect.TypeFor[kpi.Row]())
	schemas["Goal"] = typeSchema(reflect.TypeFor[kpi.Goal]())
	schemas["GoalProgress"] = typeSchema(reflect.TypeFor[kpi.GoalProgress]())
	schemas["Alert"] = typeSchema(reflect.TypeFor[kpi.Alert]())
	schemas["Objection"] = typeSchema(reflect.TypeFor[scorecard.Objection]())
	schemas["CycleResult"] = obj{"type": "object", "description": "an employee's score, grade, bonus and the explanation of every item"}
	schemas["Cycle"] = obj{"type": "object", "description": "an appraisal cycle: id, name, kind, period, scope, state, maker and checker"}
	schemas["CycleView"] = obj{"type": "object", "properties": obj{
		"cycle":      obj{"$ref": "#/components/schemas/Cycle"},
		"summary":    obj{"type": "object", "description": "counts, grades and bonus totals (for those who may read every result)"},
		"sha256":     obj{"type": "string"},
		"results":    obj{"type": "array", "items": obj{"type": "object"}},
		"objections": obj{"type": "array", "items": obj{"$ref": "#/components/schemas/Objection"}},
		"own":        obj{"$ref": "#/components/schemas/CycleResult"}}}
	list := func(ref string) obj {
		return obj{"application/json": obj{"schema": obj{"type": "object", "properties": obj{
			"items": obj{"type": "array", "items": obj{"$ref": "#/components/schemas/" + ref}}}}}}
	}
	str := func(name, in, desc string) obj {
		return obj{"name": name, "in": in, "required": in == "path", "description": desc, "schema": obj{"type": "string"}}
	}
	tag := func(t string) []string { return []string{t} }
	notFound := errResp("no such object, or outside the caller's scope")
	paths["/api/v1/kpis"] = obj{"get": obj{"tags": tag("kpis"), "summary": "The KPI catalog and the custom KPIs", "operationId": "kpis",
		"responses": std(obj{"200": obj{"description": "every KPI", "content": list("KPIDefinition")}})}}
	paths["/api/v1/kpis/{id}/values"] = obj{"get": obj{"tags": tag("kpis"), "summary": "KPI values, as `csperf kpi --format json` (agents: their own; supervisors: their groups and members)", "operationId": "kpi_values",
		"parameters": []obj{str("id", "path", "KPI id, or several separated by commas"),
			str("scope", "query", "employee, group, department or org (default by role)"),
			str("id", "query", "the employee, group or department; empty: all of the level within the caller's scope"),
			str("period", "query", "2015-09, 2015-Q3, 2015, 2015-W37, 2015-09-01 or A..B (default: the last complete month)"),
			str("by", "query", "split by day, week, month, quarter or year")},
		"responses": std(obj{"200": obj{"description": "the rows", "content": obj{"application/json": obj{"schema": obj{"type": "array", "items": obj{"$ref": "#/components/schemas/KPIRow"}}}}}, "404": notFound})}}
	paths["/api/v1/goals"] = obj{"get": obj{"tags": tag("goals"), "summary": "Goals within the caller's scope", "operationId": "goals",
		"parameters": []obj{str("owner", "query", "owner's employee id"), str("kpi", "query", "KPI id"), str("scope", "query", "level"),
			str("scope_id", "query", "id of the level"), str("active_on", "query", "YYYY-MM-DD")},
		"responses": std(obj{"200": obj{"description": "the goals", "content": list("Goal")}})}}
	paths["/api/v1/goals/{id}"] = obj{"get": obj{"tags": tag("goals"), "summary": "A goal with its progress today", "operationId": "goal",
		"parameters": []obj{str("id", "path", "goal id")},
		"responses":  std(obj{"200": obj{"description": "the goal", "content": jsonBody("GoalProgress")}, "404": notFound})}}
	paths["/api/v1/alerts"] = obj{"get": obj{"tags": tag("alerts"), "summary": "Alerts, newest first (agents and supervisors: those addressed to them)", "operationId": "alerts",
		"parameters": []obj{str("kpi", "query", "KPI id"), str("open", "query", "1: not yet acknowledged"),
			{"name": "offset", "in": "query", "schema": obj{"type": "integer", "minimum": 0}},
			{"name": "limit", "in": "query", "schema": obj{"type": "integer", "minimum": 1, "maximum": 1000, "default": 50}}},
		"responses": std(obj{"200": obj{"description": "one page and the total", "content": obj{"application/json": obj{"schema": obj{"type": "object", "properties": obj{
			"items": obj{"type": "array", "items": obj{"$ref": "#/components/schemas/Alert"}}, "total": obj{"type": "integer"}}}}}}})}}
	paths["/api/v1/alerts/{id}/ack"] = obj{"post": obj{"tags": tag("alerts"), "summary": "Acknowledge an alert (admin, manager, or the supervisor it is addressed to; audited)", "operationId": "ack_alert",
		"parameters": []obj{str("id", "path", "alert id")},
		"responses":  std(obj{"200": obj{"description": "acknowledged"}, "404": notFound})}}
	paths["/api/v1/cycles"] = obj{"get": obj{"tags": tag("cycles"), "summary": "Appraisal cycles", "operationId": "cycles",
		"parameters": []obj{str("kind", "query", "cycle kind"), str("state", "query", "cycle state"), {"name": "year", "in": "query", "schema": obj{"type": "integer"}}},
		"responses":  std(obj{"200": obj{"description": "the cycles", "content": list("Cycle")}})}}
	paths["/api/v1/cycles/{id}"] = obj{"get": obj{"tags": tag("cycles"), "summary": "A cycle: its computation summary and results (or the caller's own) and objections", "operationId": "cycle",
		"parameters": []obj{str("id", "path", "cycle id")},
		"responses":  std(obj{"200": obj{"description": "the cycle", "content": jsonBody("CycleView")}, "404": notFound})}}
	paths["/api/v1/cycles/{id}/results/{employee}"] = obj{"get": obj{"tags": tag("cycles"), "summary": "An employee's result and its explanation (the employee, their supervisor, managers, hr, viewers)", "operationId": "cycle_result",
		"parameters": []obj{str("id", "path", "cycle id"), str("employee", "path", "employee id")},
		"responses":  std(obj{"200": obj{"description": "the result", "content": jsonBody("CycleResult")}, "404": notFound})}}
	paths["/api/v1/cycles/{id}/objections"] = obj{"post": obj{"tags": tag("cycles"), "summary": "Object to one's own result (a manager may for an employee; audited)", "operationId": "file_objection",
		"parameters": []obj{str("id", "path", "cycle id")},
		"requestBody": obj{"required": true, "content": obj{"application/json": obj{"schema": obj{"type": "object", "required": []string{"text"}, "properties": obj{
			"text": obj{"type": "string", "maxLength": 4000}, "employee_id": obj{"type": "string", "description": "default: the caller's own"}}}}}},
		"responses": std(obj{"201": obj{"description": "filed", "content": jsonBody("Objection")}, "404": notFound, "409": errResp("the cycle is not computed or is closed")})}}
	paths["/api/v1/cycles/{id}/approve"] = obj{"post": obj{"tags": tag("cycles"), "summary": "Sign a computed cycle's results off (approver roles, not the maker; audited)", "operationId": "approve_cycle",
		"parameters": []obj{str("id", "path", "cycle id")},
		"responses":  std(obj{"200": obj{"description": "approved", "content": jsonBody("Cycle")}, "404": notFound, "409": errResp("the cycle is not computed")})}}
	cyclePaths(paths, schemas, std, errResp, jsonBody)
}
