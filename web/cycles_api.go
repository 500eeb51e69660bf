package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"csperf"
	"csperf/importer"
	"csperf/scorecard"
)

// The cycle API beyond reading: everything `csperf cycle` does. Templates
// and settings live under /api/v1/scorecard/, not /api/v1/cycles/: a
// pattern /api/v1/cycles/templates/{template} would overlap
// /api/v1/cycles/{id}/ratings, which http.ServeMux refuses. Every change is
// audited by the store, and a closed cycle refuses every change (409).
func (s *Server) registerCycleAPI() {
	s.route("POST /api/v1/cycles", policyCycleManage, s.apiCreateCycle)
	s.route("GET /api/v1/cycles/{id}/ratings", policyCycleRate, s.apiCycleRatings)
	s.route("POST /api/v1/cycles/{id}/ratings", policyCycleRate, s.apiSetRatings)
	s.route("DELETE /api/v1/cycles/{id}/ratings/{employee}/{item}/{source}", policyCycleRate, s.apiClearRating)
	s.route("POST /api/v1/cycles/{id}/collected", policyCycleManage, s.apiCycleCollected)
	s.route("POST /api/v1/cycles/{id}/compute", policyCycleManage, s.apiComputeCycle)
	s.route("GET /api/v1/cycles/{id}/verify", policyCycleRead, s.apiVerifyCycle)
	s.route("POST /api/v1/cycles/{id}/objections/{objection}/answer", policyCycleManage, s.apiAnswerObjection)
	s.route("POST /api/v1/cycles/{id}/close", policyCycleManage, s.apiCloseCycle)
	s.route("POST /api/v1/cycles/{id}/reopen", policyCycleReopen, s.apiReopenCycle)
	s.route("GET /api/v1/cycles/{id}/export", policyCyclePayroll, s.cyclePayroll)
	s.route("GET /api/v1/cycles/{id}/training-needs", policyCycleReport, s.apiTrainingNeeds)
	s.route("GET /api/v1/cycles/promotions", policyCycleReport, s.apiPromotions)
	s.route("GET /api/v1/cycles/raises", policyCycleReport, s.apiRaises)
	s.route("GET /api/v1/scorecard/settings", policyCycleRead, s.apiScorecardSettings)
	s.route("PUT /api/v1/scorecard/settings", policyCycleManage, s.apiSetScorecardSettings)
	s.route("GET /api/v1/scorecard/templates", policyCycleRead, s.apiTemplates)
	s.route("POST /api/v1/scorecard/templates", policyCycleManage, s.apiCreateTemplate)
	s.route("GET /api/v1/scorecard/templates/{template}", policyCycleRead, s.apiTemplate)
	s.route("PUT /api/v1/scorecard/templates/{template}", policyCycleManage, s.apiReplaceTemplate)
	s.route("GET /api/v1/training/plans", policyCycleReport, s.apiTrainingPlans)
	s.route("POST /api/v1/training/plans", policyCycleManage, s.apiSaveTrainingPlan)
	s.route("POST /api/v1/training/plans/{plan}/scores", policyCycleManage, s.apiTrainingScores)
	s.route("GET /api/v1/training/plans/{plan}/effect", policyCycleReport, s.apiCourseEffect)
}

// decodeBody reads a JSON body into v (fields left out keep v's value);
// unknown fields are refused, naming them.
func decodeBody(w http.ResponseWriter, r *http.Request, v any, what string) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		return csperf.Errorf(csperf.EINVALID, "the body is too large or unreadable")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return csperf.FieldErrorf(te.Field, "the body must be %s: %s has the wrong type", what, te.Field)
		}
		return csperf.Errorf(csperf.EINVALID, "the body must be %s: %v", what, err)
	}
	return nil
}

// cycleSpecBody is a new cycle as the API takes it: the scope either as
// department or group (as `csperf cycle create` takes it) or as
// scope_level and scope_id.
type cycleSpecBody struct {
	scorecard.CycleSpec
	Department string `json:"department,omitempty"`
	Group      string `json:"group,omitempty"`
}

