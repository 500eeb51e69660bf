package web

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"csperf"
	"csperf/scorecard"
)

// The training plan pages (SPEC §10): the form that creates or edits a
// plan, the plan's page with its participants' exam and practical scores
// (a form for those who may plan training) and its effect. They call the
// store methods the API calls (SaveTrainingPlan, RecordTrainingScores,
// CourseEffect), which check the acting user's role again and audit every
// change; the routes have the API routes' policies.
func (s *Server) registerTrainingPages() {
	s.route("GET /training/plans/new", policyCycleManage, s.planFormPage)
	s.route("POST /training/plans", policyCycleManage, s.savePlanPage)
	s.route("GET /training/plans/{plan}", policyCycleReport, s.planPage)
	s.route("GET /training/plans/{plan}/edit", policyCycleManage, s.planFormPage)
	s.route("POST /training/plans/{plan}", policyCycleManage, s.savePlanPage)
	s.route("POST /training/plans/{plan}/scores", policyCycleManage, s.savePlanScoresPage)
}

// planOption is a target or a participant the form offers.
type planOption struct {
	ID, Name, Group string
	Checked         bool
}

// planForm is the plan form's values, choices and errors (by the field
// names of the API's JSON: plan_id, course, mode, trainer, starts_on,
// ends_on, horizon, targets, participants).
type planForm struct {
	New                                bool
	ID, Course, Content, Mode, Trainer string
	Starts, Ends, Horizon              string
	Targets, Participants              []string
	TargetOptions, Employees           []planOption
	Modes, Horizons                    []string
	Errors                             map[string]string
	Error                              string
}

func formOfPlan(p *scorecard.TrainingPlan) *planForm {
	f := &planForm{ID: p.ID, Course: p.Course, Content: p.Content, Mode: p.Mode, Trainer: p.Trainer,
		Starts: p.Starts.String(), Ends: p.Ends.String(), Horizon: p.Horizon, Targets: slices.Clone(p.Targets)}
	for _, pt := range p.Participants {
		f.Participants = append(f.Participants, pt.EmployeeID)
	}
	return f
}

// planOfForm reads the posted form into a plan. Dates that are missing or
// not dates are refused here, naming their field; everything else is left
// to the store's validation, as for the API.
func planOfForm(r *http.Request, lang string) (*planForm, scorecard.TrainingPlan, map[string]string) {
	v := func(n string) string { return strings.TrimSpace(r.PostFormValue(n)) }
	f := &planForm{ID: v("plan_id"), Course: v("course"), Content: strings.TrimSpace(r.PostFormValue("content")), Mode: v("mode"),
		Trainer: v("trainer"), Starts: v("starts_on"), Ends: v("ends_on"), Horizon: v("horizon")}
	for _, t := range r.PostForm["targets"] {
		if t = strings.TrimSpace(t); t != "" && !slices.Contains(f.Targets, t) {
			f.Targets = append(f.Targets, t)
		}
	}
	for _, e := range r.PostForm["participants"] {
		if e = strings.TrimSpace(e); e != "" && !slices.Contains(f.Participants, e) {
			f.Participants = append(f.Participants, e)
		}
	}
	p := scorecard.TrainingPlan{ID: f.ID, Course: f.Course, Content: f.Content, Mode: f.Mode, Trainer: f.Trainer, Horizon: f.Horizon,
		Targets: slices.Clone(f.Targets), Participants: []scorecard.TrainingParticipant{}}
	if p.Targets == nil {
		p.Targets = []string{}
	}
	for _, e := range f.Participants {
		p.Participants = append(p.Participants, scorecard.TrainingParticipant{EmployeeID: e})
	}
	errs := map[string]string{}
	for _, d := range []struct {
		field, val string
		dst        *csperf.Date
	}{{"starts_on", f.Starts, &p.Starts}, {"ends_on", f.Ends, &p.Ends}} {
		if d.val == "" {
			errs[d.field] = msg(lang, "tplan.date_required")
			continue
		}
		x, err := csperf.ParseDate(d.val)
		if err != nil {
			errs[d.field] = msg(lang, "tplan.not_date", d.val)
			continue
		}
		*d.dst = x
	}
	return f, p, errs
}

