package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"csperf"
	"csperf/scorecard"
)

// The cycle pages beyond reading: creating a cycle, the ratings form,
// the state buttons (collected, compute, close, reopen), answering
// objections, the payroll links, the templates and their editor, and the
// scorecard settings. They call the same store methods as the API, which
// check the scorecard rules for the acting user; templates and settings
// are under /scorecard/ for the reason given in cycles_api.go.
func (s *Server) registerCyclePages() {
	s.route("POST /cycles", policyCycleManage, s.createCyclePage)
	s.route("GET /cycles/{id}/ratings", policyCycleRate, s.ratingsPage)
	s.route("POST /cycles/{id}/ratings", policyCycleRate, s.saveRatingsPage)
	s.route("POST /cycles/{id}/ratings/clear", policyCycleRate, s.clearRatingPage)
	s.route("POST /cycles/{id}/collected", policyCycleManage, s.cycleStepPage)
	s.route("POST /cycles/{id}/compute", policyCycleManage, s.cycleStepPage)
	s.route("POST /cycles/{id}/close", policyCycleManage, s.cycleStepPage)
	s.route("POST /cycles/{id}/reopen", policyCycleReopen, s.cycleStepPage)
	s.route("POST /cycles/{id}/objections/{objection}/answer", policyCycleManage, s.answerObjectionPage)
	s.route("GET /cycles/{id}/export", policyCyclePayroll, s.cyclePayroll)
	s.route("GET /scorecard/templates", policyCycleRead, s.templatesPage)
	s.route("GET /scorecard/templates/new", policyCycleManage, s.templateEditPage)
	s.route("GET /scorecard/templates/{template}", policyCycleManage, s.templateEditPage)
	s.route("POST /scorecard/templates", policyCycleManage, s.saveTemplatePage)
	s.route("POST /scorecard/templates/{template}", policyCycleManage, s.saveTemplatePage)
	s.route("GET /scorecard/settings", policyCycleRead, s.settingsPage)
	s.registerCycleReportPages()
	s.route("POST /scorecard/settings", policyCycleManage, s.saveSettingsPage)
}

// pageError is an error as a page shows it: in the page's language, and
// internal errors are not shown but failed.
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, err error) (string, bool) {
	if csperf.ErrorCode(err) == csperf.EINTERNAL {
		s.fail(w, r, err)
		return "", false
	}
	return localize(s.lang(r), nil, fieldMessage(err)), true
}

// cycleForm is the new-cycle form's values and error.
type cycleForm struct {
	Kind, Period, Level, Scope, ID, Name string
	Templates                            []string
	Error, Field                         string
}