// spec checks the scope and returns the store's spec.
func (b cycleSpecBody) spec() (scorecard.CycleSpec, error) {
	sp := b.CycleSpec
	switch {
	case b.Department != "" && b.Group == "" && sp.ScopeLevel == "":
		sp.ScopeLevel, sp.ScopeID = scorecard.ScopeDepartment, b.Department
	case b.Group != "" && b.Department == "" && sp.ScopeLevel == "":
		sp.ScopeLevel, sp.ScopeID = scorecard.ScopeGroup, b.Group
	case b.Group == "" && b.Department == "" && sp.ScopeLevel != "":
	default:
		return sp, csperf.FieldErrorf("scope", "give a department or a group (or scope_level and scope_id)")
	}
	if sp.ScopeLevel != scorecard.ScopeDepartment && sp.ScopeLevel != scorecard.ScopeGroup {
		return sp, csperf.FieldErrorf("scope_level", "a cycle is for a department or a group, not %q", sp.ScopeLevel)
	}
	if sp.ScopeID == "" {
		return sp, csperf.FieldErrorf("scope_id", "name the %s", sp.ScopeLevel)
	}
	return sp, nil
}

func (s *Server) apiCreateCycle(w http.ResponseWriter, r *http.Request) {
	var b cycleSpecBody
	if err := decodeBody(w, r, &b, `{"kind", "period", "department" or "group", "id", "name", "templates"}`); err != nil {
		s.fail(w, r, err)
		return
	}
	sp, err := b.spec()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.cfg.Perf.CreateCycle(r.Context(), sp)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c.Setup = nil
	w.Header().Set("Location", "/api/v1/cycles/"+c.ID)
	s.writeJSON(w, http.StatusCreated, c)
}

// raters is who u may see the ratings of in a cycle: nil for everyone,
// else a set of employee ids — an agent their own, a supervisor their
// groups' members (by the cycle's membership) and their own.
func (s *Server) raters(r *http.Request, id string) (map[string]bool, []scorecard.Employee, error) {
	members, err := s.cfg.Perf.CycleMembers(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	u := userOf(r)
	if !restricted(u) {
		return nil, members, nil
	}
	vis := map[string]bool{}
	for _, m := range members {
		if (u.EmployeeID != "" && m.ID == u.EmployeeID) || (u.Role == csperf.RoleSupervisor && m.GroupID != "" && slices.Contains(u.GroupIDs, m.GroupID)) {
			vis[m.ID] = true
		}
	}
	return vis, members, nil
}

// ratingsView is a cycle's ratings and missing ratings the caller may see.
type ratingsView struct {
	Ratings []scorecard.Rating    `json:"ratings"`
	Missing []scorecard.RatingGap `json:"missing"`
	// MissingRule is the cycle's rule for missing inputs (renormalise or
	// zero), which decides how the missing ratings are scored.
	MissingRule string `json:"missing_rule"`
}

func (s *Server) ratingsOf(r *http.Request, id string) (*ratingsView, error) {
	c, err := s.cfg.Perf.Cycle(r.Context(), id)
	if err != nil {
		return nil, err
	}
	vis, _, err := s.raters(r, id)
	if err != nil {
		return nil, err
	}
	rs, err := s.cfg.Perf.CycleRatings(r.Context(), id)
	if err != nil {
		return nil, err
	}
	gaps, err := s.cfg.Perf.RatingGaps(r.Context(), id)
	if err != nil {
		return nil, err
	}
	v := &ratingsView{Ratings: []scorecard.Rating{}, Missing: []scorecard.RatingGap{}, MissingRule: c.Setup.Settings.Missing}
	for _, x := range rs {
		if vis == nil || vis[x.EmployeeID] {
			v.Ratings = append(v.Ratings, x)
		}
	}
	for _, g := range gaps {
		if vis == nil || vis[g.EmployeeID] {
			v.Missing = append(v.Missing, g)
		}
	}
	return v, nil
}

// apiCycleRatings is GET /api/v1/cycles/{id}/ratings: the ratings entered
// and those still missing, within the caller's scope.
func (s *Server) apiCycleRatings(w http.ResponseWriter, r *http.Request) {
	v, err := s.ratingsOf(r, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, v)
}

// ratingBody is one rating as JSON: points as a number or a string
// ("87.5", "175/2").
type ratingBody struct {
	EmployeeID string            `json:"employee_id"`
	Item       string            `json:"item"`
	Source     string            `json:"source"`
	Points     *scorecard.Number `json:"points"`
}

// apiSetRatings is POST /api/v1/cycles/{id}/ratings: a JSON body
// {"ratings": [{"employee_id", "item", "source", "points"}, …]} (or one
// rating object), or a CSV/XLSX file with the columns of `csperf cycle rate
// --file` (multipart field "file", or the raw body with ?name=FILE). All
// ratings or none: a file's row errors answer 422 with every row, as an
// import does; the store's checks answer 400 listing every invalid rating,
// and 403 with "refused" naming each rating the user may not give.
func (s *Server) apiSetRatings(w http.ResponseWriter, r *http.Request) {
	var rs []scorecard.Rating
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var body struct {
			ratingBody
			Ratings []ratingBody `json:"ratings"`
		}
		if err := decodeBody(w, r, &body, `{"ratings": [{"employee_id", "item", "source", "points"}, …]}`); err != nil {
			s.fail(w, r, err)
			return
		}
		list := body.Ratings
		if body.EmployeeID != "" || body.Item != "" || body.Source != "" || body.Points != nil {
			list = append(list, body.ratingBody)
		}
		if len(list) == 0 {
			s.fail(w, r, csperf.FieldErrorf("ratings", "give at least one rating"))
			return
		}
		for i, b := range list {
			if b.Points == nil {
				s.fail(w, r, csperf.FieldErrorf(fmt.Sprintf("ratings[%d].points", i), "give the points (0–100)"))
				return
			}
			rs = append(rs, scorecard.Rating{EmployeeID: b.EmployeeID, Item: b.Item, Source: b.Source, Points: *b.Points})
		}
	} else {
		up, err := readUpload(w, r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		defer up.done()
		rd, err := importer.Open(up.name, up.ra, up.size, importer.Options{})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		defer rd.Close()
		if rs, err = importer.ReadRatings(rd, s.cfg.Loc); err != nil {
			s.fail(w, r, err)
			return
		}
		if len(rs) == 0 {
			s.fail(w, r, csperf.FieldErrorf("file", "%s has no ratings", up.name))
			return
		}
	}
	n, err := s.cfg.Perf.SetRatings(r.Context(), r.PathValue("id"), rs)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, map[string]int{"read": len(rs), "changed": n})
}