// showPlanForm renders the form with its choices: the KPIs of the catalog
// and the rated items of the templates as targets, and the employees the
// user may see (those still employed, and anyone already in the plan) as
// participants. What the form had checked stays checked.
func (s *Server) showPlanForm(w http.ResponseWriter, r *http.Request, status int, f *planForm) {
	ctx := r.Context()
	lang := s.lang(r)
	title := msg(lang, "tplan.new")
	if !f.New {
		title = msg(lang, "tplan.edit", f.ID)
	}
	p := s.newPage(r, title, nil)
	f.Modes = []string{scorecard.ModeOffline, scorecard.ModeOnline}
	f.Horizons = []string{scorecard.KindAnnual, scorecard.KindQuarterly, scorecard.KindMonthly}
	defs, err := s.cfg.Perf.KPIDefinitions(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	seen := map[string]bool{}
	add := func(id, name string) {
		if id == "" || seen[id] {
			return
		}
		seen[id] = true
		f.TargetOptions = append(f.TargetOptions, planOption{ID: id, Name: name, Checked: slices.Contains(f.Targets, id)})
	}
	for _, d := range defs {
		add(d.ID, kpiName(lang, d.ID, d.NameZH, d.NameEN))
	}
	ts, err := s.cfg.Perf.ScorecardTemplates(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, t := range ts {
		for i, it := range t.Items {
			if it.KPI == "" {
				add(t.ItemIDs()[i], kpiName(lang, t.ItemIDs()[i], it.NameZH, it.NameEN))
			}
		}
	}
	for _, t := range f.Targets { // a target the API set that neither list knows
		add(t, t)
	}
	emp := csperf.KindByName("employees")
	recs, _, err := s.cfg.Records.ListRecords(ctx, emp, csperf.RecordFilter{Scope: scope(userOf(r), emp), Sort: "employee_id", Limit: 10000})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	today := csperf.DateOf(s.cfg.Now().In(s.cfg.Loc))
	for _, rec := range recs {
		id, _ := rec["employee_id"].(string)
		in := slices.Contains(f.Participants, id)
		if l, ok := rec["leave_date"].(csperf.Date); ok && l < today && !in {
			continue
		}
		name, _ := rec["name"].(string)
		g, _ := rec["group_id"].(string)
		f.Employees = append(f.Employees, planOption{ID: id, Name: name, Group: g, Checked: in})
	}
	slices.SortStableFunc(f.Employees, func(a, b planOption) int { return cmp.Compare(a.Group, b.Group) })
	p.Data = f
	s.render(w, r, status, "training_plan_form", p)
}

// planFormPage shows the empty form (/training/plans/new) or a plan's
// (/training/plans/{plan}/edit).
func (s *Server) planFormPage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("plan")
	if id == "" {
		s.showPlanForm(w, r, http.StatusOK, &planForm{New: true, Mode: scorecard.ModeOffline, Horizon: scorecard.KindQuarterly, Errors: map[string]string{}})
		return
	}
	pl, err := s.trainingPlan(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := formOfPlan(pl)
	f.Errors = map[string]string{}
	s.showPlanForm(w, r, http.StatusOK, f)
}

// trainingPlan returns one plan (the store lists them all; there are few).
func (s *Server) trainingPlan(r *http.Request, id string) (*scorecard.TrainingPlan, error) {
	ps, err := s.cfg.Perf.TrainingPlans(r.Context())
	if err != nil {
		return nil, err
	}
	for i := range ps {
		if ps[i].ID == id {
			return &ps[i], nil
		}
	}
	return nil, csperf.Errorf(csperf.ENOTFOUND, "no training plan %q", id)
}

// savePlanPage creates a plan (POST /training/plans; an id in use is
// refused, so that a new plan never replaces another by accident) or
// replaces one (POST /training/plans/{plan}). Participants who stay keep
// the scores they have.
func (s *Server) savePlanPage(w http.ResponseWriter, r *http.Request) {
	lang := s.lang(r)
	id := r.PathValue("plan")
	f, p, errs := planOfForm(r, lang)
	f.New, f.Errors = id == "", errs
	if !f.New {
		f.ID, p.ID = id, id
	}
	var err error
	if len(errs) > 0 {
		f.Error = msg(lang, "form.fix")
		s.showPlanForm(w, r, http.StatusBadRequest, f)
		return
	}
	// The store validates the plan again; checking first here lets a
	// wrong field be named before an id in use is.
	if err = p.Validate(); err != nil {
		s.planFormError(w, r, f, err)
		return
	}
	old, oerr := s.trainingPlan(r, p.ID)
	switch {
	case oerr != nil && csperf.ErrorCode(oerr) != csperf.ENOTFOUND:
		s.fail(w, r, oerr)
		return
	case f.New && oerr == nil:
		err = &csperf.Error{Code: csperf.ECONFLICT, Field: "plan_id", Message: fmt.Sprintf("training plan %s exists already", p.ID)}
	case !f.New && oerr != nil:
		s.fail(w, r, oerr)
		return
	case !f.New:
		for i := range p.Participants {
			for _, o := range old.Participants {
				if o.EmployeeID == p.Participants[i].EmployeeID {
					p.Participants[i].Exam, p.Participants[i].Practical = o.Exam, o.Practical
				}
			}
		}
	}
	if err == nil {
		err = s.cfg.Perf.SaveTrainingPlan(r.Context(), p)
	}
	if err != nil {
		s.planFormError(w, r, f, err)
		return
	}
	http.Redirect(w, r, "/training/plans/"+url.PathEscape(p.ID)+"?saved=plan", http.StatusSeeOther)
}

// planFormError shows the form again with err next to the field it names
// (or above the form), in the page's language.
func (s *Server) planFormError(w http.ResponseWriter, r *http.Request, f *planForm, err error) {
	m, ok := s.pageError(w, r, err)
	if !ok {
		return
	}
	if fl := errorField(err); fl != "" {
		f.Errors[fl] = m
		f.Error = msg(s.lang(r), "form.fix")
	} else {
		f.Error = m
	}
	s.showPlanForm(w, r, statusOf(err), f)
}

// scoreRow is one participant's row of the scores form.
type scoreRow struct {
	EmployeeID, Name          string
	Exam, Practical           string
	ExamError, PracticalError string
}

// planData is the plan page.
type planData struct {
	Plan      *scorecard.TrainingPlan
	Effect    *scorecard.CourseEffect
	Rows      []scoreRow
	Targets   map[string]string // target id → name
	Names     map[string]string // participant's employee id → name
	CanManage bool
	Error     string
	Saved     string
}

// scoreText shows a stored score in the form: exact, or with two decimals
// for a fraction such as 100/3.
func scoreText(n *scorecard.Number) string {
	if n == nil {
		return ""
	}
	if s := n.Exact(); !strings.Contains(s, "/") {
		return s
	}
	return n.Decimals(2)
}

// showPlan renders a plan's page; entered and errs are what a refused
// scores form posted and its errors, by field name.
func (s *Server) showPlan(w http.ResponseWriter, r *http.Request, status int, id string, entered, errs map[string]string, errMsg string) {
	ctx := r.Context()
	lang := s.lang(r)
	pl, err := s.trainingPlan(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ce, err := s.cfg.Perf.CourseEffect(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &planData{Plan: pl, Effect: ce, CanManage: policyCycleManage.allows(userOf(r).Role), Error: errMsg, Targets: map[string]string{}, Names: map[string]string{}}
	switch r.URL.Query().Get("saved") {
	case "plan":
		d.Saved = msg(lang, "tplan.saved")
	case "scores":
		d.Saved = msg(lang, "tplan.scores_saved")
	}
	defs, err := s.cfg.Perf.KPIDefinitions(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, def := range defs {
		if slices.Contains(pl.Targets, def.ID) {
			d.Targets[def.ID] = kpiName(lang, def.ID, def.NameZH, def.NameEN)
		}
	}
	ts, err := s.cfg.Perf.ScorecardTemplates(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, t := range ts {
		for i, it := range t.Items {
			if id := t.ItemIDs()[i]; it.KPI == "" && slices.Contains(pl.Targets, id) && d.Targets[id] == "" {
				d.Targets[id] = kpiName(lang, id, it.NameZH, it.NameEN)
			}
		}
	}
	names := d.Names
	emp := csperf.KindByName("employees")
	for _, pt := range pl.Participants {
		if rec, err := s.cfg.Records.GetRecord(ctx, emp, []string{pt.EmployeeID}); err == nil {
			names[pt.EmployeeID], _ = rec["name"].(string)
		}
		row := scoreRow{EmployeeID: pt.EmployeeID, Name: names[pt.EmployeeID], Exam: scoreText(pt.Exam), Practical: scoreText(pt.Practical)}
		if v, ok := entered["exam."+pt.EmployeeID]; ok {
			row.Exam = v
		}
		if v, ok := entered["practical."+pt.EmployeeID]; ok {
			row.Practical = v
		}
		row.ExamError, row.PracticalError = errs["exam."+pt.EmployeeID], errs["practical."+pt.EmployeeID]
		d.Rows = append(d.Rows, row)
	}
	p := s.newPage(r, pl.Course, nil)
	p.Data = d
	s.render(w, r, status, "training_plan", p)
}

func (s *Server) planPage(w http.ResponseWriter, r *http.Request) {
	s.showPlan(w, r, http.StatusOK, r.PathValue("plan"), nil, nil, "")
}

// savePlanScoresPage records the scores form: fields exam.EMPLOYEE and
// practical.EMPLOYEE, each a number from 0 to 100 (87.5 or 175/2) or
// empty to leave the score as it is, as the API takes them. Every value is
// checked first: a wrong one is refused next to its field and then
// nothing is recorded. Each participant whose scores change is recorded
// with one store call (audited), as through the API.
func (s *Server) savePlanScoresPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	lang := s.lang(r)
	id := r.PathValue("plan")
	pl, err := s.trainingPlan(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type change struct {
		emp             string
		exam, practical *scorecard.Number
	}
	entered, errs := map[string]string{}, map[string]string{}
	var changes []change
	for _, pt := range pl.Participants {
		c := change{emp: pt.EmployeeID}
		for _, x := range []struct {
			field string
			old   *scorecard.Number
			dst   **scorecard.Number
		}{{"exam." + pt.EmployeeID, pt.Exam, &c.exam}, {"practical." + pt.EmployeeID, pt.Practical, &c.practical}} {
			v := strings.TrimSpace(r.PostFormValue(x.field))
			entered[x.field] = v
			if v == "" {
				continue
			}
			n, err := scorecard.ParseNumber(v)
			switch {
			case err != nil:
				errs[x.field] = msg(lang, "ratings.not_number", v)
			case n.Sign() < 0 || n.Cmp(scorecard.Int(100)) > 0:
				errs[x.field] = msg(lang, "ratings.out_of_range", v)
			case x.old == nil || x.old.Cmp(n) != 0:
				*x.dst = &n
			}
		}
		if c.exam != nil || c.practical != nil {
			changes = append(changes, c)
		}
	}
	for k, v := range r.PostForm {
		emp, ok := strings.CutPrefix(k, "exam.")
		if !ok {
			emp, ok = strings.CutPrefix(k, "practical.")
		}
		if ok && strings.TrimSpace(strings.Join(v, "")) != "" && !slices.ContainsFunc(pl.Participants, func(p scorecard.TrainingParticipant) bool { return p.EmployeeID == emp }) {
			err := csperf.Errorf(csperf.EINVALID, "employee %s is not a participant of training plan %s", emp, id)
			s.showPlan(w, r, http.StatusBadRequest, id, entered, errs, localize(lang, nil, fieldMessage(err)))
			return
		}
	}
	if len(errs) > 0 {
		s.showPlan(w, r, http.StatusBadRequest, id, entered, errs, msg(lang, "form.fix"))
		return
	}
	for _, c := range changes {
		if err := s.cfg.Perf.RecordTrainingScores(ctx, id, c.emp, c.exam, c.practical); err != nil {
			m, ok := s.pageError(w, r, err)
			if !ok {
				return
			}
			s.showPlan(w, r, statusOf(err), id, entered, errs, m)
			return
		}
	}
	http.Redirect(w, r, "/training/plans/"+url.PathEscape(id)+"?saved=scores", http.StatusSeeOther)
}
