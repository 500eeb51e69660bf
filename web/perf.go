package web

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"csperf"
	"csperf/kpi"
	"csperf/scorecard"
)

// PerfStore reads KPIs, goals, alerts and appraisal cycles. The database
// (*sqlstore.DB) satisfies all of it but ListCycles, which cmd/csperf adds
// with a small adapter (the store's cycle filter is its own type).
type PerfStore interface {
	KPIDefinitions(ctx context.Context) ([]kpi.Definition, error)
	KPIDefinition(ctx context.Context, id string) (kpi.Definition, error)
	KPIValues(ctx context.Context, q kpi.Query) ([]kpi.Row, error)

	Goals(ctx context.Context, f kpi.GoalFilter) ([]kpi.Goal, error)
	Goal(ctx context.Context, id int64) (*kpi.Goal, error)
	GoalProgress(ctx context.Context, id int64, asOf csperf.Date) (*kpi.GoalProgress, error)

	ListAlerts(ctx context.Context, f kpi.AlertFilter) ([]kpi.Alert, int, error)
	AcknowledgeAlert(ctx context.Context, id int64) error

	// ListCycles lists cycles of a kind, state and year ("" and 0: all).
	ListCycles(ctx context.Context, kind, state string, year int) ([]scorecard.Cycle, error)
	Cycle(ctx context.Context, id string) (*scorecard.Cycle, error)
	CycleComputation(ctx context.Context, id string) (*scorecard.Computation, string, error)
	CycleResult(ctx context.Context, id, employeeID string) (*scorecard.Result, error)
	Objections(ctx context.Context, id string) ([]scorecard.Objection, error)
	FileObjection(ctx context.Context, id, employeeID, text string) (*scorecard.Objection, error)
	ApproveCycle(ctx context.Context, id string) error

	// Managing cycles (the store checks the scorecard package's rules for
	// the acting user, and refuses every change to a closed cycle).
	CreateCycle(ctx context.Context, spec scorecard.CycleSpec) (*scorecard.Cycle, error)
	CycleMembers(ctx context.Context, id string) ([]scorecard.Employee, error)
	CycleRatings(ctx context.Context, id string) ([]scorecard.Rating, error)
	SetRatings(ctx context.Context, id string, rs []scorecard.Rating) (int, error)
	ClearRating(ctx context.Context, id, employeeID, item, source string) error
	RatingGaps(ctx context.Context, id string) ([]scorecard.RatingGap, error)
	MarkRatingsCollected(ctx context.Context, id string) ([]scorecard.RatingGap, error)
	ComputeCycle(ctx context.Context, id string) (*scorecard.Cycle, *scorecard.Computation, error)
	VerifyCycle(ctx context.Context, id string) (string, bool, error)
	AnswerObjection(ctx context.Context, id string, objectionID int64, answer string) error
	CloseCycle(ctx context.Context, id string) error
	ReopenCycle(ctx context.Context, id, reason string) error
	ScorecardSettings(ctx context.Context) (scorecard.Settings, error)
	SetScorecardSettings(ctx context.Context, s scorecard.Settings) error
	ScorecardTemplates(ctx context.Context) ([]scorecard.Template, error)
	SaveScorecardTemplate(ctx context.Context, t scorecard.Template) error
	Promotions(ctx context.Context) ([]scorecard.Promotion, error)
	Raises(ctx context.Context, year int) ([]scorecard.Raise, error)
	TrainingNeeds(ctx context.Context, cycleID string) (*scorecard.NeedsReport, error)
	TrainingPlans(ctx context.Context) ([]scorecard.TrainingPlan, error)
	SaveTrainingPlan(ctx context.Context, p scorecard.TrainingPlan) error
	RecordTrainingScores(ctx context.Context, planID, employeeID string, exam, practical *scorecard.Number) error
	CourseEffect(ctx context.Context, planID string) (*scorecard.CourseEffect, error)
}