// apiClearRating is DELETE /api/v1/cycles/{id}/ratings/{employee}/{item}/{source}.
func (s *Server) apiClearRating(w http.ResponseWriter, r *http.Request) {
	if err := s.cfg.Perf.ClearRating(r.Context(), r.PathValue("id"), r.PathValue("employee"), r.PathValue("item"), r.PathValue("source")); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// cycleOut is a cycle without its setup, as the API answers changes.
func (s *Server) cycleOut(r *http.Request, id string) (*scorecard.Cycle, error) {
	c, err := s.cfg.Perf.Cycle(r.Context(), id)
	if err != nil {
		return nil, err
	}
	c.Setup = nil
	return c, nil
}

// apiCycleCollected marks the ratings collected and lists those missing.
func (s *Server) apiCycleCollected(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	gaps, err := s.cfg.Perf.MarkRatingsCollected(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.cycleOut(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if gaps == nil {
		gaps = []scorecard.RatingGap{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"cycle": c, "missing": gaps})
}

// apiComputeCycle computes the results; the caller is the maker.
func (s *Server) apiComputeCycle(w http.ResponseWriter, r *http.Request) {
	c, comp, err := s.cfg.Perf.ComputeCycle(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c.Setup = nil
	s.writeJSON(w, http.StatusOK, map[string]any{"cycle": c, "summary": comp.Summary, "sha256": c.SHA256, "no_template": comp.NoTemplate})
}

// apiVerifyCycle recomputes a computed cycle from its stored inputs.
func (s *Server) apiVerifyCycle(w http.ResponseWriter, r *http.Request) {
	sum, ok, err := s.cfg.Perf.VerifyCycle(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"sha256": sum, "identical": ok})
}

// objectionOf parses the {objection} of the path.
func objectionOf(r *http.Request) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue("objection"), 10, 64)
	if err != nil || n <= 0 {
		return 0, csperf.Errorf(csperf.ENOTFOUND, "no objection %q", r.PathValue("objection"))
	}
	return n, nil
}

// apiAnswerObjection is POST …/objections/{objection}/answer {"answer": "…"}.
func (s *Server) apiAnswerObjection(w http.ResponseWriter, r *http.Request) {
	n, err := objectionOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var body struct {
		Answer string `json:"answer"`
	}
	if err := decodeBody(w, r, &body, `{"answer": "…"}`); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.cfg.Perf.AnswerObjection(r.Context(), r.PathValue("id"), n, body.Answer); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"objection_id": n, "answered": true})
}

