package web

import (
	"reflect"

	"csperf/scorecard"
)

// cyclePaths documents the cycle API beyond reading (cycles_api.go).
func cyclePaths(paths, schemas obj, std func(obj) obj, errResp func(string) obj, jsonBody func(string) obj) {
	schemas["Rating"] = typeSchema(reflect.TypeFor[scorecard.Rating]())
	schemas["RatingGap"] = typeSchema(reflect.TypeFor[scorecard.RatingGap]())
	schemas["ScorecardSettings"] = obj{"type": "object", "description": "grades (code, names, min, coefficient; best first, the last without min), the missing-input rule (renormalise or zero), raise_bands, new_hire_months, weak_points, common_share; numbers as {exact, shown} or a string like \"87.5\" or \"100/3\""}
	schemas["Template"] = obj{"type": "object", "description": "a scorecard template; weights are percent and sum to exactly 100; a KPI item needs a rule: linear {floor, target}, step {steps: [{at, points}], else} or deduction {per_event, basis}",
		"required": []string{"id", "items", "sources"}, "properties": obj{
			"id": obj{"type": "string"}, "name_zh": obj{"type": "string"}, "name_en": obj{"type": "string"},
			"positions": obj{"type": "array", "items": obj{"type": "string"}},
			"items": obj{"type": "array", "items": obj{"type": "object", "properties": obj{
				"id": obj{"type": "string"}, "name_zh": obj{"type": "string"}, "name_en": obj{"type": "string"}, "kpi": obj{"type": "string", "description": "a catalog or custom KPI; empty for a rated item"},
				"weight": obj{"description": "percent, e.g. 50 or \"100/3\""}, "rule": obj{"type": "object"}}}},
			"sources": obj{"type": "object", "description": "360 weights in percent: self, supervisor, customer (sum 100)"}, "note": obj{"type": "string"}}}
	schemas["TrainingPlan"] = typeSchema(reflect.TypeFor[scorecard.TrainingPlan]())
	str := func(name, in, desc string) obj {
		return obj{"name": name, "in": in, "required": in == "path", "description": desc, "schema": obj{"type": "string"}}
	}
	cid := str("id", "path", "cycle id")
	tag := []string{"cycles"}
	notFound := errResp("no such cycle (or object)")
	closed := errResp("the cycle's state does not allow this; a closed cycle refuses every change")
	body := func(props obj, required ...string) obj {
		return obj{"required": true, "content": obj{"application/json": obj{"schema": obj{"type": "object", "required": required, "properties": props}}}}
	}
	op := func(path, method string, o obj) {
		o["tags"] = tag
		p, _ := paths[path].(obj)
		if p == nil {
			p = obj{}
			paths[path] = p
		}
		p[method] = o
	}
	cycle := jsonBody("Cycle")
	op("/api/v1/cycles", "post", obj{"summary": "Create an open cycle (managers: admin, manager, hr; audited)", "operationId": "create_cycle",
		"requestBody": body(obj{"kind": obj{"type": "string", "enum": []string{"monthly", "quarterly", "annual"}}, "period": obj{"type": "string", "description": "2015-09, 2015-Q3 or 2015"},
			"department": obj{"type": "string"}, "group": obj{"type": "string"}, "scope_level": obj{"type": "string", "enum": []string{"department", "group"}}, "scope_id": obj{"type": "string"},
			"id": obj{"type": "string", "description": "default PERIOD-SCOPE"}, "name": obj{"type": "string"}, "templates": obj{"type": "array", "items": obj{"type": "string"}, "description": "default: every template"}}, "kind", "period"),
		"responses": std(obj{"201": obj{"description": "created", "content": cycle}, "409": errResp("a cycle of this id exists")})})
	op("/api/v1/cycles/{id}/ratings", "get", obj{"summary": "The ratings entered and those still missing, within the caller's scope, and the missing-input rule", "operationId": "cycle_ratings",
		"parameters": []obj{cid},
		"responses": std(obj{"200": obj{"description": "ratings", "content": obj{"application/json": obj{"schema": obj{"type": "object", "properties": obj{
			"ratings": obj{"type": "array", "items": obj{"$ref": "#/components/schemas/Rating"}}, "missing": obj{"type": "array", "items": obj{"$ref": "#/components/schemas/RatingGap"}},
			"missing_rule": obj{"type": "string", "enum": []string{"renormalise", "zero"}}}}}}}, "404": notFound})})
	op("/api/v1/cycles/{id}/ratings", "post", obj{"summary": "Enter self and supervisor ratings, all or none: JSON {ratings: [{employee_id, item, source, points}]}, or a CSV/XLSX file (multipart field file, or the raw body with ?name=FILE) with the columns of `csperf cycle rate --file` (employee_id/工号, item/考核项, source/评价来源, points/分数). Each user gives only the ratings they may (own self rating; a supervisor their groups'; managers all). Audited.", "operationId": "set_ratings",
		"parameters": []obj{cid, str("name", "query", "the uploaded file's name, for a raw body")},
		"requestBody": obj{"required": true, "content": obj{
			"application/json":    obj{"schema": obj{"type": "object", "properties": obj{"ratings": obj{"type": "array", "items": obj{"$ref": "#/components/schemas/Rating"}}}}},
			"multipart/form-data": obj{"schema": obj{"type": "object", "properties": obj{"file": obj{"type": "string", "format": "binary"}}}},
			"text/csv":            obj{"schema": obj{"type": "string"}}}},
		"responses": std(obj{"200": obj{"description": "how many were read and changed", "content": obj{"application/json": obj{"schema": obj{"type": "object", "properties": obj{"read": obj{"type": "integer"}, "changed": obj{"type": "integer"}}}}}},
			"404": notFound, "409": closed, "422": errResp("the file has row errors (every one listed); nothing was saved")})})
	op("/api/v1/cycles/{id}/ratings/{employee}/{item}/{source}", "delete", obj{"summary": "Clear one rating (it becomes a missing input; audited)", "operationId": "clear_rating",
		"parameters": []obj{cid, str("employee", "path", "employee id"), str("item", "path", "template item id"), str("source", "path", "self or supervisor")},
		"responses":  std(obj{"204": obj{"description": "cleared"}, "404": notFound, "409": closed})})
	op("/api/v1/cycles/{id}/collected", "post", obj{"summary": "Mark the ratings collected (open → rated); lists the ratings still missing (audited)", "operationId": "cycle_collected",
		"parameters": []obj{cid},
		"responses": std(obj{"200": obj{"description": "the cycle and the missing ratings", "content": obj{"application/json": obj{"schema": obj{"type": "object", "properties": obj{
			"cycle": obj{"$ref": "#/components/schemas/Cycle"}, "missing": obj{"type": "array", "items": obj{"$ref": "#/components/schemas/RatingGap"}}}}}}}, "404": notFound, "409": closed})})
	op("/api/v1/cycles/{id}/compute", "post", obj{"summary": "Compute the results (the caller is the maker; audited)", "operationId": "compute_cycle",
		"parameters": []obj{cid},
		"responses":  std(obj{"200": obj{"description": "the cycle, the summary and the results' SHA-256"}, "404": notFound, "409": closed})})
	op("/api/v1/cycles/{id}/verify", "get", obj{"summary": "Recompute from the stored inputs and compare byte for byte", "operationId": "verify_cycle",
		"parameters": []obj{cid},
		"responses":  std(obj{"200": obj{"description": "{sha256, identical}"}, "404": notFound, "409": errResp("not computed yet")})})
	op("/api/v1/cycles/{id}/objections/{objection}/answer", "post", obj{"summary": "Answer an objection (managers and approvers; audited)", "operationId": "answer_objection",
		"parameters":  []obj{cid, str("objection", "path", "objection number")},
		"requestBody": body(obj{"answer": obj{"type": "string"}}, "answer"),
		"responses":   std(obj{"200": obj{"description": "answered"}, "404": notFound, "409": closed})})
	op("/api/v1/cycles/{id}/close", "post", obj{"summary": "Close a signed-off cycle whose objections are answered: inputs and results frozen (audited)", "operationId": "close_cycle",
		"parameters": []obj{cid},
		"responses":  std(obj{"200": obj{"description": "closed", "content": cycle}, "404": notFound, "409": closed})})
	op("/api/v1/cycles/{id}/reopen", "post", obj{"summary": "Reopen a closed cycle (admin, with a reason; audited)", "operationId": "reopen_cycle",
		"parameters":  []obj{cid},
		"requestBody": body(obj{"reason": obj{"type": "string", "minLength": 4}}, "reason"),
		"responses":   std(obj{"200": obj{"description": "open again", "content": cycle}, "404": notFound, "409": errResp("the cycle is not closed")})})
	op("/api/v1/cycles/{id}/export", "get", obj{"summary": "The payroll file: employee, name, position, group, score, grade, coefficient, bonus base, bonus (admin, manager, hr; audited)", "operationId": "cycle_payroll",
		"parameters": []obj{cid, str("format", "query", "csv (default) or xlsx"), str("header", "query", "column names: en (default) or zh"), str("draft", "query", "1: export results not yet signed off, marked DRAFT")},
		"responses": std(obj{"200": obj{"description": "the file", "content": obj{"text/csv": obj{"schema": obj{"type": "string"}},
			"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": obj{"schema": obj{"type": "string", "format": "binary"}}}}, "404": notFound, "409": errResp("not signed off (give draft=1)")})})
	op("/api/v1/cycles/{id}/training-needs", "get", obj{"summary": "The training-needs report of a closed cycle", "operationId": "training_needs",
		"parameters": []obj{cid},
		"responses":  std(obj{"200": obj{"description": "common weak items per group, each employee's weakest items, new hires"}, "404": notFound, "409": errResp("the cycle is not closed")})})
	op("/api/v1/cycles/promotions", "get", obj{"summary": "The promotion list: excellent in two consecutive annual cycles", "operationId": "promotions",
		"responses": std(obj{"200": obj{"description": "the list"}})})
	op("/api/v1/cycles/raises", "get", obj{"summary": "The raise ranking of a year's annual cycles: within position, quartiles, suggested raises", "operationId": "raises",
		"parameters": []obj{{"name": "year", "in": "query", "required": true, "schema": obj{"type": "integer"}}},
		"responses":  std(obj{"200": obj{"description": "the ranking"}})})
	op("/api/v1/scorecard/settings", "get", obj{"summary": "The scorecard settings new cycles copy: grades and coefficients, the missing-input rule, raise bands, training thresholds", "operationId": "scorecard_settings",
		"responses": std(obj{"200": obj{"description": "the settings", "content": jsonBody("ScorecardSettings")}})})
	op("/api/v1/scorecard/settings", "put", obj{"summary": "Change the scorecard settings (fields left out keep their value; audited)", "operationId": "set_scorecard_settings",
		"requestBody": obj{"required": true, "content": jsonBody("ScorecardSettings")},
		"responses":   std(obj{"200": obj{"description": "the settings now", "content": jsonBody("ScorecardSettings")}})})
	op("/api/v1/scorecard/templates", "get", obj{"summary": "The scorecard templates (shipped and stored)", "operationId": "templates",
		"responses": std(obj{"200": obj{"description": "the templates", "content": obj{"application/json": obj{"schema": obj{"type": "object", "properties": obj{
			"items": obj{"type": "array", "items": obj{"$ref": "#/components/schemas/Template"}}}}}}}})})
	op("/api/v1/scorecard/templates", "post", obj{"summary": "Create a template; refused (400, naming the field) when its weights do not sum to exactly 100% or it names an unknown KPI (audited)", "operationId": "create_template",
		"requestBody": obj{"required": true, "content": jsonBody("Template")},
		"responses":   std(obj{"201": obj{"description": "created", "content": jsonBody("Template")}, "409": errResp("a template of this id exists")})})
	tid := str("template", "path", "template id")
	op("/api/v1/scorecard/templates/{template}", "get", obj{"summary": "A template", "operationId": "template", "parameters": []obj{tid},
		"responses": std(obj{"200": obj{"description": "the template", "content": jsonBody("Template")}, "404": notFound})})
	op("/api/v1/scorecard/templates/{template}", "put", obj{"summary": "Replace a template (cycles already created keep theirs; audited)", "operationId": "replace_template", "parameters": []obj{tid},
		"requestBody": obj{"required": true, "content": jsonBody("Template")},
		"responses":   std(obj{"200": obj{"description": "replaced", "content": jsonBody("Template")}, "404": notFound})})
	pid := str("plan", "path", "training plan id")
	op("/api/v1/training/plans", "get", obj{"summary": "Training plans with their participants' scores", "operationId": "training_plans",
		"responses": std(obj{"200": obj{"description": "the plans"}})})
	op("/api/v1/training/plans", "post", obj{"summary": "Create or replace a training plan (audited)", "operationId": "save_training_plan",
		"requestBody": obj{"required": true, "content": jsonBody("TrainingPlan")},
		"responses":   std(obj{"200": obj{"description": "saved", "content": jsonBody("TrainingPlan")}})})
	op("/api/v1/training/plans/{plan}/scores", "post", obj{"summary": "Record a participant's exam and practical scores (audited)", "operationId": "training_scores", "parameters": []obj{pid},
		"requestBody": body(obj{"employee_id": obj{"type": "string"}, "exam": obj{"type": "string"}, "practical": obj{"type": "string"}}, "employee_id"),
		"responses":   std(obj{"200": obj{"description": "recorded"}, "404": notFound})})
	op("/api/v1/training/plans/{plan}/effect", "get", obj{"summary": "Each participant's points on the targets in the cycle before and after the course", "operationId": "course_effect", "parameters": []obj{pid},
		"responses": std(obj{"200": obj{"description": "the effect"}, "404": notFound})})
}