// Policies of the performance routes. The store checks the cycle rules of
// the scorecard package again for the acting user.
var (
	policyKPIRead    = allow("kpi-read", allRoles...)
	policyGoalRead   = allow("goal-read", allRoles...)
	policyAlertRead  = allow("alert-read", allRoles...)
	policyAlertAck   = allow("alert-ack", csperf.RoleAdmin, csperf.RoleManager, csperf.RoleSupervisor)
	policyCycleRead  = allow("cycle-read", allRoles...)
	policyCycleOwn   = allow("cycle-object", allRoles...)
	policyCycleApprv = allow("cycle-approve", scorecard.ApproveRoles...)
	// Creating, collecting, computing and closing cycles, settings and
	// templates, answering objections and planning training.
	policyCycleManage = allow("cycle-manage", scorecard.ManageRoles...)
	// Ratings: everyone may call; the store lets each give only the
	// ratings scorecard.CanRate allows (own self rating, a supervisor
	// their groups' supervisor ratings, managers all).
	policyCycleRate   = allow("cycle-rate", allRoles...)
	policyCycleReopen = allow("cycle-reopen", scorecard.ReopenRoles...)
	// The payroll file: those who hand it to payroll.
	policyCyclePayroll = allow("cycle-payroll", csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR)
	// Reports across employees (promotion list, raise ranking, training
	// plans and their effect): those who may read every result.
	policyCycleReport = allow("cycle-report", csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR, csperf.RoleViewer)
)

// registerPerf registers the KPI, goal, alert and cycle API.
func (s *Server) registerPerf() {
	if s.cfg.Perf == nil {
		return
	}
	s.route("GET /api/v1/kpis", policyKPIRead, s.apiKPIs)
	s.route("GET /api/v1/kpis/{id}/values", policyKPIRead, s.apiKPIValues)
	s.route("GET /api/v1/goals", policyGoalRead, s.apiGoals)
	s.route("GET /api/v1/goals/{id}", policyGoalRead, s.apiGoal)
	s.route("GET /api/v1/alerts", policyAlertRead, s.apiAlerts)
	s.route("POST /api/v1/alerts/{id}/ack", policyAlertAck, s.apiAckAlert)
	s.route("GET /api/v1/cycles", policyCycleRead, s.apiCycles)
	s.route("GET /api/v1/cycles/{id}", policyCycleRead, s.apiCycle)
	s.route("GET /api/v1/cycles/{id}/results/{employee}", policyCycleRead, s.apiCycleResult)
	s.route("POST /api/v1/cycles/{id}/objections", policyCycleOwn, s.apiFileObjection)
	s.route("POST /api/v1/cycles/{id}/approve", policyCycleApprv, s.apiApproveCycle)
	s.registerCycleAPI()
	s.registerPerfPages()
	s.registerKPIWrites()
}

// restricted reports whether u sees only their own (agent) or their
// groups' (supervisor) figures.
func restricted(u *csperf.User) bool {
	return u.Role == csperf.RoleAgent || u.Role == csperf.RoleSupervisor
}

// employeeVisible reports whether u may see the figures of employee id:
// the same scope as the employee records.
func (s *Server) employeeVisible(ctx context.Context, u *csperf.User, id string) (bool, error) {
	if !restricted(u) || (id != "" && id == u.EmployeeID) {
		return true, nil
	}
	if id == "" || u.Role != csperf.RoleSupervisor {
		return false, nil
	}
	_, err := s.visible(ctx, u, csperf.KindByName("employees"), []string{id})
	if csperf.ErrorCode(err) == csperf.ENOTFOUND {
		return false, nil
	}
	return err == nil, err
}

// scopeVisible reports whether u may see figures of a scope level and id.
func (s *Server) scopeVisible(ctx context.Context, u *csperf.User, level, id string) (bool, error) {
	if !restricted(u) {
		return true, nil
	}
	switch level {
	case kpi.LevelEmployee:
		return s.employeeVisible(ctx, u, id)
	case kpi.LevelGroup:
		return u.Role == csperf.RoleSupervisor && id != "" && slices.Contains(u.GroupIDs, id), nil
	}
	return false, nil
}

