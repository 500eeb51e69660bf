package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"csperf"
	"csperf/sqlstore"
)

func TestEveryRouteHasPolicy(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		seen := map[string]bool{}
		for _, rt := range e.srv.Routes() {
			p := e.srv.policyByName(rt.Policy)
			if rt.Policy == "" || p == nil || (!p.public && len(p.roles) == 0) {
				t.Errorf("%s %s has no policy", rt.Method, rt.Path)
			}
			if p != nil && p.public && !slices.Contains([]string{"/", "/static/", "/healthz", "/login", "/login/totp", "/api/v1/openapi.json", "/s/{token}"}, rt.Path) {
				t.Errorf("%s %s is public", rt.Method, rt.Path)
			}
			key := rt.Method + " " + rt.Path
			if seen[key] {
				t.Errorf("%s registered twice", key)
			}
			seen[key] = true
		}
		defer func() {
			if recover() == nil {
				t.Error("a route without a policy was registered")
			}
		}()
		e.srv.route("GET /nopolicy", policy{}, func(http.ResponseWriter, *http.Request) {})
	})
}

func TestScopeFieldMatchesStore(t *testing.T) {
	for _, k := range csperf.Kinds {
		if got, want := scopeField(k), sqlstore.ScopeField(k); got != want {
			t.Errorf("%s: web scopes by %q, the store by %q", k.Name, got, want)
		}
	}
}

// The access rules as the spec states them, written out independently of
// policy.go: who may read and write a record of kind owned by owner
// ("" for records that belong to no employee).
var (
	unscopedReaders = []string{csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR, csperf.RoleViewer, csperf.RoleQA}
	refKinds        = []string{"departments", "positions", "groups", "customers"}
	organisation    = []string{"departments", "positions", "groups", "employees", "memberships", "coverage"}
)

func mayRead(role, kind, owner string) bool {
	switch {
	case slices.Contains(refKinds, kind), slices.Contains(unscopedReaders, role):
		return true
	case role == csperf.RoleSupervisor:
		return owner == ownEmp || owner == groupEmp
	case role == csperf.RoleAgent:
		return owner == ownEmp
	}
	return false
}

func mayWrite(role, kind, owner string) bool {
	full := role == csperf.RoleAdmin || role == csperf.RoleManager
	switch {
	case slices.Contains(organisation, kind):
		return full || role == csperf.RoleHR
	case kind == "customers":
		return full || role == csperf.RoleSupervisor || role == csperf.RoleAgent
	case kind == "kpi_facts":
		return full
	case kind == "qa_evaluations":
		return full || role == csperf.RoleQA || (role == csperf.RoleSupervisor && (owner == ownEmp || owner == groupEmp))
	}
	return full || (role == csperf.RoleSupervisor && (owner == ownEmp || owner == groupEmp)) || (role == csperf.RoleAgent && owner == ownEmp)
}