func (s *Server) apiCloseCycle(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := s.cfg.Perf.CloseCycle(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.cycleOut(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, c)
}

// apiReopenCycle is POST …/reopen {"reason": "…"} (admin).
func (s *Server) apiReopenCycle(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Reason string `json:"reason"`
	}
	if err := decodeBody(w, r, &body, `{"reason": "…"}`); err != nil {
		s.fail(w, r, err)
		return
	}
	id := r.PathValue("id")
	if err := s.cfg.Perf.ReopenCycle(r.Context(), id, body.Reason); err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.cycleOut(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, c)
}

// cyclePayroll writes a cycle's payroll file (?format=csv|xlsx,
// ?header=en|zh, ?draft=1 for results not yet signed off), as `csperf
// cycle export` does; the page's link and the API share it. Audited, and
// rate-limited as exports are.
func (s *Server) cyclePayroll(w http.ResponseWriter, r *http.Request) {
	u := userOf(r)
	if ok, wait := s.exportLimit.allow(u.ID); !ok {
		s.tooMany(w, r, wait)
		return
	}
	q := r.URL.Query()
	format := q.Get("format")
	if format == "" {
		format = importer.ExportCSV
	}
	if format != importer.ExportCSV && format != importer.ExportXLSX {
		s.fail(w, r, csperf.FieldErrorf("format", "the payroll file is csv or xlsx, not %q", format))
		return
	}
	hdr := q.Get("header")
	if hdr != "" && hdr != "en" && hdr != "zh" {
		s.fail(w, r, csperf.FieldErrorf("header", "column names are en or zh, not %q", hdr))
		return
	}
	id := r.PathValue("id")
	c, err := s.cfg.Perf.Cycle(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	draft := q.Get("draft") == "1" || q.Get("draft") == "true"
	if !c.InEffect() && !draft {
		s.fail(w, r, csperf.Errorf(csperf.ECONFLICT, "cycle %s is %s: its results take effect when a second user signs them off; draft=1 exports them anyway", c.ID, c.State))
		return
	}
	comp, sum, err := s.cfg.Perf.CycleComputation(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	header, rows := scorecard.Payroll(comp, c.InEffect(), hdr == "zh")
	detail, _ := json.Marshal(map[string]any{"format": format, "rows": len(rows), "state": c.State, "sha256": sum})
	if err := s.cfg.Audit.Audit(r.Context(), "export", "cycles/"+id+"/payroll", "", string(detail)); err != nil {
		s.fail(w, r, err)
		return
	}
	numeric := make([]bool, len(header))
	w.Header().Set("Content-Type", exportTypes[format])
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="payroll-%s.%s"`, c.ID, format))
	ew, err := importer.NewWriter(format, w, header, importer.WriterOptions{Numeric: numeric, Sheet: "payroll"})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, row := range rows {
		if err := ew.Write(row); err != nil {
			s.cfg.Logger.Warn("payroll export aborted", "cycle", id, "err", err)
			return
		}
	}
	if err := ew.Close(); err != nil {
		s.cfg.Logger.Warn("payroll export close", "cycle", id, "err", err)
	}
}

// apiTrainingNeeds is the training-needs report of a closed cycle (the
// store checks who may read it).
func (s *Server) apiTrainingNeeds(w http.ResponseWriter, r *http.Request) {
	rep, err := s.cfg.Perf.TrainingNeeds(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, rep)
}

func (s *Server) apiPromotions(w http.ResponseWriter, r *http.Request) {
	ps, err := s.cfg.Perf.Promotions(r.Context())
	writeItems(s, w, r, ps, err)
}

func (s *Server) apiRaises(w http.ResponseWriter, r *http.Request) {
	year, err := strconv.Atoi(r.URL.Query().Get("year"))
	if err != nil || year < 1900 || year > 9999 {
		s.fail(w, r, csperf.FieldErrorf("year", "give ?year=YYYY"))
		return
	}
	rs, err := s.cfg.Perf.Raises(r.Context(), year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if rs == nil {
		rs = []scorecard.Raise{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"year": year, "items": rs})
}

func (s *Server) apiScorecardSettings(w http.ResponseWriter, r *http.Request) {
	st, err := s.cfg.Perf.ScorecardSettings(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, st)
}

// apiSetScorecardSettings is PUT /api/v1/scorecard/settings: the settings
// as GET returns them; fields left out keep their value. New cycles copy
// them; cycles already created keep theirs.
func (s *Server) apiSetScorecardSettings(w http.ResponseWriter, r *http.Request) {
	st, err := s.cfg.Perf.ScorecardSettings(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := decodeBody(w, r, &st, "the scorecard settings as GET returns them"); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.cfg.Perf.SetScorecardSettings(r.Context(), st); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, st)
}

func (s *Server) apiTemplates(w http.ResponseWriter, r *http.Request) {
	ts, err := s.cfg.Perf.ScorecardTemplates(r.Context())
	writeItems(s, w, r, ts, err)
}

// templateByID returns the template id, or ENOTFOUND.
func (s *Server) templateByID(r *http.Request, id string) (*scorecard.Template, error) {
	ts, err := s.cfg.Perf.ScorecardTemplates(r.Context())
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(ts, func(t scorecard.Template) bool { return t.ID == id })
	if i < 0 {
		return nil, csperf.Errorf(csperf.ENOTFOUND, "no template %q", id)
	}
	return &ts[i], nil
}

func (s *Server) apiTemplate(w http.ResponseWriter, r *http.Request) {
	t, err := s.templateByID(r, r.PathValue("template"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, t)
}

const templateShape = "a template: {id, name_zh, name_en, positions, items: [{id, name_zh, name_en, kpi, weight, rule}], sources: {self, supervisor, customer}}"

// apiCreateTemplate is POST /api/v1/scorecard/templates: a new template
// (409 when the id exists; PUT replaces one). Refused with the field and
// the reason when its weights do not sum to exactly 100% or it names an
// unknown KPI.
func (s *Server) apiCreateTemplate(w http.ResponseWriter, r *http.Request) {
	var t scorecard.Template
	if err := decodeBody(w, r, &t, templateShape); err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.templateByID(r, t.ID); err == nil {
		s.fail(w, r, &csperf.Error{Code: csperf.ECONFLICT, Field: "id", Message: fmt.Sprintf("template %s exists already: PUT /api/v1/scorecard/templates/%s replaces it", t.ID, t.ID)})
		return
	} else if csperf.ErrorCode(err) != csperf.ENOTFOUND {
		s.fail(w, r, err)
		return
	}
	if err := s.cfg.Perf.SaveScorecardTemplate(r.Context(), t); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/scorecard/templates/"+t.ID)
	s.writeJSON(w, http.StatusCreated, t)
}

// apiReplaceTemplate is PUT /api/v1/scorecard/templates/{template}: the
// whole template (its id, if given, must be the path's). Cycles already
// created keep the templates they were created with.
func (s *Server) apiReplaceTemplate(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("template")
	if _, err := s.templateByID(r, id); err != nil {
		s.fail(w, r, err)
		return
	}
	var t scorecard.Template
	if err := decodeBody(w, r, &t, templateShape); err != nil {
		s.fail(w, r, err)
		return
	}
	if t.ID == "" {
		t.ID = id
	}
	if t.ID != id {
		s.fail(w, r, csperf.FieldErrorf("id", "the body's id %q is not the path's %q", t.ID, id))
		return
	}
	if err := s.cfg.Perf.SaveScorecardTemplate(r.Context(), t); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, t)
}

func (s *Server) apiTrainingPlans(w http.ResponseWriter, r *http.Request) {
	ps, err := s.cfg.Perf.TrainingPlans(r.Context())
	writeItems(s, w, r, ps, err)
}

// apiSaveTrainingPlan creates or replaces a training plan (JSON of
// scorecard.TrainingPlan, as GET lists them).
func (s *Server) apiSaveTrainingPlan(w http.ResponseWriter, r *http.Request) {
	var p scorecard.TrainingPlan
	if err := decodeBody(w, r, &p, "a training plan: {plan_id, course, content, mode, trainer, starts_on, ends_on, horizon, targets, participants: [{employee_id}]}"); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.cfg.Perf.SaveTrainingPlan(r.Context(), p); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, p)
}

// apiTrainingScores records a participant's exam and practical scores:
// {"employee_id", "exam", "practical"} (either score may be left out).
func (s *Server) apiTrainingScores(w http.ResponseWriter, r *http.Request) {
	var body struct {
		EmployeeID string            `json:"employee_id"`
		Exam       *scorecard.Number `json:"exam"`
		Practical  *scorecard.Number `json:"practical"`
	}
	if err := decodeBody(w, r, &body, `{"employee_id", "exam", "practical"}`); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.cfg.Perf.RecordTrainingScores(r.Context(), r.PathValue("plan"), body.EmployeeID, body.Exam, body.Practical); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"plan_id": r.PathValue("plan"), "employee_id": body.EmployeeID, "recorded": true})
}

func (s *Server) apiCourseEffect(w http.ResponseWriter, r *http.Request) {
	ce, err := s.cfg.Perf.CourseEffect(r.Context(), r.PathValue("plan"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, ce)
}
