package web

import (
	"encoding"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"

	"csperf"
	"csperf/churn"
)

type obj = map[string]any

// apiOpenAPI serves the OpenAPI 3.1 document, generated from the record
// kinds' descriptors so that it cannot drift from what the API does.
func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-cache")
	s.writeJSON(w, http.StatusOK, openAPI(s.cookieName()))
}

// openAPI builds the document.
func openAPI(cookie string) obj {
	schemas := obj{
		"Error": obj{"type": "object", "required": []string{"error"}, "properties": obj{"error": obj{
			"type": "object", "required": []string{"code", "message"},
			"properties": obj{
				"code":    obj{"type": "string", "enum": []string{csperf.EINVALID, csperf.ENOTFOUND, csperf.ECONFLICT, csperf.EUNAUTHORIZED, csperf.EFORBIDDEN, csperf.EINTERNAL, "too_many_requests"}},
				"field":   obj{"type": "string", "description": "the field the error concerns"},
				"message": obj{"type": "string"},
				"rows":    obj{"type": "array", "items": obj{"$ref": "#/components/schemas/RowError"}, "description": "import row errors"},
				"lines":   obj{"type": "array", "items": obj{"type": "string"}, "description": "import row errors as FILE:ROW: column C: reason"},
				"total":   obj{"type": "integer"},
				"refused": obj{"type": "array", "items": obj{"$ref": "#/components/schemas/Refusal"}, "description": "the items of a batch refused for lack of permission or scope (403)"},
			}}}},
		"Refusal":       typeSchema(reflect.TypeFor[csperf.Refusal]()),
		"RowError":      typeSchema(reflect.TypeFor[csperf.RowError]()),
		"ImportResult":  typeSchema(reflect.TypeFor[csperf.ImportResult]()),
		"ChurnReport":   typeSchema(reflect.TypeFor[churn.Report]()),
		"ChurnSettings": typeSchema(reflect.TypeFor[churn.Config]()),
		"ChurnMonth":    typeSchema(reflect.TypeFor[churn.MonthState]()),
		"User":          typeSchema(reflect.TypeFor[csperf.User]()),
	}
	errResp := func(desc string) obj {
		return obj{"description": desc, "content": obj{"application/json": obj{"schema": obj{"$ref": "#/components/schemas/Error"}}}}
	}
	std := func(ok obj) obj {
		resp := obj{"400": errResp("invalid input, naming the field"), "401": errResp("not signed in"),
			"403": errResp("the role may not do this"), "429": errResp("too many requests; see Retry-After")}
		for k, v := range ok {
			resp[k] = v
		}
		return resp
	}
	jsonBody := func(ref string) obj {
		return obj{"application/json": obj{"schema": obj{"$ref": "#/components/schemas/" + ref}}}
	}
	paths := obj{}
	for _, k := range csperf.Kinds {
		name := schemaName(k)
		schemas[name] = kindSchema(k)
		schemas[name+"Page"] = obj{"type": "object", "properties": obj{
			"items": obj{"type": "array", "items": obj{"$ref": "#/components/schemas/" + name}},
			"total": obj{"type": "integer"}, "offset": obj{"type": "integer"}, "limit": obj{"type": "integer"}}}
		params := []obj{
			{"name": "q", "in": "query", "description": "substring of any text field that is not personal data", "schema": obj{"type": "string"}},
			{"name": "from", "in": "query", "description": "first day (YYYY-MM-DD) of the date range, inclusive", "schema": obj{"type": "string", "format": "date"}},
			{"name": "to", "in": "query", "description": "last day (YYYY-MM-DD) of the date range, inclusive", "schema": obj{"type": "string", "format": "date"}},
			{"name": "field", "in": "query", "description": "the date or time field from/to apply to (default " + datingField(k) + ")", "schema": obj{"type": "string"}},
			{"name": "sort", "in": "query", "description": "a field name; prefix - for descending", "schema": obj{"type": "string"}},
			{"name": "offset", "in": "query", "schema": obj{"type": "integer", "minimum": 0}},
			{"name": "limit", "in": "query", "schema": obj{"type": "integer", "minimum": 1, "maximum": 1000, "default": 50}},
			{"name": "unmask", "in": "query", "description": "1 to reveal personal data (needs the unmask permission; audited)", "schema": obj{"type": "string", "enum": []string{"1"}}},
		}
		for _, f := range k.Fields {
			params = append(params, obj{"name": f.Name, "in": "query", "description": "exact value of " + f.Name, "schema": obj{"type": "string"}})
		}
		idParam := obj{"name": "id", "in": "path", "required": true, "schema": obj{"type": "string"},
			"description": "the record's " + strings.Join(k.Key, "~") + (map[bool]string{true: " (key parts joined with ~)", false: ""})[len(k.Key) > 1]}
		tag := []string{k.Name}
		base := "/api/v1/" + k.Name
		paths[base] = obj{
			"get": obj{"tags": tag, "summary": "List " + k.LabelEn + " (" + k.Label + ")", "operationId": "list_" + k.Name, "parameters": params,
				"responses": std(obj{"200": obj{"description": "one page and the total", "content": jsonBody(name + "Page")}})},
			"post": obj{"tags": tag, "summary": "Create one of " + k.LabelEn, "operationId": "create_" + k.Name,
				"requestBody": obj{"required": true, "content": jsonBody(name)},
				"responses":   std(obj{"201": obj{"description": "created", "content": jsonBody(name)}, "409": errResp("the id exists already")})},
		}
		paths[base+"/{id}"] = obj{
			"parameters": []obj{idParam},
			"get": obj{"tags": tag, "summary": "Get one of " + k.LabelEn, "operationId": "get_" + k.Name,
				"parameters": []obj{{"name": "unmask", "in": "query", "schema": obj{"type": "string", "enum": []string{"1"}}}},
				"responses":  std(obj{"200": obj{"description": "the record", "content": jsonBody(name)}, "404": errResp("no such record, or outside the caller's scope")})},
			"patch": obj{"tags": tag, "summary": "Change fields of one of " + k.LabelEn, "operationId": "update_" + k.Name,
				"requestBody": obj{"required": true, "content": obj{"application/json": obj{"schema": obj{"$ref": "#/components/schemas/" + name, "required": []string{}}}}},
				"responses":   std(obj{"200": obj{"description": "the changed record", "content": jsonBody(name)}, "404": errResp("no such record")})},
			"delete": obj{"tags": tag, "summary": "Delete one of " + k.LabelEn + " (refused while other records refer to it; audited)", "operationId": "delete_" + k.Name,
				"responses": std(obj{"204": obj{"description": "deleted"}, "404": errResp("no such record"), "409": errResp("other records refer to it")})},
		}
		paths["/api/v1/export/"+k.Name] = obj{"get": obj{"tags": tag, "summary": "Export " + k.LabelEn + " (filters as the list; masked unless unmask=1; audited)", "operationId": "export_" + k.Name,
			"parameters": append([]obj{{"name": "format", "in": "query", "schema": obj{"type": "string", "enum": []string{"csv", "xlsx", "json"}, "default": "csv"}}}, params[:len(params)-len(k.Fields)]...),
			"responses":  std(obj{"200": obj{"description": "the file", "content": obj{"text/csv": obj{}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": obj{}, "application/json": obj{}}}})}}
		paths["/api/v1/import/"+k.Name] = obj{"post": obj{"tags": tag, "summary": "Import a CSV or XLSX file of " + k.LabelEn + ", all rows or none", "operationId": "import_" + k.Name,
			"parameters": []obj{{"name": "name", "in": "query", "description": "the file's name, for a raw body", "schema": obj{"type": "string"}},
				{"name": "update", "in": "query", "description": "1: rows whose id exists with other values update it", "schema": obj{"type": "string"}}},
			"requestBody": obj{"required": true, "content": obj{
				"multipart/form-data":      obj{"schema": obj{"type": "object", "properties": obj{"file": obj{"type": "string", "contentMediaType": "application/octet-stream"}}}},
				"application/octet-stream": obj{}}},
			"responses": std(obj{"200": obj{"description": "what was imported", "content": jsonBody("ImportResult")},
				"422": errResp("row errors; nothing was written")})}}
	}
	month := obj{"name": "month", "in": "path", "required": true, "schema": obj{"type": "string", "pattern": `^\d{4}-\d{2}$`}}
	paths["/api/v1/churn"] = obj{"get": obj{"tags": []string{"churn"}, "summary": "The monthly churn-rate assessment (售后客户流失率控制考核)", "operationId": "churn_report",
		"parameters": []obj{{"name": "month", "in": "query", "required": true, "schema": obj{"type": "string", "pattern": `^\d{4}-\d{2}$`}},
			{"name": "threshold", "in": "query", "description": "months without a visit (default: the setting)", "schema": obj{"type": "integer", "minimum": 1, "maximum": 120}}},
		"responses": std(obj{"200": obj{"description": "the report", "content": jsonBody("ChurnReport")}})}}
	paths["/api/v1/churn/months"] = obj{"get": obj{"tags": []string{"churn"}, "summary": "Closed months", "operationId": "churn_months",
		"responses": std(obj{"200": obj{"description": "closed months", "content": obj{"application/json": obj{"schema": obj{"type": "object",
			"properties": obj{"closed": obj{"type": "array", "items": obj{"$ref": "#/components/schemas/ChurnMonth"}}}}}}}})}}
	paths["/api/v1/churn/settings"] = obj{
		"get": obj{"tags": []string{"churn"}, "summary": "Churn settings", "operationId": "churn_settings",
			"responses": std(obj{"200": obj{"description": "the settings", "content": jsonBody("ChurnSettings")}})},
		"put": obj{"tags": []string{"churn"}, "summary": "Change churn settings (manager, admin; audited)", "operationId": "set_churn_settings",
			"requestBody": obj{"required": true, "content": jsonBody("ChurnSettings")},
			"responses":   std(obj{"200": obj{"description": "the new settings", "content": jsonBody("ChurnSettings")}})},
	}
	paths["/api/v1/churn/{month}/close"] = obj{"post": obj{"tags": []string{"churn"}, "summary": "Close (freeze) a month's assessment (manager, admin; audited)", "operationId": "close_churn_month",
		"parameters": []obj{month}, "responses": std(obj{"200": obj{"description": "closed", "content": jsonBody("ChurnMonth")}, "409": errResp("closed already")})}}
	paths["/api/v1/churn/{month}/reopen"] = obj{"post": obj{"tags": []string{"churn"}, "summary": "Reopen a closed month (admin, with a reason; audited)", "operationId": "reopen_churn_month",
		"parameters":  []obj{month},
		"requestBody": obj{"required": true, "content": obj{"application/json": obj{"schema": obj{"type": "object", "required": []string{"reason"}, "properties": obj{"reason": obj{"type": "string", "minLength": 4}}}}}},
		"responses":   std(obj{"200": obj{"description": "reopened", "content": jsonBody("ChurnMonth")}, "404": errResp("the month is not closed")})}}
	schemas["OrgSettings"] = typeSchema(reflect.TypeFor[orgSettings]())
	paths["/api/v1/settings/org"] = obj{
		"get": obj{"tags": []string{"settings"}, "summary": "The organisation's settings: its name on documents (admin)", "operationId": "org_settings",
			"responses": std(obj{"200": obj{"description": "the settings", "content": jsonBody("OrgSettings")}})},
		"put": obj{"tags": []string{"settings"}, "summary": "Set the organisation's name: trimmed, 1 to 100 characters (admin; audited)", "operationId": "set_org_settings",
			"requestBody": obj{"required": true, "content": obj{"application/json": obj{"schema": obj{"type": "object", "required": []string{"name"},
				"properties": obj{"name": obj{"type": "string", "minLength": 1, "maxLength": 100}}}}}},
			"responses": std(obj{"200": obj{"description": "the new settings", "content": jsonBody("OrgSettings")}})},
	}
	perfPaths(paths, schemas, std, errResp, jsonBody)
	kpiWritePaths(paths, schemas, std, errResp, jsonBody)
	schemas["SurveyLink"] = typeSchema(reflect.TypeFor[csperf.SurveyLink]())
	paths["/api/v1/survey-links"] = obj{
		"get": obj{"tags": []string{"surveys"}, "summary": "Satisfaction survey links in the caller's scope, newest first, with their state (open, answered, expired); never their tokens",
			"operationId": "list_survey_links",
			"parameters": []obj{{"name": "status", "in": "query", "schema": obj{"type": "string", "enum": []string{csperf.SurveyLinkOpen, csperf.SurveyLinkAnswered, csperf.SurveyLinkExpired}}},
				{"name": "limit", "in": "query", "schema": obj{"type": "integer", "minimum": 1, "maximum": 1000}}, {"name": "offset", "in": "query", "schema": obj{"type": "integer", "minimum": 0}}},
			"responses": std(obj{"200": obj{"description": "a page of links", "content": obj{"application/json": obj{"schema": obj{"type": "object",
				"properties": obj{"items": obj{"type": "array", "items": obj{"$ref": "#/components/schemas/SurveyLink"}}, "total": obj{"type": "integer"}}}}}}})},
		"post": obj{"tags": []string{"surveys"}, "summary": "Make a one-use survey link for a contact (source_kind visits, calls, service_requests or complaints, and source_id) or for customer_id (and employee_id); the answer holds the token and URL /s/{token}, shown this once",
			"operationId": "create_survey_link",
			"requestBody": obj{"required": true, "content": obj{"application/json": obj{"schema": obj{"type": "object", "properties": obj{
				"source_kind": obj{"type": "string", "enum": csperf.SurveyLinkSources}, "source_id": obj{"type": "string"},
				"customer_id": obj{"type": "string"}, "employee_id": obj{"type": "string"}}}}}},
			"responses": std(obj{"201": obj{"description": "the new link with its token", "content": jsonBody("SurveyLink")}})},
	}
	paths["/api/v1/me"] = obj{"get": obj{"tags": []string{"users"}, "summary": "The caller", "operationId": "me",
		"responses": std(obj{"200": obj{"description": "the signed-in user", "content": jsonBody("User")}})}}
	return obj{
		"openapi": "3.1.0",
		"info": obj{"title": "csperf API", "version": "1",
			"description": "客户服务绩效管理系统 — the JSON API of every record kind, imports, exports and the churn assessment. " +
				"Dates are YYYY-MM-DD; times RFC 3339 (a time without an offset is the organisation's local time); money is a decimal string of yuan. " +
				"Personal data is masked unless the caller has the unmask permission and asks unmask=1, which is audited. " +
				"Records outside the caller's scope answer 404."},
		"servers":  []obj{{"url": "/"}},
		"security": []obj{{"bearer": []string{}}, {"cookie": []string{}}},
		"paths":    paths,
		"components": obj{
			"securitySchemes": obj{
				"bearer": obj{"type": "http", "scheme": "bearer", "description": "a token from `csperf user token`"},
				"cookie": obj{"type": "apiKey", "in": "cookie", "name": cookie, "description": "the session of a signed-in browser; state-changing requests also need the X-CSRF-Token header"},
			},
			"schemas": schemas,
		},
	}
}

// schemaName is a kind's schema name: "return_visit_plans" → "ReturnVisitPlans".
func schemaName(k *csperf.Kind) string {
	var b strings.Builder
	for _, p := range strings.Split(k.Name, "_") {
		if p != "" {
			b.WriteString(strings.ToUpper(p[:1]) + p[1:])
		}
	}
	return b.String()
}

// kindSchema describes a record of k: a property per field with its type,
// format, enum and bounds, and the required fields.
func kindSchema(k *csperf.Kind) obj {
	props := obj{}
	var required []string
	for _, f := range k.Fields {
		p := obj{"title": f.LabelEn, "description": f.Label}
		switch f.Type {
		case csperf.TString:
			p["type"] = []string{"string", "null"}
			max := f.MaxLen
			if max == 0 {
				max = 2000
			}
			p["maxLength"] = max
		case csperf.TRef:
			p["type"] = []string{"string", "null"}
			p["description"] = f.Label + " — the id of a record of " + f.Ref
			p["x-ref"] = f.Ref
		case csperf.TInt:
			p["type"] = []string{"integer", "null"}
			if f.Min < f.Max {
				p["minimum"], p["maximum"] = f.Min, f.Max
			}
		case csperf.TBool:
			p["type"] = []string{"boolean", "null"}
		case csperf.TDate:
			p["type"] = []string{"string", "null"}
			p["format"] = "date"
		case csperf.TTime:
			p["type"] = []string{"string", "null"}
			p["format"] = "date-time"
		case csperf.TMoney:
			p["type"] = []string{"string", "null"}
			p["pattern"] = `^-?\d+(\.\d{1,2})?$`
			p["description"] = f.Label + " — yuan as a decimal string; a JSON number is accepted on input"
		case csperf.TEnum:
			p["type"] = []string{"string", "null"}
			enum := append([]any{}, anySlice(f.Enum)...)
			p["enum"] = append(enum, nil)
			if len(f.EnumAliases) > 0 {
				labels := obj{}
				for _, c := range f.Enum {
					labels[c] = enumLabel("zh", &f, c)
				}
				p["x-enum-labels-zh"] = labels
			}
		}
		if f.PII != csperf.PIINone {
			p["x-personal-data"] = true
			p["description"] = p["description"].(string) + " (personal data: masked unless unmask=1)"
		}
		if k.IsKey(f.Name) {
			p["x-key"] = true
		}
		if f.Default != "" {
			p["default"] = f.Default
		}
		props[f.Name] = p
		if f.Required && f.Default == "" {
			required = append(required, f.Name)
		}
	}
	out := obj{"type": "object", "title": k.LabelEn, "description": k.Label, "properties": props, "additionalProperties": false,
		"x-key": k.Key}
	if len(required) > 0 {
		out["required"] = required
	}
	return out
}

func anySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

var (
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
)

// typeSchema describes a Go type by its JSON encoding, for the churn
// report and the other fixed answers.
func typeSchema(t reflect.Type) obj {
	nullable := false
	for t.Kind() == reflect.Pointer {
		t, nullable = t.Elem(), true
	}
	var s obj
	switch {
	case t == reflect.TypeFor[json.Number]():
		s = obj{"type": "integer"}
	case t == reflect.TypeFor[churn.Amount]():
		s = obj{"type": "number", "description": "yuan; positive a reward, negative a penalty"}
	case t.Implements(textMarshaler) || reflect.PointerTo(t).Implements(textMarshaler):
		s = obj{"type": "string"}
		switch t {
		case reflect.TypeFor[csperf.Month]():
			s["pattern"] = `^\d{4}-\d{2}$`
		case reflect.TypeFor[csperf.Date]():
			s["format"] = "date"
		case reflect.TypeFor[csperf.Money]():
			s["pattern"] = `^-?\d+\.\d{2}$`
		default:
			if t.String() == "time.Time" {
				s["format"] = "date-time"
			}
		}
	case t.Implements(jsonMarshaler):
		s = obj{}
	default:
		switch t.Kind() {
		case reflect.String:
			s = obj{"type": "string"}
		case reflect.Bool:
			s = obj{"type": "boolean"}
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint32, reflect.Uint64:
			s = obj{"type": "integer"}
		case reflect.Float32, reflect.Float64:
			s = obj{"type": "number"}
		case reflect.Slice, reflect.Array:
			s = obj{"type": "array", "items": typeSchema(t.Elem())}
		case reflect.Map:
			s = obj{"type": "object", "additionalProperties": typeSchema(t.Elem())}
		case reflect.Struct:
			props := obj{}
			var required []string
			for i := 0; i < t.NumField(); i++ {
				f := t.Field(i)
				if !f.IsExported() {
					continue
				}
				name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
				if name == "-" {
					continue
				}
				if f.Anonymous && name == "" {
					if sub := typeSchema(f.Type); sub["properties"] != nil {
						for k, v := range sub["properties"].(obj) {
							props[k] = v
						}
					}
					continue
				}
				if name == "" {
					name = f.Name
				}
				props[name] = typeSchema(f.Type)
				if !strings.Contains(opts, "omitempty") {
					required = append(required, name)
				}
			}
			s = obj{"type": "object", "properties": props}
			if len(required) > 0 {
				s["required"] = required
			}
		default:
			s = obj{}
		}
	}
	if nullable {
		if typ, ok := s["type"].(string); ok {
			s["type"] = []string{typ, "null"}
		}
	}
	return s
}