// roleRoutes are the routes that serve no record kind: who may call them.
var roleRoutes = map[string][]string{
	"POST /logout":                      csperf.Roles,
	"GET /account/tokens":               csperf.Roles,
	"POST /account/tokens":              csperf.Roles,
	"GET /account/totp":                 csperf.Roles,
	"POST /account/totp":                csperf.Roles,
	"GET /login/totp":                   nil,
	"POST /login/totp":                  nil,
	"GET /password":                     csperf.Roles,
	"POST /password":                    csperf.Roles,
	"POST /lang":                        csperf.Roles,
	"GET /{$}":                          csperf.Roles,
	"GET /records":                      csperf.Roles,
	"GET /api/v1/me":                    csperf.Roles,
	"GET /api/v1/churn":                 csperf.Roles,
	"GET /api/v1/churn/months":          csperf.Roles,
	"GET /api/v1/churn/settings":        csperf.Roles,
	"GET /churn":                        csperf.Roles,
	"GET /churn/export":                 csperf.Roles,
	"GET /churn/pdf":                    csperf.Roles,
	"PUT /api/v1/churn/settings":        {csperf.RoleAdmin, csperf.RoleManager},
	"POST /api/v1/churn/{month}/close":  {csperf.RoleAdmin, csperf.RoleManager},
	"POST /churn/{month}/close":         {csperf.RoleAdmin, csperf.RoleManager},
	"POST /churn/settings":              {csperf.RoleAdmin, csperf.RoleManager},
	"POST /api/v1/churn/{month}/reopen": {csperf.RoleAdmin},
	"POST /churn/{month}/reopen":        {csperf.RoleAdmin},
	"GET /import":                       {csperf.RoleAdmin, csperf.RoleManager},
	"GET /audit":                        {csperf.RoleAdmin, csperf.RoleHR},
	"GET /audit/export":                 {csperf.RoleAdmin, csperf.RoleHR},
	"GET /users":                        {csperf.RoleAdmin},
	"POST /users":                       {csperf.RoleAdmin},
	"POST /users/{id}":                  {csperf.RoleAdmin},
	"GET /settings/org":                 {csperf.RoleAdmin},
	"POST /settings/org":                {csperf.RoleAdmin},
	"GET /api/v1/settings/org":          {csperf.RoleAdmin},
	"PUT /api/v1/settings/org":          {csperf.RoleAdmin},
	"GET /static/":                      nil, // public
	"GET /healthz":                      nil,
	"GET /":                             nil,
	"GET /login":                        nil,
	"POST /login":                       nil,
	"GET /api/v1/openapi.json":          nil,
	"GET /s/{token}":                    nil, // the public survey form
	"POST /s/{token}":                   nil,
	"GET /survey-links":                 {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleSupervisor, csperf.RoleQA, csperf.RoleAgent, csperf.RoleViewer},
	"GET /api/v1/survey-links":          {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleSupervisor, csperf.RoleQA, csperf.RoleAgent, csperf.RoleViewer},
	"POST /survey-links":                {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleSupervisor, csperf.RoleAgent},
	"POST /api/v1/survey-links":         {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleSupervisor, csperf.RoleAgent},

	"GET /api/v1/kpis":                           csperf.Roles,
	"GET /api/v1/kpis/{id}/values":               csperf.Roles,
	"GET /api/v1/goals":                          csperf.Roles,
	"GET /api/v1/goals/{id}":                     csperf.Roles,
	"GET /api/v1/alerts":                         csperf.Roles,
	"POST /api/v1/alerts/{id}/ack":               {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleSupervisor},
	"GET /api/v1/cycles":                         csperf.Roles,
	"GET /api/v1/cycles/{id}":                    csperf.Roles,
	"GET /api/v1/cycles/{id}/results/{employee}": csperf.Roles,
	"POST /api/v1/cycles/{id}/objections":        csperf.Roles,
	"GET /kpis":                                  csperf.Roles,
	"GET /kpis/export":                           csperf.Roles,
	"GET /kpis/pdf":                              csperf.Roles,
	"GET /cycles/{id}/pdf":                       csperf.Roles,
	"GET /cycles/{id}/results/{employee}/pdf":    csperf.Roles,
	"GET /alerts":                                csperf.Roles,
	"POST /alerts/{id}/ack":                      {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleSupervisor},
	"GET /goals":                                 csperf.Roles,
	"GET /goals/{id}":                            csperf.Roles,
	"GET /cycles":                                csperf.Roles,
	"GET /cycles/{id}":                           csperf.Roles,
	"GET /cycles/{id}/results/{employee}":        csperf.Roles,
	"POST /cycles/{id}/objections":               csperf.Roles,
	"POST /cycles/{id}/approve":                  {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR},
	"POST /api/v1/cycles/{id}/approve":           {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR},

	// Managing cycles: the roles of scorecard.ManageRoles, written out.
	"POST /api/v1/cycles":                                           {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR},
	"GET /api/v1/cycles/{id}/ratings":                               csperf.Roles,
	"POST /api/v1/cycles/{id}/ratings":                              csperf.Roles,
	"DELETE /api/v1/cycles/{id}/ratings/{employee}/{item}/{source}": csperf.Roles,
	"POST /api/v1/cycles/{id}/collected":                            {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR},
	"POST /api/v1/cycles/{id}/compute":                              {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR},
	"GET /api/v1/cycles/{id}/verify":                                csperf.Roles,
	"POST /api/v1/cycles/{id}/objections/{objection}/answer":        {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR},
	"POST /api/v1/cycles/{id}/close":                                {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR},
	"POST /api/v1/cycles/{id}/reopen":                               {csperf.RoleAdmin},
	"GET /api/v1/cycles/{id}/export":                                {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR},
	"GET /api/v1/cycles/{id}/training-needs":                        {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR, csperf.RoleViewer},
	"GET /api/v1/cycles/promotions":                                 {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR, csperf.RoleViewer},
	"GET /api/v1/cycles/raises":                                     {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR, csperf.RoleViewer},
	"GET /api/v1/scorecard/settings":                                csperf.Roles,
	"PUT /api/v1/scorecard/settings":                                {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR},
	"GET /api/v1/scorecard/templates":                               csperf.Roles,
	"POST /api/v1/scorecard/templates":                              {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR},
	"GET /api/v1/scorecard/templates/{template}":                    csperf.Roles,
	"PUT /api/v1/scorecard/templates/{template}":                    {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR},
	"GET /api/v1/training/plans":                                    {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR, csperf.RoleViewer},
	"POST /api/v1/training/plans":                                   {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR},
	"POST /api/v1/training/plans/{plan}/scores":                     {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR},
	"GET /api/v1/training/plans/{plan}/effect":                      {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR, csperf.RoleViewer},

	"GET /api/v1/kpis/{id}":                           csperf.Roles,
	"POST /api/v1/kpis":                               {csperf.RoleAdmin, csperf.RoleManager},
	"PUT /api/v1/kpis/{id}":                           {csperf.RoleAdmin, csperf.RoleManager},
	"DELETE /api/v1/kpis/{id}":                        {csperf.RoleAdmin, csperf.RoleManager},
	"POST /api/v1/goals":                              {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleSupervisor},
	"GET /api/v1/goals/{id}/progress":                 csperf.Roles,
	"POST /api/v1/goals/{id}/actions":                 {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleSupervisor},
	"PATCH /api/v1/goals/{id}/actions/{seq}":          {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleSupervisor, csperf.RoleAgent},
	"GET /api/v1/alerts/webhook":                      {csperf.RoleAdmin},
	"PUT /api/v1/alerts/webhook":                      {csperf.RoleAdmin},
	"GET /kpis/new":                                   {csperf.RoleAdmin, csperf.RoleManager},
	"POST /kpis/{id}/delete":                          {csperf.RoleAdmin, csperf.RoleManager},
	"POST /kpis/new":                                  {csperf.RoleAdmin, csperf.RoleManager},
	"GET /goals/new":                                  {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleSupervisor},
	"POST /goals/new":                                 {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleSupervisor},
	"POST /goals/{id}/actions/{seq}":                  {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleSupervisor, csperf.RoleAgent},
	"GET /alerts/webhook":                             {csperf.RoleAdmin},
	"POST /alerts/webhook":                            {csperf.RoleAdmin},
	"POST /cycles":                                    {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR},
	"GET /cycles/{id}/ratings":                        csperf.Roles,
	"POST /cycles/{id}/ratings":                       csperf.Roles,
	"POST /cycles/{id}/ratings/clear":                 csperf.Roles,
	"POST /cycles/{id}/collected":                     {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR},
	"POST /cycles/{id}/compute":                       {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR},
	"POST /cycles/{id}/close":                         {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR},
	"POST /cycles/{id}/reopen":                        {csperf.RoleAdmin},
	"POST /cycles/{id}/objections/{objection}/answer": {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR},
	"GET /cycles/{id}/export":                         {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR},
	"GET /cycles/promotions":                          {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR, csperf.RoleViewer},
	"GET /cycles/raises":                              {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR, csperf.RoleViewer},
	"GET /training":                                   {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR, csperf.RoleViewer},
	"GET /training/plans/new":                         {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR},
	"POST /training/plans":                            {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR},
	"GET /training/plans/{plan}":                      {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR, csperf.RoleViewer},
	"GET /training/plans/{plan}/edit":                 {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR},
	"POST /training/plans/{plan}":                     {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR},
	"POST /training/plans/{plan}/scores":              {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR},
	"GET /scorecard/templates":                        csperf.Roles,
	"GET /scorecard/templates/new":                    {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR},
	"GET /scorecard/templates/{template}":             {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR},
	"POST /scorecard/templates":                       {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR},
	"POST /scorecard/templates/{template}":            {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR},
	"GET /scorecard/settings":                         csperf.Roles,
	"POST /scorecard/settings":                        {csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR},
}