func (s *Server) showCycles(w http.ResponseWriter, r *http.Request, status int, f *cycleForm) {
	p := s.newPage(r, msg(s.lang(r), "nav.cycles"), nil)
	cs, err := s.cfg.Perf.ListCycles(r.Context(), "", "", 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	slices.Reverse(cs) // newest first
	u := userOf(r)
	d := map[string]any{"Items": cs, "CanCreate": scorecard.CanManage(u.Role), "CanReport": policyCycleReport.allows(u.Role)}
	if scorecard.CanManage(u.Role) {
		ts, err := s.cfg.Perf.ScorecardTemplates(r.Context())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if f == nil {
			f = &cycleForm{Kind: scorecard.KindMonthly, Period: s.lastMonth().String(), Level: scorecard.ScopeDepartment}
		}
		d["Templates"], d["Form"] = ts, f
		d["Kinds"] = []string{scorecard.KindMonthly, scorecard.KindQuarterly, scorecard.KindAnnual}
		d["Levels"] = []string{scorecard.ScopeDepartment, scorecard.ScopeGroup}
	}
	p.Data = d
	s.render(w, r, status, "cycles", p)
}

func (s *Server) createCyclePage(w http.ResponseWriter, r *http.Request) {
	f := &cycleForm{Kind: r.FormValue("kind"), Period: strings.TrimSpace(r.FormValue("period")), Level: r.FormValue("scope_level"),
		Scope: strings.TrimSpace(r.FormValue("scope_id")), ID: strings.TrimSpace(r.FormValue("id")), Name: strings.TrimSpace(r.FormValue("name")),
		Templates: r.Form["templates"]}
	c, err := s.cfg.Perf.CreateCycle(r.Context(), scorecard.CycleSpec{ID: f.ID, Name: f.Name, Kind: f.Kind, Period: f.Period,
		ScopeLevel: f.Level, ScopeID: f.Scope, Templates: f.Templates})
	if err != nil {
		m, ok := s.pageError(w, r, err)
		if !ok {
			return
		}
		f.Error, f.Field = m, errorField(err)
		s.showCycles(w, r, statusOf(err), f)
		return
	}
	http.Redirect(w, r, "/cycles/"+url.PathEscape(c.ID), http.StatusSeeOther)
}

// errorField is the field an error names, or "".
func errorField(err error) string {
	var e *csperf.Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// cycleExtra is what the cycle page shows beyond cycleView: the rule for
// missing inputs, the missing ratings in the caller's scope, and what the
// caller may do in the cycle's state.
type cycleExtra struct {
	MissingRule string
	Missing     []scorecard.RatingGap
	MoreMissing int
	// MissingKPIs are the KPI items without value per employee in the
	// computed results (capped like Missing; MoreKPIs counts the rest),
	// each with the action the missing-input rule took (KPIAction).
	MissingKPIs []kpiGap
	MoreKPIs    int
	Computed    bool
	CanManage   bool
	CanCollect  bool
	CanCompute  bool
	CanClose    bool
	CanReopen   bool
	CanAnswer   bool
	CanPayroll  bool
	Draft       bool
	Closed      bool
	Notice      string
}

// kpiAction is the message key of the action the missing-input rule took
// on a missing KPI value (the store words it in English for the API).
func (g kpiGap) KPIAction() string {
	switch {
	case strings.HasPrefix(g.Action, "scored 0"):
		return "cycles.kpi_action.zero"
	case strings.HasPrefix(g.Action, "left out; no input for the item"):
		return "cycles.kpi_action.item"
	}
	return "cycles.kpi_action.sources"
}

// maxMissingShown caps the missing ratings listed on the cycle page; the
// ratings page and the API list them all.
const maxMissingShown = 200

func (s *Server) cycleExtra(r *http.Request, id string) (*cycleExtra, error) {
	u := userOf(r)
	c, err := s.cfg.Perf.Cycle(r.Context(), id)
	if err != nil {
		return nil, err
	}
	rv, err := s.ratingsOf(r, id)
	if err != nil {
		return nil, err
	}
	x := &cycleExtra{MissingRule: c.Setup.Settings.Missing, Missing: rv.Missing, CanManage: scorecard.CanManage(u.Role), Closed: c.State == scorecard.StateClosed}
	if len(x.Missing) > maxMissingShown {
		x.MoreMissing = len(x.Missing) - maxMissingShown
		x.Missing = x.Missing[:maxMissingShown]
	}
	x.CanCollect = x.CanManage && c.State == scorecard.StateOpen
	x.CanCompute = x.CanManage && !x.Closed
	x.CanClose = x.CanManage && c.State == scorecard.StateReviewed
	x.CanReopen = scorecard.CanReopen(u.Role) && x.Closed
	x.CanAnswer = (x.CanManage || scorecard.CanApprove(u.Role)) && !x.Closed
	x.CanPayroll = policyCyclePayroll.allows(u.Role) && c.ComputedAt != nil
	x.Draft = !c.InEffect()
	return x, nil
}

// cycleStepPage runs one of the state buttons — collected, compute,
// close, reopen (with a reason) — and shows the cycle again with the
// outcome or the error.
func (s *Server) cycleStepPage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	step := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
	ctx := r.Context()
	var err error
	switch step {
	case "collected":
		_, err = s.cfg.Perf.MarkRatingsCollected(ctx, id)
	case "compute":
		_, _, err = s.cfg.Perf.ComputeCycle(ctx, id)
	case "close":
		err = s.cfg.Perf.CloseCycle(ctx, id)
	case "reopen":
		err = s.cfg.Perf.ReopenCycle(ctx, id, r.FormValue("reason"))
	}
	if err != nil {
		m, ok := s.pageError(w, r, err)
		if !ok {
			return
		}
		s.showCycle(w, r, statusOf(err), m)
		return
	}
	http.Redirect(w, r, "/cycles/"+url.PathEscape(id)+"?done="+step, http.StatusSeeOther)
}

func (s *Server) answerObjectionPage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	n, err := objectionOf(r)
	if err == nil {
		err = s.cfg.Perf.AnswerObjection(r.Context(), id, n, r.FormValue("answer"))
	}
	if err != nil {
		m, ok := s.pageError(w, r, err)
		if !ok {
			return
		}
		s.showCycle(w, r, statusOf(err), m)
		return
	}
	http.Redirect(w, r, "/cycles/"+url.PathEscape(id)+"?done=answer", http.StatusSeeOther)
}

