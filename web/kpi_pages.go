package web

import (
	"cmp"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"csperf"
	"csperf/kpi"
)

// registerKPIWritePages registers the forms that define a custom KPI, set
// a goal, mark a measure done and configure the alert webhook. They call
// the same checks as the API.
func (s *Server) registerKPIWritePages() {
	s.route("GET /kpis/new", policyKPIDefine, s.kpiFormPage)
	s.route("POST /kpis/new", policyKPIDefine, s.kpiFormPost)
	s.route("POST /kpis/{id}/delete", policyKPIDefine, s.kpiDeletePost)
	s.route("GET /goals/new", policyGoalWrite, s.goalFormPage)
	s.route("POST /goals/new", policyGoalWrite, s.goalFormPost)
	s.route("POST /goals/{id}/actions/{seq}", policyGoalAction, s.goalActionPost)
	s.route("GET /alerts/webhook", policyAlertConfig, s.webhookPage)
	s.route("POST /alerts/webhook", policyAlertConfig, s.webhookPost)
}

// kpiForm is the custom KPI form: what was typed, the choices, and the
// problems by input name.
type kpiForm struct {
	V            url.Values
	Texts        []textInput
	Measures     []string
	Units        []string
	Aggregations []string
	Kinds        []option
	Pers         []string
	Ops          []string
	Levels       []string
	Fields       []kindFields
	Errors       map[string]string
	Error        string
	ErrorField   string
	Edit         string      // the custom KPI being changed, "" for a new one
	Custom       []kpiOption // the custom KPIs, to change or remove
	Removed      bool
}

// textInput is a text input of the KPI form; Late ones come after the
// measures.
type textInput struct {
	Name, Label, Hint, Value, Error string
	Late, ReadOnly                  bool
}

// kindFields lists the fields of an event kind a filter or sum may use.
type kindFields struct {
	Kind   string
	Fields []string
}

// fieldTypeNames name the value a filter condition takes.
var fieldTypeNames = map[csperf.FieldType]string{csperf.TString: "text", csperf.TInt: "whole number", csperf.TBool: "true/false",
	csperf.TDate: "YYYY-MM-DD", csperf.TTime: "RFC 3339 time", csperf.TMoney: "yuan", csperf.TEnum: "code", csperf.TRef: "id"}

// The aggregations a user builds from measures; the special ones (facts,
// churn, repeat customers) are the catalog's.
var customAggregations = []string{string(kpi.Ratio), string(kpi.Mean), string(kpi.CountPerPeriod), string(kpi.Snapshot)}

func newKPIForm(v url.Values) *kpiForm {
	f := &kpiForm{V: v, Errors: map[string]string{}, Measures: []string{"num", "den"},
		Units:        []string{string(kpi.Percent), string(kpi.Seconds), string(kpi.Minutes), string(kpi.Hours), string(kpi.Score), string(kpi.Count)},
		Aggregations: customAggregations,
		Pers:         []string{kpi.UnitDay, kpi.UnitWeek, kpi.UnitMonth, kpi.UnitQuarter, kpi.UnitYear},
		Ops:          []string{kpi.OpGe, kpi.OpGt, kpi.OpLe, kpi.OpLt, kpi.OpEq},
		Levels:       []string{kpi.LevelEmployee, kpi.LevelGroup, kpi.LevelDepartment, kpi.LevelOrg}}
	for _, k := range kpi.EventKinds() {
		f.Kinds = append(f.Kinds, option{Value: k, Label: k})
		kf := kindFields{Kind: k}
		for _, fl := range kpi.EventFields(k) {
			t := fieldTypeNames[fl.Type]
			if len(fl.Enum) > 0 {
				t = strings.Join(fl.Enum, "|")
			}
			kf.Fields = append(kf.Fields, fl.Name+" ("+t+")")
		}
		f.Fields = append(f.Fields, kf)
	}
	return f
}

