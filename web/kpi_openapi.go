package web

import "reflect"

// kpiWritePaths documents the routes that define custom KPIs, set goals
// and their measures, and configure the alert webhook; it adds methods to
// paths perfPaths has made.
func kpiWritePaths(paths, schemas obj, std func(obj) obj, errResp func(string) obj, jsonBody func(string) obj) {
	schemas["GoalAction"] = obj{"type": "object", "required": []string{"description", "responsible", "due"}, "properties": obj{
		"description": obj{"type": "string"}, "responsible": obj{"type": "string", "description": "employee id"},
		"due": obj{"type": "string", "format": "date"}}}
	schemas["GoalInput"] = obj{"type": "object", "required": []string{"title", "kpi", "scope", "target", "start", "deadline", "owner"}, "properties": obj{
		"title": obj{"type": "string"}, "kpi": obj{"type": "string"},
		"scope":    obj{"type": "string", "enum": []string{"employee", "group", "department", "org"}},
		"scope_id": obj{"type": "string", "description": "the employee, group or department (none for org)"},
		"target": obj{"description": `in the KPI's shown unit as text ("92%", "4.5", "45" seconds), or exactly in the base unit`, "oneOf": []obj{
			{"type": "string"}, {"type": "object", "properties": obj{"op": obj{"type": "string"}, "value": obj{"type": "object", "properties": obj{
				"numerator": obj{"type": "integer"}, "denominator": obj{"type": "integer"}}}}}}},
		"op":              obj{"type": "string", "enum": []string{">=", ">", "<=", "<", "="}, "description": "default: >= when higher is better, <= otherwise"},
		"start":           obj{"type": "string", "format": "date"},
		"deadline":        obj{"type": "string", "format": "date"},
		"owner":           obj{"type": "string", "description": "employee id"},
		"notes":           obj{"type": "string"},
		"baseline_period": obj{"type": "string", "description": "default: the period of the goal's length before its start"},
		"actions":         obj{"type": "array", "items": obj{"$ref": "#/components/schemas/GoalAction"}}}}
	schemas["GoalCheckpoint"] = typeSchema(reflect.TypeFor[goalCheckpoint]())
	schemas["Webhook"] = typeSchema(reflect.TypeFor[webhookView]())
	str := func(name, in, desc string) obj {
		return obj{"name": name, "in": in, "required": in == "path", "description": desc, "schema": obj{"type": "string"}}
	}
	tag := func(t string) []string { return []string{t} }
	notFound := errResp("no such object, or outside the caller's scope")
	conflict := errResp("a catalog KPI, an id in use, or a KPI goals are set on")
	defBody := obj{"required": true, "content": jsonBody("KPIDefinition")}
	paths["/api/v1/kpis"].(obj)["post"] = obj{"tags": tag("kpis"), "summary": "Define a custom KPI from the same blocks as `csperf kpi define` (admin, manager; audited)", "operationId": "define_kpi",
		"requestBody": defBody,
		"responses":   std(obj{"201": obj{"description": "stored; its daily roll-ups are built", "content": jsonBody("KPIDefinition")}, "409": conflict})}
	paths["/api/v1/kpis/{id}"] = obj{
		"parameters": []obj{str("id", "path", "KPI id")},
		"get": obj{"tags": tag("kpis"), "summary": "One KPI definition", "operationId": "kpi",
			"responses": std(obj{"200": obj{"description": "the definition", "content": jsonBody("KPIDefinition")}, "404": notFound})},
		"put": obj{"tags": tag("kpis"), "summary": "Replace a custom KPI's definition (catalog KPIs refused; admin, manager; audited)", "operationId": "change_kpi",
			"requestBody": defBody,
			"responses":   std(obj{"200": obj{"description": "stored", "content": jsonBody("KPIDefinition")}, "404": notFound, "409": conflict})},
		"delete": obj{"tags": tag("kpis"), "summary": "Remove a custom KPI no goal is set on (catalog KPIs refused; admin, manager; audited)", "operationId": "remove_kpi",
			"responses": std(obj{"204": obj{"description": "removed"}, "404": notFound, "409": conflict})}}
	paths["/api/v1/goals"].(obj)["post"] = obj{"tags": tag("goals"), "summary": "Set a SMART goal with its measures; the baseline is measured now (admin, manager, supervisor within their groups; audited)", "operationId": "create_goal",
		"requestBody": obj{"required": true, "content": jsonBody("GoalInput")},
		"responses":   std(obj{"201": obj{"description": "the goal with its id and baseline", "content": jsonBody("Goal")}})}
	paths["/api/v1/goals/{id}/progress"] = obj{"get": obj{"tags": tag("goals"), "summary": "A goal today and at the end of each of its months (weeks for goals of up to two months): the period's value, the actual to date, expected path, achievement and status", "operationId": "goal_progress",
		"parameters": []obj{str("id", "path", "goal id")},
		"responses": std(obj{"200": obj{"description": "the progress", "content": obj{"application/json": obj{"schema": obj{"type": "object", "properties": obj{
			"goal":        obj{"$ref": "#/components/schemas/GoalProgress"},
			"checkpoints": obj{"type": "array", "items": obj{"$ref": "#/components/schemas/GoalCheckpoint"}}}}}}}, "404": notFound})}}
	paths["/api/v1/goals/{id}/actions"] = obj{"post": obj{"tags": tag("goals"), "summary": "Add a measure to a goal (audited)", "operationId": "add_goal_action",
		"parameters":  []obj{str("id", "path", "goal id")},
		"requestBody": obj{"required": true, "content": jsonBody("GoalAction")},
		"responses":   std(obj{"201": obj{"description": "the measure with its number", "content": jsonBody("GoalAction")}, "404": notFound})}}
	paths["/api/v1/goals/{id}/actions/{seq}"] = obj{"patch": obj{"tags": tag("goals"), "summary": "Mark a measure done on a day, or not done with null (agents: their own measures; audited)", "operationId": "goal_action_done",
		"parameters": []obj{str("id", "path", "goal id"), str("seq", "path", "measure number")},
		"requestBody": obj{"required": true, "content": obj{"application/json": obj{"schema": obj{"type": "object", "required": []string{"done"}, "properties": obj{
			"done": obj{"type": []string{"string", "null"}, "format": "date"}}}}}},
		"responses": std(obj{"200": obj{"description": "the goal", "content": jsonBody("Goal")}, "404": notFound})}}
	paths["/api/v1/alerts/webhook"] = obj{
		"get": obj{"tags": tag("alerts"), "summary": "Where alerts are posted (admin; the secret is never shown)", "operationId": "alert_webhook",
			"responses": std(obj{"200": obj{"description": "the webhook", "content": jsonBody("Webhook")}})},
		"put": obj{"tags": tag("alerts"), "summary": "Set the webhook URL and HMAC secret, or url \"\" to stop (admin; audited without the secret)", "operationId": "set_alert_webhook",
			"requestBody": obj{"required": true, "content": obj{"application/json": obj{"schema": obj{"type": "object", "required": []string{"url"}, "properties": obj{
				"url": obj{"type": "string"}, "secret": obj{"type": "string", "minLength": 16, "writeOnly": true}}}}}},
			"responses": std(obj{"200": obj{"description": "the webhook", "content": jsonBody("Webhook")}})}}
}