// ratingSlot is one rating the templates ask of a member: its item and
// source, the points entered (or ""), whether the caller may change it,
// and the field's error.
type ratingSlot struct {
	Item, Source, Points, Error, Field string
	CanRate, Entered                   bool
}

// ratingItem is one item of a member's template with its slots.
type ratingItem struct {
	ID, Name, KPI string
	Weight        string
	Slots         []ratingSlot
}

// ratingMember is a member the caller may see, with the count of missing
// ratings.
type ratingMember struct {
	ID, Name, Position, GroupID string
	Missing                     int
	Selected                    bool
}

// ratingsData is the ratings page.
type ratingsData struct {
	Cycle       *scorecard.Cycle
	Members     []ratingMember
	Employee    *ratingMember
	Template    string
	Items       []ratingItem
	Sources     []string
	Shares      map[string]string
	MissingRule string
	CanEdit     bool
	Error       string
	Saved       string
}

// ratingsData builds the ratings form of one member (?employee=, default
// the caller or the first member they may see); entered holds the values
// a refused form posted, errs their errors by field name.
func (s *Server) ratingsData(r *http.Request, id, emp string, entered map[string]string, errs map[string]string) (*ratingsData, error) {
	u := userOf(r)
	c, err := s.cfg.Perf.Cycle(r.Context(), id)
	if err != nil {
		return nil, err
	}
	vis, members, err := s.raters(r, id)
	if err != nil {
		return nil, err
	}
	rs, err := s.cfg.Perf.CycleRatings(r.Context(), id)
	if err != nil {
		return nil, err
	}
	have := map[[3]string]scorecard.Number{}
	for _, x := range rs {
		have[[3]string{x.EmployeeID, x.Item, x.Source}] = x.Points
	}
	d := &ratingsData{Cycle: c, MissingRule: c.Setup.Settings.Missing, CanEdit: c.State != scorecard.StateClosed, Sources: scorecard.RatedSources}
	lang := s.lang(r)
	var pick *scorecard.Employee
	for i, m := range members {
		if vis != nil && !vis[m.ID] {
			continue
		}
		t := c.Setup.TemplateFor(m.Position)
		if t == nil {
			continue
		}
		rm := ratingMember{ID: m.ID, Name: m.Name, Position: m.Position, GroupID: m.GroupID}
		for _, item := range t.ItemIDs() {
			for _, src := range scorecard.RatedSources {
				if _, ok := have[[3]string{m.ID, item, src}]; !ok && t.Sources.Of(src).Sign() > 0 {
					rm.Missing++
				}
			}
		}
		if m.ID == emp || (emp == "" && pick == nil && (u.EmployeeID == "" || m.ID == u.EmployeeID)) {
			rm.Selected, pick = true, &members[i]
		}
		d.Members = append(d.Members, rm)
	}
	if pick == nil && emp == "" && len(d.Members) > 0 {
		d.Members[0].Selected = true
		i := slices.IndexFunc(members, func(m scorecard.Employee) bool { return m.ID == d.Members[0].ID })
		pick = &members[i]
	}
	if pick == nil {
		if emp != "" {
			return nil, csperf.Errorf(csperf.ENOTFOUND, "cycle %s has no member %s you may rate", id, emp)
		}
		return d, nil
	}
	for i := range d.Members {
		if d.Members[i].ID == pick.ID {
			d.Employee = &d.Members[i]
		}
	}
	t := c.Setup.TemplateFor(pick.Position)
	d.Template = t.NameZH
	if lang == "en" && t.NameEN != "" {
		d.Template = t.NameEN
	}
	d.Shares = map[string]string{}
	for _, src := range scorecard.Sources {
		d.Shares[src] = strings.TrimSuffix(strings.TrimRight(t.Sources.Of(src).Decimals(2), "0"), ".")
	}
	cat := c.Setup.Catalog()
	for i, it := range t.Items {
		ri := ratingItem{ID: t.ItemIDs()[i], KPI: it.KPI, Weight: strings.TrimSuffix(strings.TrimRight(it.Weight.Decimals(2), "0"), ".")}
		zh, en := it.NameZH, it.NameEN
		if def, ok := cat[it.KPI]; ok && zh == "" && en == "" {
			zh, en = def.NameZH, def.NameEN
		}
		ri.Name = kpiName(lang, ri.ID, zh, en)
		for _, src := range scorecard.RatedSources {
			if t.Sources.Of(src).Sign() == 0 {
				ri.Slots = append(ri.Slots, ratingSlot{Item: ri.ID, Source: src})
				continue
			}
			sl := ratingSlot{Item: ri.ID, Source: src, Field: "points." + ri.ID + "." + src, CanRate: d.CanEdit && scorecard.CanRate(u, src, pick.ID, pick.GroupID)}
			if p, ok := have[[3]string{pick.ID, ri.ID, src}]; ok {
				sl.Points, sl.Entered = p.Exact(), true
				if strings.Contains(sl.Points, "/") {
					sl.Points = p.Decimals(2)
				}
			}
			if v, ok := entered[sl.Field]; ok {
				sl.Points = v
			}
			sl.Error = errs[sl.Field]
			ri.Slots = append(ri.Slots, sl)
		}
		d.Items = append(d.Items, ri)
	}
	return d, nil
}