// Has reports whether a multi-valued input holds v (the scope boxes).
func (f *kpiForm) Has(name, v string) bool { return slices.Contains(f.V[name], v) }

// Filter lines are "FIELD OP VALUE", one condition a line: "overall >= 4",
// "direction = inbound", "closed_at not_null".
func parseFilter(text, path string) ([]kpi.Cond, error) {
	var out []kpi.Cond
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		parts := strings.Fields(line)
		if len(parts) < 2 {
			return nil, csperf.FieldErrorf(fmt.Sprintf("%s[%d]", path, len(out)), "line %d %q: want FIELD OP VALUE, e.g. overall >= 4", i+1, line)
		}
		c := kpi.Cond{Field: parts[0], Op: parts[1]}
		if len(parts) > 2 {
			c.Value = strings.Join(parts[2:], " ")
		}
		out = append(out, c)
	}
	return out, nil
}

// measureOf reads one measure's inputs (prefix "num" or "den").
func measureOf(v url.Values, prefix, path string) (kpi.Measure, error) {
	m := kpi.Measure{Kind: v.Get(prefix + "_kind"), DateField: strings.TrimSpace(v.Get(prefix + "_date_field")),
		Agg: v.Get(prefix + "_agg"), SumExpr: strings.TrimSpace(v.Get(prefix + "_sum_expr"))}
	if m.Agg == kpi.AggCount {
		m.Agg = ""
	}
	var err error
	m.Filter, err = parseFilter(v.Get(prefix+"_filter"), path+".filter")
	return m, err
}

// definitionOf builds a KPI definition from the form. The target is typed
// in the unit's shown scale, like csperf goal create's.
func definitionOf(v url.Values) (kpi.Definition, error) {
	d := kpi.Definition{ID: strings.TrimSpace(v.Get("id")), NameZH: strings.TrimSpace(v.Get("name_zh")), NameEN: strings.TrimSpace(v.Get("name_en")),
		Formula: strings.TrimSpace(v.Get("formula")), Unit: kpi.Unit(v.Get("unit")), Direction: kpi.Direction(v.Get("direction")),
		Aggregation: kpi.Aggregation(v.Get("aggregation")), Scopes: v["scopes"]}
	if len(d.Scopes) == 4 {
		d.Scopes = nil // every level
	}
	var err error
	if d.Numerator, err = measureOf(v, "num", "numerator"); err != nil {
		return d, err
	}
	if d.Aggregation == kpi.Ratio || d.Aggregation == kpi.Snapshot || v.Get("den_kind") != "" {
		den, err := measureOf(v, "den", "denominator[0]")
		if err != nil {
			return d, err
		}
		d.Denominator = []kpi.Measure{den}
	}
	if d.Aggregation == kpi.CountPerPeriod {
		d.Per, d.PerEmployee = v.Get("per"), v.Get("per_employee") != ""
	}
	if t := strings.TrimSpace(v.Get("target")); t != "" {
		if !d.Unit.Valid() {
			return d, csperf.FieldErrorf("unit", "unknown unit %q (want percent, seconds, minutes, hours, score or count)", d.Unit)
		}
		val, err := kpi.ParseTarget(d.Unit, t)
		if err != nil {
			return d, err
		}
		d.Target = kpi.Target{Op: v.Get("target_op"), Value: val}
	}
	return d, nil
}