// lastMonth is the last complete month in the organisation's zone.
func (s *Server) lastMonth() csperf.Month {
	return csperf.DateOf(s.cfg.Now().In(s.cfg.Loc)).Month() - 1
}

// kpiQuery reads a KPI values query (scope, id, period, by) for u and
// checks it against u's scope: an agent may ask only for their own
// employee id, a supervisor for their groups and their members.
func (s *Server) kpiQuery(r *http.Request, ids string) (kpi.Query, error) {
	u := userOf(r)
	q := r.URL.Query()
	kq := kpi.Query{Level: q.Get("scope"), ID: q.Get("id"), By: q.Get("by")}
	for _, id := range strings.Split(ids, ",") {
		if id = strings.TrimSpace(id); id != "" {
			kq.KPIs = append(kq.KPIs, id)
		}
	}
	if kq.Level == "" {
		switch {
		case u.Role == csperf.RoleAgent:
			kq.Level = kpi.LevelEmployee
		case u.Role == csperf.RoleSupervisor && len(u.GroupIDs) > 0:
			kq.Level = kpi.LevelGroup
		case u.Role == csperf.RoleSupervisor:
			kq.Level = kpi.LevelEmployee
		default:
			kq.Level = kpi.LevelOrg
		}
	}
	if kq.ID == "" && restricted(u) {
		switch {
		case kq.Level == kpi.LevelEmployee && u.Role == csperf.RoleAgent:
			kq.ID = u.EmployeeID
		case kq.Level == kpi.LevelGroup && len(u.GroupIDs) == 1:
			kq.ID = u.GroupIDs[0]
		case kq.Level == kpi.LevelEmployee && u.Role == csperf.RoleSupervisor && len(u.GroupIDs) == 0:
			kq.ID = u.EmployeeID
		}
	}
	if p := q.Get("period"); p != "" {
		per, err := kpi.ParsePeriod(p)
		if err != nil {
			return kq, err
		}
		kq.Period = per
	} else {
		kq.Period = kpi.MonthPeriod(s.lastMonth())
	}
	if err := kq.Validate(); err != nil {
		return kq, err
	}
	if kq.ID == "" && restricted(u) && !(u.Role == csperf.RoleSupervisor && (kq.Level == kpi.LevelEmployee || kq.Level == kpi.LevelGroup)) {
		return kq, &csperf.Error{Code: csperf.EFORBIDDEN, Field: "id", Message: "give an id within your scope"}
	}
	if kq.ID != "" {
		ok, err := s.scopeVisible(r.Context(), u, kq.Level, kq.ID)
		if err != nil {
			return kq, err
		}
		if !ok {
			return kq, &csperf.Error{Code: csperf.EFORBIDDEN, Field: "id", Message: kq.Level + " " + kq.ID + " is outside your scope"}
		}
	}
	return kq, nil
}

// kpiRows answers a checked query; for a supervisor asking for every id of
// a level, the rows outside their scope are left out.
func (s *Server) kpiRows(r *http.Request, kq kpi.Query) ([]kpi.Row, error) {
	for _, id := range kq.KPIs {
		if _, err := s.cfg.Perf.KPIDefinition(r.Context(), id); err != nil {
			return nil, err
		}
	}
	rows, err := s.cfg.Perf.KPIValues(r.Context(), kq)
	if err != nil {
		return nil, err
	}
	u := userOf(r)
	if kq.ID == "" && restricted(u) {
		seen := map[string]bool{}
		out := rows[:0:0]
		for _, row := range rows {
			ok, known := seen[row.ID]
			if !known {
				if ok, err = s.scopeVisible(r.Context(), u, row.Scope, row.ID); err != nil {
					return nil, err
				}
				seen[row.ID] = ok
			}
			if ok {
				out = append(out, row)
			}
		}
		rows = out
	}
	if rows == nil {
		rows = []kpi.Row{}
	}
	return rows, nil
}