func (s *Server) ratingsPage(w http.ResponseWriter, r *http.Request) {
	s.showRatings(w, r, http.StatusOK, r.URL.Query().Get("employee"), nil, nil, "")
}

func (s *Server) showRatings(w http.ResponseWriter, r *http.Request, status int, emp string, entered, errs map[string]string, errMsg string) {
	d, err := s.ratingsData(r, r.PathValue("id"), emp, entered, errs)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(r, d.Cycle.Name, nil)
	d.Error = errMsg
	if r.URL.Query().Get("saved") != "" {
		d.Saved = r.URL.Query().Get("saved")
	}
	p.Data = d
	s.render(w, r, status, "cycle_ratings", p)
}

// saveRatingsPage saves the ratings form of one employee: every field
// "points.ITEM.SOURCE" that is filled in. A value that is not a number
// from 0 to 100 is refused next to its field, and then nothing is saved.
func (s *Server) saveRatingsPage(w http.ResponseWriter, r *http.Request) {
	id, emp := r.PathValue("id"), r.FormValue("employee_id")
	lang := s.lang(r)
	entered, errs := map[string]string{}, map[string]string{}
	var rs []scorecard.Rating
	keys := make([]string, 0, len(r.PostForm))
	for k := range r.PostForm {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		rest, ok := strings.CutPrefix(k, "points.")
		if !ok {
			continue
		}
		v := strings.TrimSpace(r.PostForm.Get(k))
		entered[k] = v
		if v == "" {
			continue
		}
		i := strings.LastIndex(rest, ".")
		if i < 0 {
			continue
		}
		item, src := rest[:i], rest[i+1:]
		n, err := scorecard.ParseNumber(v)
		switch {
		case err != nil:
			errs[k] = msg(lang, "ratings.not_number", v)
		case n.Sign() < 0 || n.Cmp(scorecard.Int(100)) > 0:
			errs[k] = msg(lang, "ratings.out_of_range", v)
		default:
			rs = append(rs, scorecard.Rating{EmployeeID: emp, Item: item, Source: src, Points: n})
		}
	}
	if len(errs) > 0 {
		s.showRatings(w, r, http.StatusBadRequest, emp, entered, errs, msg(lang, "form.fix"))
		return
	}
	if len(rs) == 0 {
		s.showRatings(w, r, http.StatusBadRequest, emp, entered, errs, msg(lang, "ratings.none"))
		return
	}
	n, err := s.cfg.Perf.SetRatings(r.Context(), id, rs)
	if err != nil {
		m, ok := s.pageError(w, r, err)
		if !ok {
			return
		}
		if csperf.ErrorCode(err) == csperf.EFORBIDDEN {
			// An employee outside the user's scope has no form to show
			// the refusal on: a 403 page says it.
			if _, ferr := s.ratingsData(r, id, emp, nil, nil); ferr != nil {
				s.errorPage(w, r, http.StatusForbidden, err)
				return
			}
		}
		s.showRatings(w, r, statusOf(err), emp, entered, errs, m)
		return
	}
	http.Redirect(w, r, "/cycles/"+url.PathEscape(id)+"/ratings?employee="+url.QueryEscape(emp)+"&saved="+strconv.Itoa(n), http.StatusSeeOther)
}