// kpiInput maps a definition's error field to the form input it is about:
// "numerator.filter[1].op" → "num_filter", "target.value" → "target".
func kpiInput(field string) string {
	switch {
	case field == "":
		return ""
	case strings.HasPrefix(field, "numerator"), strings.HasPrefix(field, "denominator"):
		prefix, rest := "num", strings.TrimPrefix(field, "numerator")
		if strings.HasPrefix(field, "denominator") {
			prefix, rest = "den", strings.TrimPrefix(field, "denominator")
			if strings.HasPrefix(rest, "[") {
				_, rest, _ = strings.Cut(rest, "]")
			}
		}
		part := strings.TrimPrefix(rest, ".")
		if i := strings.IndexAny(part, ".["); i >= 0 {
			part = part[:i]
		}
		switch part {
		case "filter", "date_field", "agg", "sum_expr", "kind":
			return prefix + "_" + part
		}
		return prefix + "_kind"
	case strings.HasPrefix(field, "target"):
		if field == "target.op" {
			return "target_op"
		}
		return "target"
	case strings.HasPrefix(field, "scopes"):
		return "scopes"
	case field == "name":
		return "name_zh"
	}
	return field
}

// kpiFormPage is the custom KPI form: empty, or ?edit=ID filled with a
// custom KPI's definition to change it.
func (s *Server) kpiFormPage(w http.ResponseWriter, r *http.Request) {
	v := url.Values{"unit": {string(kpi.Percent)}, "direction": {string(kpi.HigherBetter)}, "aggregation": {string(kpi.Ratio)},
		"num_agg": {kpi.AggCount}, "den_agg": {kpi.AggCount}, "target_op": {kpi.OpGe}, "per": {kpi.UnitMonth},
		"scopes": {kpi.LevelEmployee, kpi.LevelGroup, kpi.LevelDepartment, kpi.LevelOrg}}
	if id := r.URL.Query().Get("edit"); id != "" {
		if _, builtin := kpi.Lookup(id); builtin {
			s.fail(w, r, &csperf.Error{Code: csperf.ECONFLICT, Field: "id", Message: fmt.Sprintf("%q is a catalog KPI: it cannot be defined or changed here", id)})
			return
		}
		def, err := s.cfg.Perf.KPIDefinition(r.Context(), id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v = formValues(def)
	}
	f := newKPIForm(v)
	f.Removed = r.URL.Query().Get("removed") == "1"
	s.showKPIForm(w, r, http.StatusOK, f)
}

// formValues is def as the form's inputs.
func formValues(def kpi.Definition) url.Values {
	v := url.Values{"edit": {def.ID}, "id": {def.ID}, "name_zh": {def.NameZH}, "name_en": {def.NameEN}, "formula": {def.Formula},
		"unit": {string(def.Unit)}, "direction": {string(def.Direction)}, "aggregation": {string(def.Aggregation)},
		"per": {def.Per}, "target_op": {def.Target.Op}, "scopes": def.Scopes}
	if len(def.Scopes) == 0 {
		v["scopes"] = []string{kpi.LevelEmployee, kpi.LevelGroup, kpi.LevelDepartment, kpi.LevelOrg}
	}
	if def.Per == "" {
		v.Set("per", kpi.UnitMonth)
	}
	if def.PerEmployee {
		v.Set("per_employee", "1")
	}
	measure := func(prefix string, m kpi.Measure) {
		v.Set(prefix+"_kind", m.Kind)
		v.Set(prefix+"_date_field", m.DateField)
		v.Set(prefix+"_agg", cmp.Or(m.Agg, kpi.AggCount))
		v.Set(prefix+"_sum_expr", m.SumExpr)
		var lines []string
		for _, c := range m.Filter {
			lines = append(lines, strings.TrimSpace(c.Field+" "+c.Op+" "+c.Value))
		}
		v.Set(prefix+"_filter", strings.Join(lines, "\n"))
	}
	measure("num", def.Numerator)
	if len(def.Denominator) > 0 {
		measure("den", def.Denominator[0])
	}
	if def.Target.Value.Den > 0 {
		// Exact for any target typed as a decimal (ten places).
		x := new(big.Rat).Mul(def.Target.Value.Rat(), def.Unit.Scale().Rat())
		t := strings.TrimRight(strings.TrimRight(x.FloatString(10), "0"), ".")
		if def.Unit == kpi.Percent {
			t += "%"
		}
		v.Set("target", t)
	}
	return v
}

// kpiDeletePost removes a custom KPI (refused for catalog KPIs and for
// one a goal is set on).
func (s *Server) kpiDeletePost(w http.ResponseWriter, r *http.Request) {
	if err := s.perfWriter().RemoveCustomKPI(r.Context(), r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/kpis/new?removed=1", http.StatusSeeOther)
}

func (s *Server) showKPIForm(w http.ResponseWriter, r *http.Request, status int, f *kpiForm) {
	title := msg(s.lang(r), "kpidef.title")
	if f.Edit = f.V.Get("edit"); f.Edit != "" {
		title = msg(s.lang(r), "kpidef.edit_title", f.Edit)
	}
	p := s.newPage(r, title, f)
	defs, err := s.cfg.Perf.KPIDefinitions(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, d := range defs {
		if _, builtin := kpi.Lookup(d.ID); !builtin {
			f.Custom = append(f.Custom, kpiOption{ID: d.ID, Name: kpiName(p.Lang, d.ID, d.NameZH, d.NameEN)})
		}
	}
	for k, m := range f.Errors {
		f.Errors[k] = localize(p.Lang, nil, m)
	}
	f.Error = localize(p.Lang, nil, f.Error)
	if f.ErrorField != "" {
		f.Error = f.ErrorField + ": " + f.Error // which filter line, which measure
	}
	for i := range f.Kinds {
		if k := csperf.KindByName(f.Kinds[i].Value); k != nil {
			f.Kinds[i].Label = p.KindLabel(k)
		}
	}
	for _, t := range []textInput{{Name: "id", Label: "kpidef.id", Hint: "kpidef.id_hint"}, {Name: "name_zh", Label: "kpidef.name_zh"},
		{Name: "name_en", Label: "kpidef.name_en"}, {Name: "formula", Label: "kpidef.formula"},
		{Name: "target", Label: "kpidef.target", Hint: "kpidef.target_hint", Late: true}} {
		t.Label, t.Value, t.Error = p.T(t.Label), f.V.Get(t.Name), f.Errors[t.Name]
		t.ReadOnly = t.Name == "id" && f.Edit != ""
		if t.Hint != "" {
			t.Hint = p.T(t.Hint)
		}
		f.Texts = append(f.Texts, t)
	}
	s.render(w, r, status, "kpi_form", p)
}

func (s *Server) kpiFormPost(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, csperf.FieldErrorf("form", "the form cannot be read"))
		return
	}
	v := r.PostForm
	f := newKPIForm(v)
	def, err := definitionOf(v)
	if edit := v.Get("edit"); err == nil && edit != "" {
		def.ID = edit // the id of a KPI being changed stays
		err = s.perfWriter().ChangeCustomKPI(r.Context(), def)
	} else if err == nil {
		err = s.perfWriter().AddCustomKPI(r.Context(), def)
	}
	if err != nil {
		if code := csperf.ErrorCode(err); code != csperf.EINVALID && code != csperf.ECONFLICT {
			s.fail(w, r, err)
			return
		}
		var field string
		if e, ok := err.(*csperf.Error); ok {
			field = e.Field
		}
		msg := fieldMessage(err)
		if in := kpiInput(field); in != "" {
			f.Errors[in] = msg
		}
		f.Error, f.ErrorField = msg, field
		s.showKPIForm(w, r, statusOf(err), f)
		return
	}
	http.Redirect(w, r, "/kpis?"+url.Values{"kpi": {def.ID}, "defined": {"1"}}.Encode(), http.StatusSeeOther)
}

// goalForm is the goal form: what was typed, the measures' rows, the
// choices and the problems by input name.
type goalForm struct {
	V       url.Values
	KPIs    []kpiOption
	Levels  []string
	Ops     []string
	Actions []actionRow
	Errors  map[string]string
	Error   string
}

// actionRow is one measure's row of the form.
type actionRow struct {
	N                             int
	Description, Responsible, Due string
	Errors                        map[string]string
}

// formActions is the number of measure rows the form offers.
const formActions = 5

func (s *Server) newGoalForm(r *http.Request, lang string, v url.Values) (*goalForm, error) {
	defs, err := s.cfg.Perf.KPIDefinitions(r.Context())
	if err != nil {
		return nil, err
	}
	f := &goalForm{V: v, Errors: map[string]string{}, Levels: []string{kpi.LevelEmployee, kpi.LevelGroup, kpi.LevelDepartment, kpi.LevelOrg},
		Ops: []string{"", kpi.OpGe, kpi.OpGt, kpi.OpLe, kpi.OpLt, kpi.OpEq}}
	for _, d := range defs {
		f.KPIs = append(f.KPIs, kpiOption{ID: d.ID, Name: kpiName(lang, d.ID, d.NameZH, d.NameEN), Selected: v.Get("kpi") == d.ID})
	}
	descs, resps, dues := v["action_description"], v["action_responsible"], v["action_due"]
	for i := 0; i < max(formActions, len(descs)); i++ {
		row := actionRow{N: i + 1, Errors: map[string]string{}}
		if i < len(descs) {
			row.Description = descs[i]
		}
		if i < len(resps) {
			row.Responsible = resps[i]
		}
		if i < len(dues) {
			row.Due = dues[i]
		}
		f.Actions = append(f.Actions, row)
	}
	return f, nil
}

func (s *Server) goalFormPage(w http.ResponseWriter, r *http.Request) {
	u := userOf(r)
	today := csperf.DateOf(s.cfg.Now().In(s.cfg.Loc))
	v := url.Values{"scope": {kpi.LevelGroup}, "start": {today.String()}, "deadline": {(today.Month() + 3).First().AddDays(-1).String()}}
	if u.Role == csperf.RoleSupervisor && len(u.GroupIDs) > 0 {
		v.Set("scope_id", u.GroupIDs[0])
	}
	if u.EmployeeID != "" {
		v.Set("owner", u.EmployeeID)
	}
	for key, vals := range r.URL.Query() { // links may preset the KPI and scope
		if key == "kpi" || key == "scope" || key == "scope_id" {
			v[key] = vals
		}
	}
	f, err := s.newGoalForm(r, s.lang(r), v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.showGoalForm(w, r, http.StatusOK, f)
}

func (s *Server) showGoalForm(w http.ResponseWriter, r *http.Request, status int, f *goalForm) {
	p := s.newPage(r, msg(s.lang(r), "goalform.title"), f)
	for k, m := range f.Errors {
		f.Errors[k] = localize(p.Lang, nil, m)
	}
	for i := range f.Actions {
		for k, m := range f.Actions[i].Errors {
			f.Actions[i].Errors[k] = localize(p.Lang, nil, m)
		}
	}
	f.Error = localize(p.Lang, nil, f.Error)
	s.render(w, r, status, "goal_form", p)
}

func (s *Server) goalFormPost(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, csperf.FieldErrorf("form", "the form cannot be read"))
		return
	}
	v := r.PostForm
	in := goalInput{Title: v.Get("title"), KPI: v.Get("kpi"), Scope: v.Get("scope"), ScopeID: v.Get("scope_id"), Op: v.Get("op"),
		Start: v.Get("start"), Deadline: v.Get("deadline"), Owner: v.Get("owner"), Notes: v.Get("notes"), BaselinePeriod: v.Get("baseline_period")}
	if t := strings.TrimSpace(v.Get("target")); t != "" {
		in.Target = []byte(strconv.Quote(t))
	}
	descs, resps, dues := v["action_description"], v["action_responsible"], v["action_due"]
	var rows []int // the form row of each measure sent on
	for i := range descs {
		a := actionInput{Description: descs[i]}
		if i < len(resps) {
			a.Responsible = resps[i]
		}
		if i < len(dues) {
			a.Due = dues[i]
		}
		if strings.TrimSpace(a.Description+a.Responsible+a.Due) == "" {
			continue // an unused row
		}
		in.Actions = append(in.Actions, a)
		rows = append(rows, i)
	}
	g, fe, err := s.createGoal(r, in)
	if err != nil && csperf.ErrorCode(err) != csperf.EFORBIDDEN {
		s.fail(w, r, err)
		return
	}
	if g != nil {
		http.Redirect(w, r, fmt.Sprintf("/goals/%d?created=1", g.ID), http.StatusSeeOther)
		return
	}
	f, ferr := s.newGoalForm(r, s.lang(r), v)
	if ferr != nil {
		s.fail(w, r, ferr)
		return
	}
	status := http.StatusBadRequest
	if err != nil {
		status = statusOf(err)
		fe.addErr("scope_id", err)
	}
	for _, field := range fe.order {
		m := fe.msg[field]
		var i int
		var sub string
		if n, _ := fmt.Sscanf(field, "actions[%d].", &i); n == 1 && i < len(rows) {
			sub = field[strings.Index(field, "].")+2:]
			f.Actions[rows[i]].Errors[sub] = m
			continue
		}
		if field == "" || field == "actions" {
			f.Error = m
			continue
		}
		f.Errors[field] = m
	}
	if f.Error == "" && len(f.Errors) == 0 {
		f.Error = fe.msg[fe.order[0]]
	}
	s.showGoalForm(w, r, status, f)
}