// fixtures holds, per kind and owner, the id of a record the test made.
type fixtures map[string]map[string]string

// sample returns a valid new record of k with id suffix whose employee
// fields are owner.
func sample(k *csperf.Kind, suffix, owner string) csperf.Record {
	r := csperf.Record{}
	at := time.Date(2016, 1, 10, 1, 0, 0, 0, time.UTC)
	for i := range k.Fields {
		f := &k.Fields[i]
		if !f.Required && f.Type != csperf.TRef && !k.IsKey(f.Name) {
			continue
		}
		switch f.Type {
		case csperf.TRef:
			switch f.Ref {
			case "employees":
				r[f.Name] = owner
			case "customers":
				r[f.Name] = "C1"
			case "groups":
				r[f.Name] = "G1"
			case "departments":
				r[f.Name] = "main"
			case "positions":
				r[f.Name] = "service_advisor"
			case "calls":
				r[f.Name] = "calls-" + owner
			}
		case csperf.TString:
			r[f.Name] = k.Name + "-" + suffix
		case csperf.TInt:
			r[f.Name] = max(f.Min, 1)
		case csperf.TBool:
			r[f.Name] = false
		case csperf.TDate:
			r[f.Name] = date("2016-01-10")
		case csperf.TTime:
			r[f.Name] = at
		case csperf.TMoney:
			r[f.Name] = csperf.Money(10000)
		case csperf.TEnum:
			r[f.Name] = f.Enum[0]
		}
	}
	switch k.Name {
	case "calls":
		r["answered_at"] = at
	case "kpi_facts":
		r["scope_id"] = suffix
	}
	return r
}

