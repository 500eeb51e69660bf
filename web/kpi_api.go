package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strconv"
	"strings"

	"csperf"
	"csperf/kpi"
)

// PerfWriteStore changes custom KPIs, goals and the alert webhook. The
// database (*sqlstore.DB) satisfies it; the routes below are registered
// only when Config.Perf does too, so a read-only PerfStore keeps working.
type PerfWriteStore interface {
	// AddCustomKPI stores a new custom KPI (a catalog or existing id is a
	// conflict); ChangeCustomKPI replaces a stored custom one;
	// RemoveCustomKPI deletes one no goal uses. All validate and audit.
	AddCustomKPI(ctx context.Context, def kpi.Definition) error
	ChangeCustomKPI(ctx context.Context, def kpi.Definition) error
	RemoveCustomKPI(ctx context.Context, id string) error

	CreateGoal(ctx context.Context, g kpi.Goal) (*kpi.Goal, error)
	AddGoalAction(ctx context.Context, goalID int64, a kpi.GoalAction) (kpi.GoalAction, error)
	SetGoalActionDone(ctx context.Context, goalID int64, seq int, done *csperf.Date) error

	// AlertWebhookURL is the configured URL ("" when off); the secret is
	// never read back. ConfigureAlertWebhook sets both (audited without
	// the secret).
	AlertWebhookURL(ctx context.Context) (string, error)
	ConfigureAlertWebhook(ctx context.Context, url, secret string) error
}

// Policies of the KPI, goal and alert changes. Who may set a goal or mark
// a measure done is narrowed further by scope in the handlers: a
// supervisor sets goals for their groups and members only, an agent marks
// only the measures they are responsible for (or of goals they own).
var (
	policyKPIDefine   = allow("kpi-define", csperf.RoleAdmin, csperf.RoleManager)
	policyGoalWrite   = allow("goal-write", csperf.RoleAdmin, csperf.RoleManager, csperf.RoleSupervisor)
	policyGoalAction  = allow("goal-action", csperf.RoleAdmin, csperf.RoleManager, csperf.RoleSupervisor, csperf.RoleAgent)
	policyAlertConfig = allow("alert-config", csperf.RoleAdmin)
)

// perfWriter is the store's write side, nil when Config.Perf lacks it.
func (s *Server) perfWriter() PerfWriteStore {
	w, _ := s.cfg.Perf.(PerfWriteStore)
	return w
}

// registerKPIWrites registers the API and pages that define custom KPIs,
// set goals and their measures, and configure the alert webhook.
func (s *Server) registerKPIWrites() {
	if s.perfWriter() == nil {
		return
	}
	s.route("GET /api/v1/kpis/{id}", policyKPIRead, s.apiKPI)
	s.route("POST /api/v1/kpis", policyKPIDefine, s.apiDefineKPI)
	s.route("PUT /api/v1/kpis/{id}", policyKPIDefine, s.apiChangeKPI)
	s.route("DELETE /api/v1/kpis/{id}", policyKPIDefine, s.apiRemoveKPI)
	s.route("POST /api/v1/goals", policyGoalWrite, s.apiCreateGoal)
	s.route("GET /api/v1/goals/{id}/progress", policyGoalRead, s.apiGoalProgress)
	s.route("POST /api/v1/goals/{id}/actions", policyGoalWrite, s.apiAddGoalAction)
	s.route("PATCH /api/v1/goals/{id}/actions/{seq}", policyGoalAction, s.apiGoalActionDone)
	s.route("GET /api/v1/alerts/webhook", policyAlertConfig, s.apiWebhook)
	s.route("PUT /api/v1/alerts/webhook", policyAlertConfig, s.apiSetWebhook)
	s.registerKPIWritePages()
}