// apiKPIs is GET /api/v1/kpis: the catalog and the custom definitions.
func (s *Server) apiKPIs(w http.ResponseWriter, r *http.Request) {
	defs, err := s.cfg.Perf.KPIDefinitions(r.Context())
	writeItems(s, w, r, defs, err)
}

// writeItems answers a whole list as {"items": [...]} — an empty list,
// never null — or the error that kept it from being read.
func writeItems[T any](s *Server, w http.ResponseWriter, r *http.Request, items []T, err error) {
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if items == nil {
		items = []T{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// apiKPIValues is GET /api/v1/kpis/{id}/values?scope=&id=&period=&by=:
// the rows exactly as `csperf kpi --format json` writes them. {id} may
// list several KPIs separated by commas.
func (s *Server) apiKPIValues(w http.ResponseWriter, r *http.Request) {
	kq, err := s.kpiQuery(r, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows, err := s.kpiRows(r, kq)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, rows)
}

// goalVisible reports whether u may see goal g: their own, or one set on a
// scope they may see.
func (s *Server) goalVisible(ctx context.Context, u *csperf.User, g *kpi.Goal) (bool, error) {
	if !restricted(u) || (u.EmployeeID != "" && g.Owner == u.EmployeeID) {
		return true, nil
	}
	return s.scopeVisible(ctx, u, g.Scope, g.ScopeID)
}

func (s *Server) apiGoals(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := kpi.GoalFilter{Owner: q.Get("owner"), KPI: q.Get("kpi"), Scope: q.Get("scope"), ScopeID: q.Get("scope_id")}
	if v := q.Get("active_on"); v != "" {
		d, err := csperf.ParseDate(v)
		if err != nil {
			s.fail(w, r, csperf.FieldErrorf("active_on", "%q is not a date (YYYY-MM-DD)", v))
			return
		}
		f.ActiveOn = &d
	}
	goals, err := s.cfg.Perf.Goals(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := []kpi.Goal{}
	for i := range goals {
		ok, err := s.goalVisible(r.Context(), userOf(r), &goals[i])
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if ok {
			out = append(out, goals[i])
		}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

// goalOf reads goal {id} with its progress today, 404 outside u's scope.
func (s *Server) goalOf(r *http.Request) (*kpi.GoalProgress, error) {
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
	return s.cfg.Perf.GoalProgress(r.Context(), id, csperf.DateOf(s.cfg.Now().In(s.cfg.Loc)))
}

func (s *Server) apiGoal(w http.ResponseWriter, r *http.Request) {
	p, err := s.goalOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, p)
}

// alertFilter is what u may list: agents and supervisors the alerts
// addressed to them, everyone else all.
func alertFilter(u *csperf.User, r *http.Request) (kpi.AlertFilter, error) {
	q := r.URL.Query()
	f := kpi.AlertFilter{KPI: q.Get("kpi"), Open: q.Get("open") == "1" || q.Get("open") == "true"}
	if restricted(u) {
		f.UserID = u.ID
	}
	var err error
	if v := q.Get("offset"); v != "" {
		if f.Offset, err = strconv.Atoi(v); err != nil || f.Offset < 0 {
			return f, csperf.FieldErrorf("offset", "%q is not a whole number", v)
		}
	}
	if v := q.Get("limit"); v != "" {
		if f.Limit, err = strconv.Atoi(v); err != nil || f.Limit < 1 || f.Limit > 1000 {
			return f, csperf.FieldErrorf("limit", "%q is not a number from 1 to 1000", v)
		}
	}
	return f, nil
}

func (s *Server) apiAlerts(w http.ResponseWriter, r *http.Request) {
	f, err := alertFilter(userOf(r), r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items, total, err := s.cfg.Perf.ListAlerts(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if items == nil {
		items = []kpi.Alert{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"items": items, "total": total, "offset": f.Offset, "limit": max(f.Limit, 50)})
}

// ackAlert acknowledges alert {id}; a supervisor only one addressed to them.
func (s *Server) ackAlert(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, csperf.Errorf(csperf.ENOTFOUND, "no such alert")
	}
	u := userOf(r)
	if restricted(u) {
		mine, _, err := s.cfg.Perf.ListAlerts(r.Context(), kpi.AlertFilter{UserID: u.ID, Open: true, Limit: 1000})
		if err != nil {
			return id, err
		}
		if !slices.ContainsFunc(mine, func(a kpi.Alert) bool { return a.ID == id }) {
			return id, csperf.Errorf(csperf.ENOTFOUND, "no open alert %d addressed to you", id)
		}
	}
	return id, s.cfg.Perf.AcknowledgeAlert(r.Context(), id)
}

func (s *Server) apiAckAlert(w http.ResponseWriter, r *http.Request) {
	id, err := s.ackAlert(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"id": id, "acknowledged": true})
}

func (s *Server) apiCycles(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	year := 0
	if v := q.Get("year"); v != "" {
		var err error
		if year, err = strconv.Atoi(v); err != nil {
			s.fail(w, r, csperf.FieldErrorf("year", "%q is not a year", v))
			return
		}
	}
	cs, err := s.cfg.Perf.ListCycles(r.Context(), q.Get("kind"), q.Get("state"), year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if cs == nil {
		cs = []scorecard.Cycle{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"items": cs})
}

// cycleView is a cycle as the API and the page show it: the summary and
// results of its computation for those who may read them all, the
// caller's own result otherwise, and the objections the caller may see.
type cycleView struct {
	Cycle      *scorecard.Cycle      `json:"cycle"`
	Summary    *scorecard.Summary    `json:"summary,omitempty"`
	SHA256     string                `json:"sha256,omitempty"`
	Results    []cycleResultRow      `json:"results"`
	Objections []scorecard.Objection `json:"objections"`
	Own        *scorecard.Result     `json:"own,omitempty"`
	NoTemplate []scorecard.Employee  `json:"no_template,omitempty"`
	// missingKPIs are the KPI inputs the computation had no value for,
	// per employee (the cycle page lists them; the API already has them
	// in each result's explanation).
	missingKPIs []kpiGap
}

// kpiGap is a KPI item an employee had no value for in a computation,
// with the action the cycle's missing-input rule took.
type kpiGap struct {
	EmployeeID, Name     string
	Item, NameZH, NameEN string
	KPI, Action          string
}

// cycleResultRow is one line of a cycle's results table.
type cycleResultRow struct {
	EmployeeID string        `json:"employee_id"`
	Name       string        `json:"name"`
	Score      string        `json:"score"`
	Grade      string        `json:"grade"`
	GradeName  string        `json:"grade_name"`
	Bonus      *csperf.Money `json:"bonus"`
	Missing    int           `json:"missing"`
}

func (s *Server) cycleView(r *http.Request, id string) (*cycleView, error) {
	ctx := r.Context()
	u := userOf(r)
	c, err := s.cfg.Perf.Cycle(ctx, id)
	if err != nil {
		return nil, err
	}
	v := &cycleView{Cycle: c, Results: []cycleResultRow{}, Objections: []scorecard.Objection{}}
	c.Setup = nil
	if scorecard.CanReadAll(u) && c.ComputedAt != nil {
		comp, sum, err := s.cfg.Perf.CycleComputation(ctx, id)
		if err != nil && csperf.ErrorCode(err) != csperf.ECONFLICT {
			return nil, err
		}
		if comp != nil {
			v.Summary, v.SHA256, v.NoTemplate = &comp.Summary, sum, comp.NoTemplate
			for _, res := range comp.Results {
				v.Results = append(v.Results, resultRow(res))
				v.missingKPIs = append(v.missingKPIs, kpiGaps(res)...)
			}
		}
	} else if u.EmployeeID != "" && c.ComputedAt != nil {
		res, err := s.cfg.Perf.CycleResult(ctx, id, u.EmployeeID)
		if err == nil {
			v.Own = res
			v.Results = append(v.Results, resultRow(*res))
		} else if c := csperf.ErrorCode(err); c != csperf.ENOTFOUND && c != csperf.EFORBIDDEN && c != csperf.ECONFLICT {
			return nil, err
		}
	}
	obs, err := s.cfg.Perf.Objections(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, o := range obs {
		if scorecard.CanReadAll(u) || (u.EmployeeID != "" && o.EmployeeID == u.EmployeeID) {
			v.Objections = append(v.Objections, o)
		}
	}
	return v, nil
}

// kpiGaps are the KPI inputs missing from res (Missing.Input "kpi:…"),
// with the item's names from its explanation.
func kpiGaps(res scorecard.Result) []kpiGap {
	var out []kpiGap
	for _, m := range res.Missing {
		kpi, ok := strings.CutPrefix(m.Input, "kpi:")
		if !ok {
			continue
		}
		g := kpiGap{EmployeeID: res.ID, Name: res.Name, Item: m.Item, NameZH: m.Item, NameEN: m.Item, KPI: kpi, Action: m.Action}
		for _, it := range res.Items {
			if it.Item == m.Item {
				g.NameZH, g.NameEN = it.NameZH, it.NameEN
			}
		}
		out = append(out, g)
	}
	return out
}

func resultRow(res scorecard.Result) cycleResultRow {
	row := cycleResultRow{EmployeeID: res.ID, Name: res.Name, Grade: res.Grade, GradeName: res.GradeName, Bonus: res.Bonus, Missing: len(res.Missing), Score: "—"}
	if res.Score != nil {
		row.Score = res.Score.String()
	}
	return row
}

func (s *Server) apiCycle(w http.ResponseWriter, r *http.Request) {
	v, err := s.cycleView(r, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, v)
}

// apiCycleResult is one employee's result and explanation; the store
// checks who may read it (scorecard.CanReadResult).
func (s *Server) apiCycleResult(w http.ResponseWriter, r *http.Request) {
	res, err := s.cfg.Perf.CycleResult(r.Context(), r.PathValue("id"), r.PathValue("employee"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, res)
}

// apiFileObjection files the caller's objection (a manager may file one
// for an employee_id): body {"text": "…", "employee_id": "…"}.
func (s *Server) apiFileObjection(w http.ResponseWriter, r *http.Request) {
	var body struct {
		EmployeeID string `json:"employee_id"`
		Text       string `json:"text"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody)).Decode(&body); err != nil {
		s.fail(w, r, csperf.FieldErrorf("text", "the body must be {\"text\": \"…\"}"))
		return
	}
	o, err := s.fileObjection(r, body.EmployeeID, body.Text)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusCreated, o)
}

func (s *Server) fileObjection(r *http.Request, emp, text string) (*scorecard.Objection, error) {
	u := userOf(r)
	if emp == "" {
		emp = u.EmployeeID
	}
	if emp == "" {
		return nil, csperf.FieldErrorf("employee_id", "give the employee the objection is for")
	}
	if !scorecard.CanObject(u, emp) {
		return nil, &csperf.Error{Code: csperf.EFORBIDDEN, Field: "employee_id", Message: "you may object only to your own result"}
	}
	return s.cfg.Perf.FileObjection(r.Context(), r.PathValue("id"), emp, text)
}

func (s *Server) apiApproveCycle(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := s.cfg.Perf.ApproveCycle(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.cfg.Perf.Cycle(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c.Setup = nil
	s.writeJSON(w, http.StatusOK, c)
}