// ownerless reports kinds whose records belong to no employee.
func ownerless(k *csperf.Kind) bool { return scopeField(k) == "" }

// makeFixtures creates a record of every kind for each owner (one for
// kinds without owners) and returns their ids.
func makeFixtures(t *testing.T, e *env) fixtures {
	ctx := context.Background()
	fx := fixtures{}
	for _, k := range csperf.Kinds {
		fx[k.Name] = map[string]string{}
		for _, o := range owners {
			switch {
			case k.Name == "departments":
				fx[k.Name][o] = "main"
			case k.Name == "positions":
				fx[k.Name][o] = "service_advisor"
			case k.Name == "groups":
				fx[k.Name][o] = "G1"
			case k.Name == "customers":
				fx[k.Name][o] = "C1"
			case k.Name == "employees":
				fx[k.Name][o] = o
			case k.Name == "memberships":
				fx[k.Name][o] = o + keySep + "2015-01-01"
			default:
				suffix := o
				if ownerless(k) {
					suffix = "none"
				}
				if id, ok := fx[k.Name]["none"]; ok && ownerless(k) {
					fx[k.Name][o] = id
					continue
				}
				r := sample(k, suffix, o)
				if err := e.db.CreateRecord(ctx, k, r); err != nil {
					t.Fatalf("fixture %s of %s: %v", k.Name, o, err)
				}
				fx[k.Name][o] = recordID(k, r)
				if ownerless(k) {
					fx[k.Name]["none"] = fx[k.Name][o]
				}
			}
		}
	}
	return fx
}