// decodeFieldsBody reads a JSON body into v, refusing unknown fields; the error
// names the field at fault.
func decodeFieldsBody(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &te):
		return csperf.FieldErrorf(te.Field, "want a JSON %s here, not %s", te.Type, te.Value)
	case errors.As(err, &mb):
		return err
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return csperf.FieldErrorf(name, "unknown field %q", name)
	}
	var ce *csperf.Error
	if errors.As(err, &ce) {
		return err // a field's own UnmarshalText (a date, a period)
	}
	return csperf.FieldErrorf("body", "the body is not a JSON object: %v", err)
}

// apiKPI is GET /api/v1/kpis/{id}: one definition, as in the list.
func (s *Server) apiKPI(w http.ResponseWriter, r *http.Request) {
	def, err := s.cfg.Perf.KPIDefinition(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, def)
}

// apiDefineKPI is POST /api/v1/kpis: a new custom KPI from the same blocks
// as `csperf kpi define` (the JSON of one definition).
func (s *Server) apiDefineKPI(w http.ResponseWriter, r *http.Request) {
	var def kpi.Definition
	if err := decodeFieldsBody(w, r, &def); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.perfWriter().AddCustomKPI(r.Context(), def); err != nil {
		s.fail(w, r, err)
		return
	}
	s.respondKPI(w, r, http.StatusCreated, def.ID)
}

func (s *Server) respondKPI(w http.ResponseWriter, r *http.Request, status int, id string) {
	stored, err := s.cfg.Perf.KPIDefinition(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, status, stored)
}

// apiChangeKPI is PUT /api/v1/kpis/{id}: the whole new definition of a
// custom KPI (an id in the body must be the path's).
func (s *Server) apiChangeKPI(w http.ResponseWriter, r *http.Request) {
	var def kpi.Definition
	if err := decodeFieldsBody(w, r, &def); err != nil {
		s.fail(w, r, err)
		return
	}
	id := r.PathValue("id")
	if def.ID != "" && def.ID != id {
		s.fail(w, r, csperf.FieldErrorf("id", "the body's id %q is not the path's %q; a KPI's id cannot change", def.ID, id))
		return
	}
	def.ID = id
	if err := s.perfWriter().ChangeCustomKPI(r.Context(), def); err != nil {
		s.fail(w, r, err)
		return
	}
	s.respondKPI(w, r, http.StatusOK, id)
}