// goalActionPost marks a measure done today, or not done with undo=1.
func (s *Server) goalActionPost(w http.ResponseWriter, r *http.Request) {
	var done *csperf.Date
	if r.FormValue("undo") == "" {
		d := csperf.DateOf(s.cfg.Now().In(s.cfg.Loc))
		done = &d
	}
	g, err := s.setActionDone(r, done)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/goals/%d#actions", g.ID), http.StatusSeeOther)
}

// goalPageData is what the goal page shows: the goal today, its
// checkpoints, and the chart of actual against target and the expected
// path.
func (s *Server) goalPageData(r *http.Request, lang string) (map[string]any, error) {
	t, err := s.goalTrack(r)
	if err != nil {
		return nil, err
	}
	u := userOf(r)
	g := t.Goal
	c := chart{Type: "line"}
	if t.def.Unit == kpi.Percent {
		c.Unit = "%"
	}
	period := chartSeries{Name: msg(lang, "goals.period_value")}
	actual := chartSeries{Name: msg(lang, "goals.actual_to_date")}
	expected := chartSeries{Name: msg(lang, "goals.expected_path")}
	target := g.Target.Value.Rat()
	expectedAny := false
	orDash := func(s string) string {
		if s == "" {
			return "—"
		}
		return s
	}
	for _, cp := range t.Checkpoints {
		c.Labels = append(c.Labels, cp.Period.String())
		period.Data = append(period.Data, rowNumber(t.def.Unit, cp.Numerator, cp.Denominator))
		period.Text = append(period.Text, orDash(cp.Value))
		actual.Data = append(actual.Data, rowNumber(t.def.Unit, cp.Actual.Num, cp.Actual.Den))
		actual.Text = append(actual.Text, orDash(cp.Actual.Display))
		expected.Data = append(expected.Data, chartValue(t.def.Unit, cp.expected))
		expected.Text = append(expected.Text, orDash(cp.Expected))
		expectedAny = expectedAny || cp.expected != nil
	}
	actual.Line = chartValue(t.def.Unit, target)
	if target != nil {
		actual.LineText = kpi.FormatRat(t.def.Unit, target)
	}
	c.Series = []chartSeries{actual, period}
	if expectedAny {
		c.Series = append(c.Series, expected)
	}
	canMark := map[int]bool{}
	for _, a := range g.Actions {
		canMark[a.Seq] = policyGoalAction.allows(u.Role) && (u.Role != csperf.RoleAgent || (u.EmployeeID != "" && (a.Responsible == u.EmployeeID || g.Owner == u.EmployeeID)))
	}
	return map[string]any{"Goal": g, "Track": t, "Chart": toJSON(c), "CanMark": canMark, "Created": r.URL.Query().Get("created") == "1"}, nil
}