// formOf is a record as a form posts it.
func formOf(k *csperf.Kind, r csperf.Record) url.Values {
	v := url.Values{}
	for n, x := range r {
		if t, ok := x.(time.Time); ok {
			v.Set(n, t.Format(time.RFC3339))
			continue
		}
		v.Set(n, text(x, nil))
	}
	return v
}

func jsonOf(k *csperf.Kind, r csperf.Record) string {
	b, _ := json.Marshal(jsonRecord{k: k, r: r, loc: time.UTC})
	// Leave out nulls: a create names only what it sets.
	var m map[string]any
	json.Unmarshal(b, &m)
	for n, v := range m {
		if v == nil {
			delete(m, n)
		}
	}
	b, _ = json.Marshal(m)
	return string(b)
}

// TestRouteRoleScopeMatrix calls every route as every role, on a record
// of the caller's own, of another employee of the supervisor's group and
// of another group, and fails on any allow the rules above do not grant —
// and on any refusal they do not call for.
func TestRouteRoleScopeMatrix(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		fx := makeFixtures(t, e)
		ctx := context.Background()
		n := 0
		check := func(rt Route, role, owner string, want bool, r resp, byID bool) {
			t.Helper()
			n++
			if r.StatusCode >= 500 {
				t.Errorf("%s %s as %s (%s): %d %s", rt.Method, rt.Path, role, owner, r.StatusCode, r)
				return
			}
			denied := r.StatusCode == http.StatusForbidden || r.StatusCode == http.StatusUnauthorized ||
				(byID && r.StatusCode == http.StatusNotFound)
			if denied == want {
				t.Errorf("%s %s as %s on %s's record: status %d, want allowed=%v: %.200s", rt.Method, r.Request.URL.Path, role, owner, r.StatusCode, want, r)
			}
		}
		pg := strings.HasSuffix(t.Name(), "/postgres")
		for _, rt := range e.srv.Routes() {
			pattern := rt.Method + " " + rt.Path
			if pg && !strings.HasPrefix(rt.Path, "/api/") {
				// Pages share the API's checks; what differs between the
				// engines is the scope's SQL, which the API routes cover.
				continue
			}
			for _, role := range csperf.Roles {
				if rt.Kind == "" {
					allowed, ok := roleRoutes[pattern]
					if !ok {
						t.Errorf("no expectation for %s", pattern)
						continue
					}
					if allowed == nil {
						continue // public
					}
					path := strings.NewReplacer("{month}", "2015-06", "{id}", "viewer", "{$}", "", "/static/", "/static/app.css",
						"{employee}", ownEmp, "{seq}", "1", "{item}", "csat", "{source}", "self", "{objection}", "1", "{template}", "front_line_agent", "{plan}", "none").Replace(rt.Path)
					var r resp
					switch {
					case rt.Method == "GET" && strings.Contains(path, "churn"):
						r = e.get(path+"?month=2015-06", role)
					case rt.Method == "GET" && strings.HasSuffix(path, "/raises"):
						r = e.get(path+"?year=2015", role)
					case rt.Method == "GET":
						r = e.get(path, role)
					case rt.Method == "PUT" || rt.Method == "PATCH":
						r = e.sendJSON(rt.Method, path, role, map[string]any{})
					case rt.Method == "DELETE":
						r = e.req("DELETE", path, role, nil)
					case strings.HasSuffix(path, "/reopen"):
						r = e.sendJSON("POST", path, role, map[string]any{"reason": "a test reopen"})
					default:
						r = e.postForm(path, role, url.Values{})
					}
					check(rt, role, "", slices.Contains(allowed, role), r, false)
					continue
				}
				k := csperf.KindByName(rt.Kind)
				switch {
				case rt.Records:
					for _, o := range owners {
						owner := o
						if ownerless(k) {
							owner = ""
						}
						id := fx[k.Name][o]
						path := strings.Replace(rt.Path, "{id}", url.PathEscape(id), 1)
						write := rt.Method != "GET"
						want := mayRead(role, k.Name, owner)
						if write {
							want = want && mayWrite(role, k.Name, owner)
						}
						orig, err := e.db.GetRecord(ctx, k, splitKey(k, id))
						if err != nil {
							t.Fatalf("fixture %s %s: %v", k.Name, id, err)
						}
						var r resp
						switch {
						case rt.Method == "GET":
							r = e.get(path, role)
						case rt.Method == "PATCH":
							r = e.sendJSON("PATCH", path, role, map[string]any{})
						case rt.Method == "DELETE" || strings.HasSuffix(path, "/delete"):
							r = e.req(rt.Method, path, role, nil)
						default:
							r = e.postForm(path, role, url.Values{})
						}
						check(rt, role, owner, want, r, true)
						if (rt.Method == "DELETE" && r.StatusCode == 204) || (strings.HasSuffix(path, "/delete") && r.StatusCode == 303) {
							// Put the fixture back for the next caller.
							if err := e.db.CreateRecord(ctx, k, orig); err != nil {
								t.Fatalf("restore %s %s: %v", k.Name, id, err)
							}
						}
					}
				case rt.Method == "POST" && (rt.Path == "/api/v1/"+k.Name || rt.Path == "/r/"+k.Name):
					for _, o := range owners {
						owner := o
						if ownerless(k) {
							owner = ""
						}
						rec := sample(k, fmt.Sprintf("new-%s-%s-%d", role, o, n), o)
						var r resp
						if strings.HasPrefix(rt.Path, "/api/") {
							r = e.req("POST", rt.Path, role, strings.NewReader(jsonOf(k, rec)), "Content-Type", "application/json")
						} else {
							r = e.postForm(rt.Path, role, formOf(k, rec))
						}
						check(rt, role, owner, mayWrite(role, k.Name, owner), r, false)
					}
				case rt.Path == "/r/"+k.Name+"/new":
					check(rt, role, "", mayWrite(role, k.Name, ownEmp) || mayWrite(role, k.Name, groupEmp), e.get(rt.Path, role), false)
				case strings.HasPrefix(rt.Path, "/import/") || strings.HasPrefix(rt.Path, "/api/v1/import/"):
					var r resp
					if rt.Method == "GET" {
						r = e.get(rt.Path, role)
					} else {
						r = e.req("POST", rt.Path+"?name=empty.csv", role, strings.NewReader(""))
					}
					check(rt, role, "", role == csperf.RoleAdmin || role == csperf.RoleManager, r, false)
				case rt.Method == "GET":
					// Lists and exports: everyone, with only the rows in scope.
					path := rt.Path
					if strings.Contains(path, "/export/") {
						path += "?format=json"
					} else if strings.HasPrefix(path, "/api/") {
						path += "?limit=1000"
					}
					r := e.get(path, role)
					check(rt, role, "", true, r, false)
					if strings.HasPrefix(rt.Path, "/api/") && r.StatusCode == 200 {
						checkRows(t, k, role, path, r)
					}
				default:
					t.Errorf("no expectation for %s", pattern)
				}
			}
		}
		t.Logf("%d requests", n)
	})
}

// checkRows fails on a row of a list or export that role may not see.
func checkRows(t *testing.T, k *csperf.Kind, role, path string, r resp) {
	t.Helper()
	var items []map[string]any
	if strings.Contains(path, "/export/") {
		r.json(t, &items)
	} else {
		var page struct{ Items []map[string]any }
		r.json(t, &page)
		items = page.Items
	}
	field := scopeField(k)
	for _, it := range items {
		if slices.Contains(refKinds, k.Name) || slices.Contains(unscopedReaders, role) {
			return
		}
		owner, _ := it[field].(string)
		if field == "" || (role == csperf.RoleAgent && owner != ownEmp) || (role == csperf.RoleSupervisor && (owner == otherEmp || owner == "Q1" || owner == "R1")) {
			t.Errorf("%s as %s shows a record of %q: %v", path, role, owner, it)
		}
	}
}