// clearRatingPage clears one rating (employee_id, item, source).
func (s *Server) clearRatingPage(w http.ResponseWriter, r *http.Request) {
	id, emp := r.PathValue("id"), r.FormValue("employee_id")
	if err := s.cfg.Perf.ClearRating(r.Context(), id, emp, r.FormValue("item"), r.FormValue("source")); err != nil {
		m, ok := s.pageError(w, r, err)
		if !ok {
			return
		}
		s.showRatings(w, r, statusOf(err), emp, nil, nil, m)
		return
	}
	http.Redirect(w, r, "/cycles/"+url.PathEscape(id)+"/ratings?employee="+url.QueryEscape(emp)+"&saved=cleared", http.StatusSeeOther)
}

// templateRow is one item of the templates list, described.
type templateRow struct {
	ID, Name, KPI, Weight, Rule string
}

type templateView struct {
	T     scorecard.Template
	Name  string
	Rows  []templateRow
	Total string
}

func (s *Server) templatesPage(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, msg(s.lang(r), "templates.title"), nil)
	ts, err := s.cfg.Perf.ScorecardTemplates(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defs, err := s.cfg.Perf.KPIDefinitions(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cat := scorecard.NewCatalog(defs...)
	var out []templateView
	for _, t := range ts {
		v := templateView{T: t, Name: kpiName(p.Lang, t.ID, t.NameZH, t.NameEN)}
		for i, it := range t.Items {
			row := templateRow{ID: t.ItemIDs()[i], KPI: it.KPI, Weight: trimNumber(it.Weight) + "%", Rule: p.T("templates.rated")}
			zh, en := it.NameZH, it.NameEN
			if def, ok := cat[it.KPI]; ok {
				if zh == "" && en == "" {
					zh, en = def.NameZH, def.NameEN
				}
				if it.Rule != nil {
					row.Rule = it.Rule.Describe(def)
				}
			}
			row.Name = kpiName(p.Lang, row.ID, zh, en)
			v.Rows = append(v.Rows, row)
		}
		out = append(out, v)
	}
	p.Data = map[string]any{"Items": out, "CanEdit": scorecard.CanManage(userOf(r).Role), "Saved": r.URL.Query().Get("saved")}
	s.render(w, r, http.StatusOK, "templates", p)
}

// trimNumber shows n with at most two decimals and no trailing zeros.
func trimNumber(n scorecard.Number) string {
	t := n.Decimals(2)
	if strings.Contains(t, ".") {
		t = strings.TrimSuffix(strings.TrimRight(t, "0"), ".")
	}
	return t
}

// itemForm is one row of the template editor.
type itemForm struct {
	ID, NameZH, NameEN, KPI, Weight             string
	RuleType, Floor, Target, Steps, Else, PerEv string
	Basis, Error                                string
}

// templateForm is the template editor's values.
type templateForm struct {
	New                           bool
	ID, NameZH, NameEN, Positions string
	Self, Supervisor, Customer    string
	Note                          string
	Items                         []itemForm
	Error, Field                  string
	KPIs                          []kpiOption
	RuleTypes                     []string
}

// formOfTemplate fills the editor from a template.
func formOfTemplate(t *scorecard.Template) *templateForm {
	f := &templateForm{ID: t.ID, NameZH: t.NameZH, NameEN: t.NameEN, Positions: strings.Join(t.Positions, " "), Note: t.Note,
		Self: t.Sources.Self.Exact(), Supervisor: t.Sources.Supervisor.Exact(), Customer: t.Sources.Customer.Exact()}
	for _, it := range t.Items {
		row := itemForm{ID: it.ID, NameZH: it.NameZH, NameEN: it.NameEN, KPI: it.KPI, Weight: it.Weight.Exact()}
		if ru := it.Rule; ru != nil {
			row.RuleType, row.Basis = ru.Type, ru.Basis
			exact := func(n *scorecard.Number) string {
				if n == nil {
					return ""
				}
				return n.Exact()
			}
			row.Floor, row.Target, row.Else, row.PerEv = exact(ru.Floor), exact(ru.Target), exact(ru.Else), exact(ru.PerEvent)
			var steps []string
			for _, st := range ru.Steps {
				steps = append(steps, st.At.Exact()+":"+st.Points.Exact())
			}
			row.Steps = strings.Join(steps, ", ")
		}
		f.Items = append(f.Items, row)
	}
	return f
}

// templateOfForm reads the editor's form into a template; a number that
// does not parse is an error naming the field as the store names fields.
func templateOfForm(r *http.Request) (*templateForm, scorecard.Template, error) {
	f := &templateForm{ID: strings.TrimSpace(r.FormValue("id")), NameZH: strings.TrimSpace(r.FormValue("name_zh")), NameEN: strings.TrimSpace(r.FormValue("name_en")),
		Positions: r.FormValue("positions"), Self: strings.TrimSpace(r.FormValue("self")), Supervisor: strings.TrimSpace(r.FormValue("supervisor")),
		Customer: strings.TrimSpace(r.FormValue("customer")), Note: strings.TrimSpace(r.FormValue("note"))}
	t := scorecard.Template{ID: f.ID, NameZH: f.NameZH, NameEN: f.NameEN, Note: f.Note}
	t.Positions = strings.FieldsFunc(f.Positions, func(c rune) bool { return c == ',' || c == ' ' || c == '，' || c == '\n' || c == '\r' || c == '\t' })
	num := func(field, text string) (scorecard.Number, error) {
		n, err := scorecard.ParseNumber(text)
		if err != nil {
			return n, csperf.FieldErrorf(field, "%v", err)
		}
		return n, nil
	}
	var firstErr error
	keep := func(err error) {
		if err != nil && firstErr == nil {
			firstErr = err
		}
	}
	var err error
	t.Sources.Self, err = num("sources.self", f.Self)
	keep(err)
	t.Sources.Supervisor, err = num("sources.supervisor", f.Supervisor)
	keep(err)
	t.Sources.Customer, err = num("sources.customer", f.Customer)
	keep(err)
	ids, kpis, weights := r.Form["item_id"], r.Form["item_kpi"], r.Form["item_weight"]
	at := func(vs []string, i int) string {
		if i < len(vs) {
			return strings.TrimSpace(vs[i])
		}
		return ""
	}
	for i := range ids {
		row := itemForm{ID: at(ids, i), NameZH: at(r.Form["item_name_zh"], i), NameEN: at(r.Form["item_name_en"], i), KPI: at(kpis, i),
			Weight: at(weights, i), RuleType: at(r.Form["item_rule"], i), Floor: at(r.Form["item_floor"], i), Target: at(r.Form["item_target"], i),
			Steps: at(r.Form["item_steps"], i), Else: at(r.Form["item_else"], i), PerEv: at(r.Form["item_per_event"], i), Basis: at(r.Form["item_basis"], i)}
		if row.ID == "" && row.KPI == "" && row.Weight == "" && row.NameZH == "" && row.NameEN == "" {
			continue // an empty row
		}
		f.Items = append(f.Items, row)
		path := fmt.Sprintf("items[%d]", len(t.Items))
		it := scorecard.Item{ID: row.ID, NameZH: row.NameZH, NameEN: row.NameEN, KPI: row.KPI}
		it.Weight, err = num(path+".weight", row.Weight)
		keep(err)
		opt := func(field, text string) *scorecard.Number {
			if text == "" {
				return nil
			}
			n, err := num(path+".rule."+field, text)
			keep(err)
			return &n
		}
		if row.RuleType != "" {
			ru := &scorecard.Rule{Type: row.RuleType}
			switch row.RuleType {
			case scorecard.RuleLinear:
				ru.Floor, ru.Target = opt("floor", row.Floor), opt("target", row.Target)
			case scorecard.RuleStep:
				ru.Else = opt("else", row.Else)
				for j, part := range strings.FieldsFunc(row.Steps, func(c rune) bool { return c == ',' || c == ';' || c == '，' || c == '；' }) {
					a, b, ok := strings.Cut(strings.TrimSpace(part), ":")
					if !ok {
						a, b, ok = strings.Cut(strings.TrimSpace(part), "：")
					}
					if !ok {
						keep(csperf.FieldErrorf(fmt.Sprintf("%s.rule.steps[%d]", path, j), "%q is not AT:POINTS (e.g. 95:100)", strings.TrimSpace(part)))
						continue
					}
					atN, err1 := num(fmt.Sprintf("%s.rule.steps[%d].at", path, j), strings.TrimSpace(a))
					keep(err1)
					pts, err2 := num(fmt.Sprintf("%s.rule.steps[%d].points", path, j), strings.TrimSpace(b))
					keep(err2)
					ru.Steps = append(ru.Steps, scorecard.Step{At: atN, Points: pts})
				}
			case scorecard.RuleDeduction:
				ru.PerEvent, ru.Basis = opt("per_event", row.PerEv), row.Basis
			}
			it.Rule = ru
		}
		t.Items = append(t.Items, it)
	}
	return f, t, firstErr
}

// fieldItem returns the item row index a field names ("items[2].kpi" →
// 2), or -1.
func fieldItem(field string) int {
	rest, ok := strings.CutPrefix(field, "items[")
	if !ok {
		return -1
	}
	n, err := strconv.Atoi(rest[:max(0, strings.IndexByte(rest, ']'))])
	if err != nil {
		return -1
	}
	return n
}

func (s *Server) showTemplateForm(w http.ResponseWriter, r *http.Request, status int, f *templateForm) {
	lang := s.lang(r)
	title := msg(lang, "templates.new")
	if !f.New {
		title = msg(lang, "templates.edit", f.ID)
	}
	p := s.newPage(r, title, nil)
	defs, err := s.cfg.Perf.KPIDefinitions(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, def := range defs {
		f.KPIs = append(f.KPIs, kpiOption{ID: def.ID, Name: kpiName(lang, def.ID, def.NameZH, def.NameEN)})
	}
	f.RuleTypes = []string{scorecard.RuleLinear, scorecard.RuleStep, scorecard.RuleDeduction}
	// Two empty rows to add items, more with the "add a row" button.
	blank := 2
	if r.FormValue("add") != "" {
		blank = 1
	}
	if f.New && len(f.Items) == 0 {
		blank = 4
	}
	for range blank {
		f.Items = append(f.Items, itemForm{})
	}
	// The form keeps no empty rows, so the store's items[N] is row N.
	if n := fieldItem(f.Field); n >= 0 && n < len(f.Items) {
		f.Items[n].Error = f.Error
	}
	p.Data = f
	s.render(w, r, status, "template_edit", p)
}

func (s *Server) templateEditPage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("template")
	if id == "" {
		s.showTemplateForm(w, r, http.StatusOK, &templateForm{New: true, Self: "20", Supervisor: "30", Customer: "50"})
		return
	}
	t, err := s.templateByID(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.showTemplateForm(w, r, http.StatusOK, formOfTemplate(t))
}

// saveTemplatePage creates (POST /scorecard/templates) or replaces (POST
// /scorecard/templates/{template}) a template from the editor. The
// "add" button only adds a row.
func (s *Server) saveTemplatePage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("template")
	f, t, err := templateOfForm(r)
	f.New = id == ""
	if r.FormValue("add") != "" {
		s.showTemplateForm(w, r, http.StatusOK, f)
		return
	}
	if err == nil && !f.New {
		if t.ID == "" {
			t.ID = id
		}
		if t.ID != id {
			err = csperf.FieldErrorf("id", "the id of a template cannot be changed; create a new template instead")
		}
	}
	if err == nil && f.New {
		if _, e := s.templateByID(r, t.ID); e == nil {
			err = &csperf.Error{Code: csperf.ECONFLICT, Field: "id", Message: fmt.Sprintf("template %s exists already", t.ID)}
		}
	}
	if err == nil {
		err = s.cfg.Perf.SaveScorecardTemplate(r.Context(), t)
	}
	if err != nil {
		m, ok := s.pageError(w, r, err)
		if !ok {
			return
		}
		f.Error, f.Field = m, errorField(err)
		s.showTemplateForm(w, r, statusOf(err), f)
		return
	}
	http.Redirect(w, r, "/scorecard/templates?saved="+url.QueryEscape(t.ID), http.StatusSeeOther)
}

// settingsData is the settings page.
type settingsData struct {
	S       scorecard.Settings
	CanEdit bool
	Error   string
	Saved   bool
	Rules   []string
}

func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request) {
	st, err := s.cfg.Perf.ScorecardSettings(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.showSettings(w, r, http.StatusOK, st, "")
}

func (s *Server) showSettings(w http.ResponseWriter, r *http.Request, status int, st scorecard.Settings, errMsg string) {
	p := s.newPage(r, msg(s.lang(r), "scsettings.title"), nil)
	p.Data = &settingsData{S: st, CanEdit: scorecard.CanManage(userOf(r).Role), Error: errMsg, Saved: r.URL.Query().Get("saved") == "1",
		Rules: []string{scorecard.MissingRenormalise, scorecard.MissingZero}}
	s.render(w, r, status, "scorecard_settings", p)
}

// saveSettingsPage changes the missing-input rule, the grade thresholds
// and coefficients and the raise bands; the other settings keep their
// value.
func (s *Server) saveSettingsPage(w http.ResponseWriter, r *http.Request) {
	st, err := s.cfg.Perf.ScorecardSettings(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	num := func(field, text string) (scorecard.Number, error) {
		n, err := scorecard.ParseNumber(text)
		if err != nil {
			return n, csperf.FieldErrorf(field, "%v", err)
		}
		return n, nil
	}
	st.Missing = r.FormValue("missing")
	var errs []error
	for i := range st.Grades {
		g := &st.Grades[i]
		if i < len(st.Grades)-1 {
			m, e := num(fmt.Sprintf("grades[%d].min", i), r.FormValue(fmt.Sprintf("grade_min_%d", i)))
			g.Min, errs = &m, append(errs, e)
		}
		var e error
		g.Coefficient, e = num(fmt.Sprintf("grades[%d].coefficient", i), r.FormValue(fmt.Sprintf("grade_coef_%d", i)))
		errs = append(errs, e)
	}
	for i := range st.RaiseBands {
		var e error
		st.RaiseBands[i], e = num(fmt.Sprintf("raise_bands[%d]", i), r.FormValue(fmt.Sprintf("raise_%d", i)))
		errs = append(errs, e)
	}
	for _, e := range errs {
		if e != nil && err == nil {
			err = e
		}
	}
	if err == nil {
		err = s.cfg.Perf.SetScorecardSettings(r.Context(), st)
	}
	if err != nil {
		m, ok := s.pageError(w, r, err)
		if !ok {
			return
		}
		s.showSettings(w, r, statusOf(err), st, m)
		return
	}
	http.Redirect(w, r, "/scorecard/settings?saved=1", http.StatusSeeOther)
}