// apiRemoveKPI is DELETE /api/v1/kpis/{id} of a custom KPI no goal uses.
func (s *Server) apiRemoveKPI(w http.ResponseWriter, r *http.Request) {
	if err := s.perfWriter().RemoveCustomKPI(r.Context(), r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// goalInput is a goal as the API and the form send it. Target is typed in
// the KPI's shown unit ("92", "92%", "45 s") as a JSON string, or given
// exactly as {"op", "value": {"numerator", "denominator"}} in the base unit.
type goalInput struct {
	Title          string          `json:"title"`
	KPI            string          `json:"kpi"`
	Scope          string          `json:"scope"`
	ScopeID        string          `json:"scope_id"`
	Target         json.RawMessage `json:"target"`
	Op             string          `json:"op"`
	Start          string          `json:"start"`
	Deadline       string          `json:"deadline"`
	Owner          string          `json:"owner"`
	Notes          string          `json:"notes"`
	BaselinePeriod string          `json:"baseline_period"`
	Actions        []actionInput   `json:"actions"`
}

// actionInput is a goal's measure as sent: a description, the employee
// responsible and the due date.
type actionInput struct {
	Description string `json:"description"`
	Responsible string `json:"responsible"`
	Due         string `json:"due"`
}

// fieldErrors are the problems of a form or body, field by field, in the
// order found.
type fieldErrors struct {
	order []string
	msg   map[string]string
}

func (fe *fieldErrors) add(field, format string, args ...any) {
	if fe.msg == nil {
		fe.msg = map[string]string{}
	}
	if _, ok := fe.msg[field]; ok {
		return
	}
	fe.order = append(fe.order, field)
	fe.msg[field] = fmt.Sprintf(format, args...)
}

func (fe *fieldErrors) addErr(field string, err error) {
	var e *csperf.Error
	if errors.As(err, &e) && e.Field != "" {
		field = e.Field
	}
	fe.add(field, "%s", fieldMessage(err))
}

// err is the first problem as a *csperf.Error, nil when there is none.
func (fe *fieldErrors) err() error {
	if len(fe.order) == 0 {
		return nil
	}
	f := fe.order[0]
	return csperf.FieldErrorf(f, "%s", fe.msg[f])
}

// goal checks in and turns it into a kpi.Goal for u, collecting every
// problem a field shows on its own; the store checks the rest (that the
// scope, owner and responsible people exist) when it creates the goal.
func (s *Server) goal(ctx context.Context, u *csperf.User, in goalInput) (kpi.Goal, *fieldErrors, error) {
	fe := &fieldErrors{}
	g := kpi.Goal{Title: strings.TrimSpace(in.Title), KPI: strings.TrimSpace(in.KPI), Scope: in.Scope, ScopeID: strings.TrimSpace(in.ScopeID),
		Owner: strings.TrimSpace(in.Owner), Notes: strings.TrimSpace(in.Notes)}
	if g.Title == "" {
		fe.add("title", "a goal needs a title")
	}
	var def kpi.Definition
	var haveDef bool
	if g.KPI == "" {
		fe.add("kpi", "choose a KPI")
	} else if d, err := s.cfg.Perf.KPIDefinition(ctx, g.KPI); err == nil {
		def, haveDef = d, true
	} else if csperf.ErrorCode(err) == csperf.ENOTFOUND {
		fe.add("kpi", "no KPI %q", g.KPI)
	} else {
		return g, nil, err
	}
	switch g.Scope {
	case kpi.LevelOrg:
		g.ScopeID = ""
	case kpi.LevelEmployee, kpi.LevelGroup, kpi.LevelDepartment:
		if g.ScopeID == "" {
			fe.add("scope_id", "give the %s the goal is for", g.Scope)
		}
	default:
		fe.add("scope", "unknown scope level %q (want employee, group, department or org)", g.Scope)
	}
	if haveDef && g.Scope != "" && !def.AppliesTo(g.Scope) {
		fe.add("scope", "%s is not computed for a %s", def.ID, g.Scope)
	}
	if _, bad := fe.msg["scope"]; !bad && fe.msg["scope_id"] == "" && restricted(u) {
		ok, err := s.scopeVisible(ctx, u, g.Scope, g.ScopeID)
		if err != nil {
			return g, nil, err
		}
		if !ok {
			return g, nil, &csperf.Error{Code: csperf.EFORBIDDEN, Field: "scope_id", Message: "you may set goals only within your scope"}
		}
	}
	raw := bytes.TrimSpace(in.Target)
	switch {
	case len(raw) == 0 || string(raw) == "null" || string(raw) == `""`:
		fe.add("target", "give the target value")
	case raw[0] == '"':
		var text string
		json.Unmarshal(raw, &text)
		if haveDef {
			v, err := kpi.ParseTarget(def.Unit, text)
			if err != nil {
				fe.addErr("target", err)
			}
			g.Target = kpi.Target{Op: in.Op, Value: v}
		}
	default:
		if err := json.Unmarshal(raw, &g.Target); err != nil {
			fe.add("target", "want the target as text in the KPI's unit (\"92%%\") or as {\"op\", \"value\": {\"numerator\", \"denominator\"}}")
		}
		if in.Op != "" {
			g.Target.Op = in.Op
		}
	}
	if g.Target.Op == "" && haveDef {
		g.Target.Op = kpi.OpGe
		if def.Direction == kpi.LowerBetter {
			g.Target.Op = kpi.OpLe
		}
	}
	switch g.Target.Op {
	case kpi.OpLt, kpi.OpLe, kpi.OpGe, kpi.OpGt, kpi.OpEq, "":
	default:
		fe.add("op", "unknown comparison %q (want >=, <=, >, < or =)", g.Target.Op)
	}
	day := func(field, v string) csperf.Date {
		if strings.TrimSpace(v) == "" {
			fe.add(field, "is required")
			return 0
		}
		d, err := csperf.ParseDate(strings.TrimSpace(v))
		if err != nil {
			fe.add(field, "%q is not a date (want YYYY-MM-DD)", v)
		}
		return d
	}
	g.Start = day("start", in.Start)
	g.Deadline = day("deadline", in.Deadline)
	if g.Start != 0 && g.Deadline != 0 && g.Deadline < g.Start {
		fe.add("deadline", "the deadline %s is before the start %s", g.Deadline, g.Start)
	}
	if g.Owner == "" {
		fe.add("owner", "a goal needs an owner")
	}
	if v := strings.TrimSpace(in.BaselinePeriod); v != "" {
		p, err := kpi.ParsePeriod(v)
		if err != nil {
			fe.add("baseline_period", "%s", fieldMessage(err))
		}
		g.BaselinePeriod = p
	}
	for i, a := range in.Actions {
		ga, errs := action(a)
		for _, f := range errs.order {
			fe.add(fmt.Sprintf("actions[%d].%s", i, f), "%s", errs.msg[f])
		}
		g.Actions = append(g.Actions, ga)
	}
	return g, fe, nil
}

// action checks one measure.
func action(a actionInput) (kpi.GoalAction, *fieldErrors) {
	fe := &fieldErrors{}
	ga := kpi.GoalAction{Description: strings.TrimSpace(a.Description), Responsible: strings.TrimSpace(a.Responsible)}
	if ga.Description == "" {
		fe.add("description", "say what is to be done")
	}
	if ga.Responsible == "" {
		fe.add("responsible", "give the employee responsible")
	}
	if strings.TrimSpace(a.Due) == "" {
		fe.add("due", "give the due date")
	} else if d, err := csperf.ParseDate(strings.TrimSpace(a.Due)); err != nil {
		fe.add("due", "%q is not a date (want YYYY-MM-DD)", a.Due)
	} else {
		ga.Due = d
	}
	return ga, fe
}

// createGoal checks and stores in; problems come back field by field.
func (s *Server) createGoal(r *http.Request, in goalInput) (*kpi.Goal, *fieldErrors, error) {
	g, fe, err := s.goal(r.Context(), userOf(r), in)
	if err != nil || fe.err() != nil {
		return nil, fe, err
	}
	created, err := s.perfWriter().CreateGoal(r.Context(), g)
	if err != nil {
		if csperf.ErrorCode(err) == csperf.EINVALID {
			fe.addErr("", err)
			return nil, fe, nil
		}
		return nil, fe, err
	}
	return created, fe, nil
}

// apiCreateGoal is POST /api/v1/goals; the answer is the goal with its id
// and the baseline measured now.
func (s *Server) apiCreateGoal(w http.ResponseWriter, r *http.Request) {
	var in goalInput
	if err := decodeFieldsBody(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	g, fe, err := s.createGoal(r, in)
	if err == nil {
		err = fe.err()
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusCreated, g)
}

// visibleGoal reads goal {id} when u may see it (404 otherwise).
func (s *Server) visibleGoal(r *http.Request) (*kpi.Goal, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, csperf.Errorf(csperf.ENOTFOUND, "no such goal")
	}
	g, err := s.cfg.Perf.Goal(r.Context(), id)
	if err != nil {
		return nil, err
	}
	ok, err := s.goalVisible(r.Context(), userOf(r), g)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, csperf.Errorf(csperf.ENOTFOUND, "no goal %d", id)
	}
	return g, nil
}

// apiAddGoalAction is POST /api/v1/goals/{id}/actions: one more measure.
func (s *Server) apiAddGoalAction(w http.ResponseWriter, r *http.Request) {
	g, err := s.visibleGoal(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in actionInput
	if err := decodeFieldsBody(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	a, fe := action(in)
	if err := fe.err(); err != nil {
		s.fail(w, r, err)
		return
	}
	a, err = s.perfWriter().AddGoalAction(r.Context(), g.ID, a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusCreated, a)
}

// setActionDone marks measure {seq} of goal {id} done on done (nil: not
// done) for the caller: an agent only a measure they are responsible for,
// or one of a goal they own.
func (s *Server) setActionDone(r *http.Request, done *csperf.Date) (*kpi.Goal, error) {
	g, err := s.visibleGoal(r)
	if err != nil {
		return nil, err
	}
	seq, err := strconv.Atoi(r.PathValue("seq"))
	if err != nil {
		return nil, csperf.Errorf(csperf.ENOTFOUND, "no such measure")
	}
	var a *kpi.GoalAction
	for i := range g.Actions {
		if g.Actions[i].Seq == seq {
			a = &g.Actions[i]
		}
	}
	if a == nil {
		return nil, csperf.Errorf(csperf.ENOTFOUND, "goal %d has no measure %d", g.ID, seq)
	}
	if u := userOf(r); u.Role == csperf.RoleAgent && (u.EmployeeID == "" || (a.Responsible != u.EmployeeID && g.Owner != u.EmployeeID)) {
		return nil, &csperf.Error{Code: csperf.EFORBIDDEN, Field: "seq", Message: "only the person responsible may mark this measure"}
	}
	if done != nil && *done < g.Start {
		return nil, csperf.FieldErrorf("done", "%s is before the goal's start %s", *done, g.Start)
	}
	if err := s.perfWriter().SetGoalActionDone(r.Context(), g.ID, seq, done); err != nil {
		return nil, err
	}
	return g, nil
}

// apiGoalActionDone is PATCH /api/v1/goals/{id}/actions/{seq} with
// {"done": "YYYY-MM-DD"} or {"done": null} (not done).
func (s *Server) apiGoalActionDone(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Done json.RawMessage `json:"done"` // "null" when null, empty when left out
	}
	if err := decodeFieldsBody(w, r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	if len(body.Done) == 0 {
		s.fail(w, r, csperf.FieldErrorf("done", `give "done": "YYYY-MM-DD", or null for not done`))
		return
	}
	var done *csperf.Date
	if string(body.Done) != "null" {
		var text string
		if json.Unmarshal(body.Done, &text) != nil {
			s.fail(w, r, csperf.FieldErrorf("done", `give "done": "YYYY-MM-DD", or null for not done`))
			return
		}
		d, err := csperf.ParseDate(text)
		if err != nil {
			s.fail(w, r, csperf.FieldErrorf("done", "%q is not a date (want YYYY-MM-DD)", text))
			return
		}
		done = &d
	}
	g, err := s.setActionDone(r, done)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	g, err = s.cfg.Perf.Goal(r.Context(), g.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, g)
}

// goalCheckpoint is where a goal stood at the end of one of its periods:
// the KPI over that period alone, and the goal's actual value from its
// start to then, judged as kpi.Track judges it.
type goalCheckpoint struct {
	Period           kpi.Period  `json:"period"`
	Numerator        int64       `json:"numerator"`
	Denominator      int64       `json:"denominator"`
	Value            string      `json:"value"`
	Met              *bool       `json:"met"`
	AsOf             csperf.Date `json:"as_of"`
	Window           kpi.Period  `json:"window"`
	Actual           kpi.Value   `json:"actual"`
	Status           string      `json:"status"`
	Achievement      string      `json:"achievement"`
	AchievementExact string      `json:"achievement_exact,omitempty"`
	Expected         string      `json:"expected,omitempty"`
	expected         *big.Rat
}

// goalTrack is a goal's progress today and along the way.
type goalTrack struct {
	Goal        *kpi.GoalProgress `json:"goal"`
	Checkpoints []goalCheckpoint  `json:"checkpoints"`
	def         kpi.Definition
}

// maxCheckpoints bounds the store calls of one progress answer: a goal
// tracked week by week for a year has 53.
const maxCheckpoints = 60

// goalTrack tracks goal {id} today and at the end of each of its periods
// so far (the last maxCheckpoints).
func (s *Server) goalTrack(r *http.Request) (*goalTrack, error) {
	gp, err := s.goalOf(r)
	if err != nil {
		return nil, err
	}
	def, err := s.cfg.Perf.KPIDefinition(r.Context(), gp.KPI)
	if err != nil {
		return nil, err
	}
	t := &goalTrack{Goal: gp, Checkpoints: []goalCheckpoint{}, def: def}
	points := gp.Points
	if len(points) > maxCheckpoints {
		points = points[len(points)-maxCheckpoints:]
	}
	for _, pt := range points {
		asOf := pt.Period.End + 1
		cp := goalCheckpoint{Period: pt.Period, Numerator: pt.Numerator, Denominator: pt.Denominator, Value: pt.Value, Met: pt.Met, AsOf: asOf}
		at := gp
		if asOf != gp.AsOf {
			if at, err = s.cfg.Perf.GoalProgress(r.Context(), gp.ID, asOf); err != nil {
				return nil, err
			}
		}
		cp.Window, cp.Actual, cp.Status, cp.Achievement, cp.AchievementExact, cp.Expected = at.Window, at.Actual, at.Status, at.Achievement, at.AchievementExact, at.Expected
		_, _, cp.expected = kpi.Track(def, at.Goal, at.Actual, asOf)
		t.Checkpoints = append(t.Checkpoints, cp)
	}
	return t, nil
}

// apiGoalProgress is GET /api/v1/goals/{id}/progress.
func (s *Server) apiGoalProgress(w http.ResponseWriter, r *http.Request) {
	t, err := s.goalTrack(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, t)
}

// webhookView is the webhook as shown back: never the secret.
type webhookView struct {
	URL       string `json:"url"`
	Enabled   bool   `json:"enabled"`
	SecretSet bool   `json:"secret_set"`
}

func (s *Server) webhookView(ctx context.Context) (webhookView, error) {
	u, err := s.perfWriter().AlertWebhookURL(ctx)
	return webhookView{URL: u, Enabled: u != "", SecretSet: u != ""}, err
}

func (s *Server) apiWebhook(w http.ResponseWriter, r *http.Request) {
	v, err := s.webhookView(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, v)
}

// apiSetWebhook is PUT /api/v1/alerts/webhook {"url", "secret"}; an empty
// url turns delivery off. The secret is needed with every URL set (it is
// never read back, so it cannot be kept by leaving it out).
func (s *Server) apiSetWebhook(w http.ResponseWriter, r *http.Request) {
	var body struct {
		URL    *string `json:"url"`
		Secret string  `json:"secret"`
	}
	if err := decodeFieldsBody(w, r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	if body.URL == nil {
		s.fail(w, r, csperf.FieldErrorf("url", `give "url" (and "secret"), or "url": "" to stop posting alerts`))
		return
	}
	if err := s.setWebhook(r.Context(), *body.URL, body.Secret); err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.webhookView(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, v)
}

func (s *Server) setWebhook(ctx context.Context, url, secret string) error {
	url = strings.TrimSpace(url)
	if url == "" {
		secret = ""
	}
	return s.perfWriter().ConfigureAlertWebhook(ctx, url, secret)
}

// chartValue is a base-unit fraction as a chart number in the unit's shown
// scale (percent ×100, minutes /60 …), nil without value.
func chartValue(u kpi.Unit, x *big.Rat) *float64 {
	if x == nil {
		return nil
	}
	f, _ := new(big.Rat).Mul(x, u.Scale().Rat()).Float64()
	return &f
}