func (s *Server) webhookPage(w http.ResponseWriter, r *http.Request) {
	s.showWebhook(w, r, http.StatusOK, "", r.URL.Query().Get("saved") == "1")
}

func (s *Server) showWebhook(w http.ResponseWriter, r *http.Request, status int, errMsg string, saved bool) {
	v, err := s.webhookView(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(r, msg(s.lang(r), "webhook.title"), nil)
	p.Data = map[string]any{"W": v, "Error": localize(p.Lang, nil, errMsg), "Saved": saved}
	s.render(w, r, status, "webhook", p)
}

func (s *Server) webhookPost(w http.ResponseWriter, r *http.Request) {
	url, secret := r.FormValue("url"), r.FormValue("secret")
	if r.FormValue("off") != "" {
		url, secret = "", ""
	}
	if err := s.setWebhook(r.Context(), url, secret); err != nil {
		if csperf.ErrorCode(err) != csperf.EINVALID {
			s.fail(w, r, err)
			return
		}
		s.showWebhook(w, r, statusOf(err), fieldMessage(err), false)
		return
	}
	http.Redirect(w, r, "/alerts/webhook?saved=1", http.StatusSeeOther)
}

// explorerChart is the explorer's trend: kpiChart with each point linked
// to the records behind it (drill[i] is rows[i]'s). A single period is
// drawn as bars, one per KPI and scope id.
func explorerChart(lang string, rows []kpi.Row, drill []string) chart {
	c := kpiChart(lang, rows)
	if len(c.Labels) == 1 {
		c.Type = "bar"
	}
	if len(rows) > 0 && !slices.ContainsFunc(rows, func(r kpi.Row) bool { return r.Unit != kpi.Percent }) {
		c.Unit = "%" // the axis and tooltips say so when every line is a percentage
	}
	label := map[string]int{}
	for i, l := range c.Labels {
		label[l] = i
	}
	series := map[string]int{}
	for i, row := range rows {
		key := row.KPI + "|" + row.ID
		si, ok := series[key]
		if !ok {
			si = len(series)
			series[key] = si
		}
		if si >= len(c.Series) || i >= len(drill) || drill[i] == "" {
			continue
		}
		if c.Series[si].Links == nil {
			c.Series[si].Links = make([]string, len(c.Labels))
		}
		c.Series[si].Links[label[row.Period.String()]] = drill[i]
	}
	return c
}

// groupParam narrows a record list to the records of the employees who
// belonged to a group (the KPI explorer's drill-down from a group's
// figure): ?group=G1. It is the record scope a supervisor of the group
// has — membership at any time, not on the record's day — so a figure of
// a group whose members moved may count fewer records than the list
// shows. Kinds with a field of that name filter by the field instead.
const groupParam = "group"

// inGroup is the scope of ?group=g for u: a supervisor only for their own
// groups, an agent never (they see their own records only).
func inGroup(k *csperf.Kind, u *csperf.User, g string) (*csperf.Scope, error) {
	if scopeField(k) == "" {
		return nil, csperf.FieldErrorf(groupParam, "%s belong to no employee, so not to a group", k.Name)
	}
	if restricted(u) && (u.Role != csperf.RoleSupervisor || !slices.Contains(u.GroupIDs, g)) {
		return nil, &csperf.Error{Code: csperf.EFORBIDDEN, Field: groupParam, Message: "group " + g + " is outside your scope"}
	}
	return &csperf.Scope{GroupIDs: []string{g}}, nil
}
